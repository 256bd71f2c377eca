"""Telegram `Update` → channel-neutral `IncomingMessage`: the only place Telegram's shapes are read."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ChatType

from bot.models import ChatRef, IncomingMessage, MediaRef


def incoming_from_update(update: Update) -> IncomingMessage | None:
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
    user_id = user.id if user is not None else chat.id
    user_name = user.first_name if user is not None else (chat.title or "")
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
    command, text = split_command(message.text or message.caption or "")
    return base.model_copy(update={"text": text, "command": command, "media": media_from_message(message)})


def split_command(text: str) -> tuple[str | None, str]:
    """`/edit@MyBot trim it` → (`edit`, `trim it`); plain text → (None, text)."""
    if not text.startswith("/"):
        return None, text
    head, _, rest = text.partition(" ")
    name = head[1:].split("@", 1)[0].lower()
    return (name or None), rest.strip()


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
