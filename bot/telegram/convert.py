"""Telegram `Update` → channel-neutral `IncomingMessage`: the only place Telegram's shapes are read."""

from __future__ import annotations

import re
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType

from bot.models import ChatRef, IncomingMessage, MediaKind, MediaRef


def incoming_from_update(update: Update, bot_username: str = "", bot_id: int = 0) -> IncomingMessage | None:
    """The user action in an update, or None for updates that carry none (edits, joins, …)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return None
    query = update.callback_query
    message = query.message if query is not None else update.message
    if message is None or (not isinstance(message, Message) and query is None):
        return None
    thread_id = (
        message.message_thread_id if isinstance(message, Message) and message.is_topic_message else None
    )
    ref = ChatRef(
        channel="telegram",
        chat_id=chat.id,
        thread_id=thread_id,
        is_group=chat.type in (ChatType.GROUP, ChatType.SUPERGROUP),
    )
    # Anonymous group admins post as the group itself (sender_chat); they get the chat's id as user id.
    anonymous_admin = (
        isinstance(message, Message) and message.sender_chat is not None and message.sender_chat.id == chat.id
    )
    user_id = chat.id if anonymous_admin or user is None else user.id
    user_name = (chat.title or "") if anonymous_admin or user is None else user.first_name
    base = IncomingMessage(
        update_id=update.update_id,
        chat=ref,
        user_id=user_id,
        user_name=user_name,
        message_id=message.message_id,
        language_hint=user.language_code if user is not None else None,
    )
    if query is not None:
        return base.model_copy(update={"callback_data": query.data or ""})
    assert isinstance(message, Message)
    raw = message.text or message.caption or ""
    command, text = split_command(raw, bot_username)
    mention = f"@{bot_username}" if bot_username else ""
    mentioned = bool(mention) and mention.lower() in raw.lower()
    if mentioned and command is None:
        text = re.sub(re.escape(mention), "", text, flags=re.IGNORECASE).strip()
    replied = message.reply_to_message
    to_bot = replied is not None and replied.from_user is not None and replied.from_user.id == bot_id
    return base.model_copy(
        update={
            "text": text,
            "command": command,
            "media": media_from_message(message),
            "addressed": not ref.is_group or command is not None or mentioned or to_bot,
            "is_admin": anonymous_admin,
            "reply_media": media_from_message(replied)
            if replied is not None and command is not None
            else None,
        }
    )


def split_command(text: str, bot_username: str = "") -> tuple[str | None, str]:
    """`/edit@MyBot trim it` → (`edit`, `trim it`); plain text, or another bot's command → (None, text)."""
    if not text.startswith("/"):
        return None, text
    head, _, rest = text.partition(" ")
    name, _, addressee = head[1:].partition("@")
    if addressee and bot_username and addressee.lower() != bot_username.lower():
        return None, text
    return (name.lower() or None), rest.strip()


# Which attribute of a message holds a file, and what it is to us; animation first (it is also a document).
_MEDIA_ATTRIBUTES: tuple[tuple[str, MediaKind], ...] = (
    ("animation", "animation"),
    ("video", "video"),
    ("video_note", "video_note"),
    ("audio", "audio"),
    ("document", "document"),
    ("voice", "voice"),
    ("sticker", "sticker"),
)
_DEFAULT_TYPES = {"video_note": "video/mp4", "photo": "image/jpeg"}


def media_from_message(message: Message) -> MediaRef | None:
    """The file a message carries, described without downloading it."""
    if message.photo:
        return _media_ref("photo", message.photo[-1], message.media_group_id)
    for attribute, kind in _MEDIA_ATTRIBUTES:
        item = getattr(message, attribute)
        if item is not None:
            return _media_ref(kind, item, message.media_group_id)
    return None


def _media_ref(kind: MediaKind, item: Any, media_group_id: str | None) -> MediaRef:
    """One file of any kind: the fields a kind lacks (a photo's duration, a note's name) stay empty."""
    side = getattr(item, "length", None)  # a video note is a square
    return MediaRef(
        kind=kind,
        file_id=item.file_id,
        file_unique_id=item.file_unique_id,
        file_name=getattr(item, "file_name", None),
        mime_type=getattr(item, "mime_type", None) or _DEFAULT_TYPES.get(kind),
        file_size=item.file_size,
        width=getattr(item, "width", None) or side,
        height=getattr(item, "height", None) or side,
        duration=_seconds(getattr(item, "duration", None)),
        media_group_id=media_group_id,
    )


def _seconds(value: object) -> float | None:
    """PTB 22 gives durations as `timedelta` (or int seconds in older modes)."""
    if value is None:
        return None
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
