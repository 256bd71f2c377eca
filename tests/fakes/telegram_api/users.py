"""Scripted users: the updates a real Telegram client would cause, with realistic payloads.

Media is probed with PyAV so that a video's width, height and duration are those of the file the test
made; a file PyAV cannot read (a PDF, a sparse "huge" file) simply reports zeros, as Telegram does for
documents.
"""

from __future__ import annotations

import mimetypes
import time
import uuid
from pathlib import Path
from typing import Any, TypedDict

import av

from tests.fakes.telegram_api.markup import user_entities
from tests.fakes.telegram_api.payloads import file_json, replied_message_json, sent_message_json
from tests.fakes.telegram_api.records import GROUP_ANONYMOUS_BOT, Chat, ChatType, MediaKind, User
from tests.fakes.telegram_api.state import TelegramState, infer_chat_type

_FOLDERS = {
    "video": "videos",
    "document": "documents",
    "photo": "photos",
    "video_note": "video_notes",
    "animation": "animations",
    "audio": "music",
}


class Origin(TypedDict, total=False):
    """Who sends a scripted message, and where: the keyword arguments every `send_*` accepts."""

    user: User
    chat_type: ChatType
    thread_id: int | None
    reply_to: int | None
    anonymous_admin: bool


def default_user(chat_id: int) -> User:
    """In a private chat the user's id is the chat's id; in groups a fixed member speaks."""
    user_id = chat_id if chat_id > 0 else 777_000_001
    return User(user_id, first_name="Test", username=f"user{user_id}", language_code="en")


def _known_chat(state: TelegramState, chat_id: int, origin: Origin, user: User) -> Chat:
    chat_type = origin.get("chat_type") or infer_chat_type(chat_id)
    names = {"first_name": user.first_name, "username": user.username} if chat_type == "private" else {}
    return state.add_chat(Chat(chat_id, chat_type, is_forum=origin.get("thread_id") is not None, **names))


def queue_message(
    state: TelegramState,
    chat_id: int,
    content: dict[str, Any],
    origin: Origin,
    media_group_id: str | None = None,
) -> int:
    """Record a user's message in the chat and queue it as a `message` update; returns the update_id."""
    user = origin.get("user") or default_user(chat_id)
    chat = _known_chat(state, chat_id, origin, user)
    message: dict[str, Any] = {
        "message_id": state.next_message_id(chat_id),
        "from": user.to_json(),
        "chat": chat.to_json(),
        "date": int(time.time()),
    }
    if origin.get("anonymous_admin"):
        message.update({"from": GROUP_ANONYMOUS_BOT.to_json(), "sender_chat": chat.to_json()})
    if (thread_id := origin.get("thread_id")) is not None:
        message.update(message_thread_id=thread_id, is_topic_message=True)
    if (reply_to := origin.get("reply_to")) is not None:
        replied = replied_message_json(state, chat_id, reply_to)
        if replied is None:
            raise ValueError(f"chat {chat_id} has no message {reply_to} to reply to")
        message["reply_to_message"] = replied
    if media_group_id is not None:
        message["media_group_id"] = media_group_id
    message.update(content)
    with state.lock:
        state.user_messages[(chat_id, message["message_id"])] = message
    return state.enqueue({"message": message})


def text_content(text: str, key: str = "text") -> dict[str, Any]:
    """A text (or caption) with the entities Telegram would mark in it."""
    content: dict[str, Any] = {key: text}
    entities = user_entities(text)
    if entities:
        content["entities" if key == "text" else f"{key}_entities"] = entities
    return content


def _probe(path: Path) -> tuple[int, int, int]:
    """Width, height and whole seconds of a media file; zeros where PyAV cannot tell."""
    try:
        with av.open(str(path)) as container:
            video = next(iter(container.streams.video), None)
            seconds = container.duration / 1_000_000 if container.duration else 0.0
            if video is None:
                return 0, 0, round(seconds)
            return video.codec_context.width, video.codec_context.height, round(seconds)
    except (av.FFmpegError, OSError, ValueError):
        return 0, 0, 0


def media_content(
    state: TelegramState, kind: MediaKind, path: Path, caption: str | None, **overrides: Any
) -> dict[str, Any]:
    """The message fields for a user's file: registered with the fake, probed, described per kind."""
    stored = state.store_file(_FOLDERS[kind], path.suffix, path=path)
    width, height, duration = _probe(path)
    described: dict[str, Any] = {
        "width": width,
        "height": height,
        "duration": duration,
        "file_name": path.name,
        "mime_type": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
    }
    described.update(overrides)
    content: dict[str, Any] = text_content(caption, "caption") if caption else {}
    if kind == "photo":
        content["photo"] = [file_json(stored, width=described["width"], height=described["height"])]
    elif kind == "video_note":
        content["video_note"] = file_json(stored, length=described["width"], duration=described["duration"])
    elif kind == "audio":
        fields = {k: described[k] for k in ("duration", "file_name", "mime_type")}
        content["audio"] = file_json(stored, **fields)
    elif kind == "document":
        fields = {k: described[k] for k in ("file_name", "mime_type")}
        content["document"] = file_json(stored, **fields)
    else:
        # Telegram describes an animation twice: as `animation` and, for old clients, as `document`.
        content[kind] = file_json(stored, **described)
        if kind == "animation":
            content["document"] = file_json(stored, file_name=path.name, mime_type=described["mime_type"])
    return content


def queue_button_press(
    state: TelegramState, chat_id: int, message_id: int, data: str, user: User, *, expired: bool = False
) -> int:
    """Queue a `callback_query` for a button the bot really showed; a missing button is the test's error."""
    with state.lock:
        sent = state.sent.get((chat_id, message_id))
        if sent is None or sent.deleted:
            raise ValueError(f"the bot has no message {message_id} in chat {chat_id}")
        if data not in sent.callback_data:
            buttons = sent.callback_data
            raise ValueError(f"message {message_id} has no button {data!r}; its buttons: {buttons}")
        query_id = str(uuid.uuid4().int)[:19]
        if not expired:
            state.callback_queries[query_id] = False
    query = {
        "id": query_id,
        "from": user.to_json(),
        "message": sent_message_json(state, sent),
        "chat_instance": str(abs(chat_id) * 7919),
        "data": data,
    }
    return state.enqueue({"callback_query": query})
