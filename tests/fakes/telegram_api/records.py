"""What the fake remembers: users, chats, files, and every message the bot sent, as immutable records.

Records are frozen so that a test thread can hold one while the server thread records the next version of
the same message (an edit replaces the record, it never mutates it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

ChatType = Literal["private", "group", "supergroup"]
MediaKind = Literal["video", "document", "photo", "video_note", "animation", "audio"]

MB = 1024 * 1024

# Telegram's service account that speaks for anonymous group admins (`from` of their messages).
GROUP_ANONYMOUS_BOT_ID = 1087968824


@dataclass(frozen=True)
class User:
    """A Telegram user as scripted by a test; `language_code` drives the bot's language hint."""

    id: int
    first_name: str = "Test"
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False

    def to_json(self) -> dict[str, Any]:
        """The Bot API `User` object."""
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


GROUP_ANONYMOUS_BOT = User(
    GROUP_ANONYMOUS_BOT_ID, first_name="Group", username="GroupAnonymousBot", language_code=None, is_bot=True
)


@dataclass(frozen=True)
class Chat:
    """A chat the fake knows; negative ids are groups, `-100…` ids supergroups (as in Telegram)."""

    id: int
    type: ChatType
    title: str | None = None
    is_forum: bool = False
    first_name: str | None = None
    username: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The Bot API `Chat` object embedded in messages."""
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.first_name or "Test"
            if self.username:
                data["username"] = self.username
        else:
            data["title"] = self.title or f"Group {self.id}"
            if self.is_forum:
                data["is_forum"] = True
        return data


@dataclass(frozen=True)
class Admin:
    """A group administrator; `anonymous` admins post as the group itself (via `sender_chat`)."""

    user: User
    owner: bool = False
    anonymous: bool = False


@dataclass(frozen=True)
class StoredFile:
    """A file the fake can hand out through getFile: a user's upload (on disk) or the bot's (in memory)."""

    file_id: str
    file_unique_id: str
    file_size: int
    file_path: str
    local_path: Path | None = None
    data: bytes | None = None

    def read(self) -> bytes:
        """The file's bytes."""
        if self.data is not None:
            return self.data
        assert self.local_path is not None
        return self.local_path.read_bytes()


@dataclass(frozen=True)
class Button:
    """One inline keyboard button, parsed from the reply_markup the bot sent."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class SentMedia:
    """The media of a message the bot sent: the uploaded bytes, or the reference it used instead (a file_id,
    a URL, or in local mode a `file://` URI); `FakeTelegram.file(file_id)` reads what a reference named."""

    kind: MediaKind
    file_id: str
    data: bytes | None = None
    reference: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    duration: int | None = None
    supports_streaming: bool = False
    thumbnail: bytes | None = None
    thumbnail_file_id: str | None = None


@dataclass(frozen=True)
class SentMessage:
    """A message the bot sent, in its latest version; `text` is the caption for media messages."""

    chat_id: int
    message_id: int
    method: str
    date: int
    text: str | None = None
    parse_mode: str | None = None
    message_thread_id: int | None = None
    reply_to_message_id: int | None = None
    reply_markup: dict[str, Any] | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()
    media: SentMedia | None = None
    edits: tuple[str, ...] = field(default=())
    deleted: bool = False

    @property
    def callback_data(self) -> list[str]:
        """Every button's callback_data, row by row."""
        return [b.callback_data for row in self.buttons for b in row if b.callback_data is not None]


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, with its parameters (file contents left out) and the HTTP status given."""

    method: str
    params: dict[str, Any]
    status: int
