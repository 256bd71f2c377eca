"""Bot API JSON objects built from the fake's records: what the bot receives in replies and updates.

Field sets follow the Bot API 9.x objects closely enough that python-telegram-bot 22's `de_json` accepts
them (it refuses objects that miss a required field, e.g. ChatFullInfo's `accepted_gift_types`).
"""

from __future__ import annotations

from typing import Any

from tests.fakes.telegram_api.records import Admin, Chat, SentMessage, StoredFile, User
from tests.fakes.telegram_api.state import TelegramState

_ADMIN_RIGHTS = [
    "can_be_edited",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
    "can_manage_topics",
]


def file_json(stored: StoredFile, **extra: Any) -> dict[str, Any]:
    """A file object (Video, Document, PhotoSize, …): the ids and size, plus the kind's own fields."""
    data: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.file_size,
    }
    data.update({k: v for k, v in extra.items() if v is not None})
    return data


def _thumbnail_json(state: TelegramState, file_id: str | None) -> dict[str, Any] | None:
    if file_id is None:
        return None
    return file_json(state.files[file_id], width=320, height=180)


def sent_message_json(state: TelegramState, message: SentMessage, *, nested: bool = False) -> dict[str, Any]:
    """A message the bot sent, as the Message object Telegram returns for it."""
    chat = state.chats[message.chat_id]
    data: dict[str, Any] = {
        "message_id": message.message_id,
        "from": state.bot.to_json(),
        "chat": chat.to_json(),
        "date": message.date,
    }
    if message.message_thread_id is not None:
        data.update(message_thread_id=message.message_thread_id, is_topic_message=True)
    if message.edits:
        data["edit_date"] = message.date + len(message.edits)
    if message.reply_markup and message.buttons:
        data["reply_markup"] = message.reply_markup
    if message.reply_to_message_id is not None and not nested:
        replied = replied_message_json(state, message.chat_id, message.reply_to_message_id)
        if replied is not None:
            data["reply_to_message"] = replied
    media = message.media
    if media is None:
        data["text"] = message.text or ""
        return data
    if message.text:
        data["caption"] = message.text
    stored = state.files[media.file_id]
    thumbnail = _thumbnail_json(state, media.thumbnail_file_id)
    if media.kind == "photo":
        data["photo"] = [file_json(stored, width=media.width or 1280, height=media.height or 720)]
    elif media.kind == "video":
        data["video"] = file_json(
            stored,
            width=media.width or 0,
            height=media.height or 0,
            duration=media.duration or 0,
            file_name=media.file_name,
            mime_type=media.mime_type,
            thumbnail=thumbnail,
        )
    else:
        data["document"] = file_json(
            stored, file_name=media.file_name, mime_type=media.mime_type, thumbnail=thumbnail
        )
    return data


def replied_message_json(state: TelegramState, chat_id: int, message_id: int) -> dict[str, Any] | None:
    """The message being replied to (a user's or the bot's), without its own reply chain."""
    with state.lock:
        if (chat_id, message_id) in state.user_messages:
            user_message = dict(state.user_messages[(chat_id, message_id)])
            user_message.pop("reply_to_message", None)
            return user_message
        sent = state.sent.get((chat_id, message_id))
    return None if sent is None else sent_message_json(state, sent, nested=True)


def chat_full_json(chat: Chat) -> dict[str, Any]:
    """getChat's ChatFullInfo."""
    gifts = {k: False for k in ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")}
    return {
        **chat.to_json(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {**gifts, "gifts_from_channels": False},
    }


def member_json(user: User, admin: Admin | None) -> dict[str, Any]:
    """A ChatMember: creator, administrator (with every right) or plain member."""
    if admin is None:
        return {"status": "member", "user": user.to_json()}
    if admin.owner:
        return {"status": "creator", "user": user.to_json(), "is_anonymous": admin.anonymous}
    rights = dict.fromkeys(_ADMIN_RIGHTS, True)
    return {"status": "administrator", "user": user.to_json(), "is_anonymous": admin.anonymous, **rights}
