"""Telegram `Update` → channel-neutral `IncomingMessage`: the only place Telegram's shapes are read."""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.constants import ChatType

from bot.models import ChatRef, IncomingMessage, MediaRef


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


def media_from_message(message: Message) -> MediaRef | None:
    """The file a message carries, described without downloading it."""
    group = message.media_group_id
    if message.animation is not None:
        a = message.animation
        return MediaRef(
            kind="animation",
            file_id=a.file_id,
            file_unique_id=a.file_unique_id,
            file_name=a.file_name,
            mime_type=a.mime_type,
            file_size=a.file_size,
            width=a.width,
            height=a.height,
            duration=_seconds(a.duration),
            media_group_id=group,
        )
    if message.video is not None:
        v = message.video
        return MediaRef(
            kind="video",
            file_id=v.file_id,
            file_unique_id=v.file_unique_id,
            file_name=v.file_name,
            mime_type=v.mime_type,
            file_size=v.file_size,
            width=v.width,
            height=v.height,
            duration=_seconds(v.duration),
            media_group_id=group,
        )
    if message.video_note is not None:
        n = message.video_note
        return MediaRef(
            kind="video_note",
            file_id=n.file_id,
            file_unique_id=n.file_unique_id,
            mime_type="video/mp4",
            file_size=n.file_size,
            width=n.length,
            height=n.length,
            duration=_seconds(n.duration),
            media_group_id=group,
        )
    if message.audio is not None:
        au = message.audio
        return MediaRef(
            kind="audio",
            file_id=au.file_id,
            file_unique_id=au.file_unique_id,
            file_name=au.file_name,
            mime_type=au.mime_type,
            file_size=au.file_size,
            duration=_seconds(au.duration),
            media_group_id=group,
        )
    if message.photo:
        p = message.photo[-1]
        return MediaRef(
            kind="photo",
            file_id=p.file_id,
            file_unique_id=p.file_unique_id,
            mime_type="image/jpeg",
            file_size=p.file_size,
            width=p.width,
            height=p.height,
            media_group_id=group,
        )
    if message.document is not None:
        d = message.document
        return MediaRef(
            kind="document",
            file_id=d.file_id,
            file_unique_id=d.file_unique_id,
            file_name=d.file_name,
            mime_type=d.mime_type,
            file_size=d.file_size,
            media_group_id=group,
        )
    if message.voice is not None:
        vo = message.voice
        return MediaRef(
            kind="voice",
            file_id=vo.file_id,
            file_unique_id=vo.file_unique_id,
            mime_type=vo.mime_type,
            file_size=vo.file_size,
            duration=_seconds(vo.duration),
        )
    if message.sticker is not None:
        s = message.sticker
        return MediaRef(
            kind="sticker", file_id=s.file_id, file_unique_id=s.file_unique_id, file_size=s.file_size
        )
    return None


def _seconds(value: object) -> float | None:
    """PTB 22 gives durations as `timedelta` (or int seconds in older modes)."""
    if value is None:
        return None
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
