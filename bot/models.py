"""Channel-neutral records: what a chat channel (Telegram today, WhatsApp next) hands to the conversation.

Nothing here imports `telegram`. Every record is a small pydantic model, JSON-safe, so that it can travel
through Redis as a job argument and be validated again on the other side.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

# Reply styles: English, Hindi in Devanagari, Hinglish in Roman letters (the backend hears "hi" for both).
Lang = Literal["en", "hi", "hi-Latn"]
# Where a session's language came from: the channel's hint, the user's own messages, or /language.
LangSource = Literal["hint", "detected", "chosen"]
Intent = Literal["export", "credits", "status", "upload", "edit"]
MediaKind = Literal[
    "video", "document", "video_note", "animation", "audio", "photo", "voice", "sticker", "other"
]
Channel = Literal["telegram", "console", "whatsapp"]


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class ChatRef(Record):
    """Where to answer: a chat on a channel, and in forum groups the topic."""

    channel: Channel = "telegram"
    chat_id: int
    thread_id: int | None = None
    is_group: bool = False

    @property
    def key(self) -> str:
        """A stable string naming the chat (and not the topic: a group shares one session)."""
        return f"{self.channel}:{self.chat_id}"


class MediaRef(Record):
    """A file the user sent, as the channel describes it, before anything is downloaded."""

    kind: MediaKind
    file_id: str
    file_unique_id: str = ""
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    media_group_id: str | None = None


class IncomingMessage(Record):
    """One user action: text, a command, a file, or a button press.

    In groups, `addressed` says whether the message is meant for the bot (a command, a reply to it, a
    mention); `is_admin` is the channel's answer for the sender; `reply_media` is the file of the message
    a command replied to ("/edit trim it" in reply to a video).
    """

    update_id: int
    chat: ChatRef
    user_id: int
    user_name: str = ""
    message_id: int | None = None
    text: str = ""
    command: str | None = None
    media: MediaRef | None = None
    language_hint: str | None = None
    callback_data: str | None = None
    addressed: bool = True
    is_admin: bool = False
    reply_media: MediaRef | None = None


RequestKind = Literal["upload", "edit", "export", "credits", "status"]


class Request(Record):
    """One piece of work the conversation hands to the workers: ids and words, never a secret."""

    request_id: str
    kind: RequestKind
    chat: ChatRef
    user_id: int
    user_name: str = ""
    lang: Lang = "en"
    text: str = ""
    media: tuple[MediaRef, ...] = ()
    urls: tuple[str, ...] = ()
    retry_of: str | None = None
    attempt: int = 0
    album_id: str | None = None
    by_admin: bool = False
