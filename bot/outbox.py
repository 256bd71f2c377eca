"""What the conversation and the jobs need from a chat channel, independent of Telegram.

A channel (Telegram today, the playground's console, WhatsApp next) implements `Outbox`. Jobs receive a
`ChatRef`, ask `open_outbox` for that chat's channel, and never see a channel's own types.

    SendError
     ├── ChatUnavailableError   the user blocked the bot, or the chat is gone: stop talking to it
     │    └── WindowClosedError  only templates may go out now (WhatsApp's 24-hour window): wait for the user
     ├── FileTooBigError        a file over the channel's limit (download or upload)
     ├── MediaRejectedError     the channel refused a file we sent (WhatsApp 131053): send the link instead
     └── AmbiguousSendError     no answer after the request was written: the chat may have it
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from bot.models import ChatRef, MediaRef

ChatAction = Literal["typing", "upload_video"]


class SendError(Exception):
    """A message could not be delivered to the chat."""


class ChatUnavailableError(SendError):
    """The bot was blocked or removed: retrying would only annoy the channel."""


class WindowClosedError(ChatUnavailableError):
    """The channel takes no free-form message now; the chat is reachable again when the user writes."""


class FileTooBigError(SendError):
    """The channel refuses a file of this size."""


class MediaRejectedError(SendError):
    """The channel refused a file's format or size after it was offered: another form may still go."""


class AmbiguousSendError(SendError):
    """The request went out but no answer came (timeout, reset): the message may have been delivered.

    A plain `SendError` is a definite refusal, or a failure before anything was sent, and may be retried;
    this one must not be retried blindly, or the user gets the same video twice.
    """


@dataclass(frozen=True)
class Button:
    """An inline button: either a callback (`data`, at most 64 bytes) or a link (`url`)."""

    label: str
    data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class VideoFile:
    """A finished MP4 on disk, with what a player needs to show it inline."""

    path: Path
    width: int
    height: int
    duration_s: float
    thumbnail: Path | None = None


@dataclass(frozen=True)
class DocumentFile:
    """A small file on disk sent as a document (a subtitles file), under the name the user sees."""

    path: Path
    filename: str
    mime_type: str = "text/plain"


Keyboard = tuple[tuple[Button, ...], ...]


class Outbox(Protocol):
    """The outgoing half of a channel."""

    def send_text(
        self,
        chat: ChatRef,
        text: str,
        keyboard: Keyboard = (),
        *,
        on_wire: Callable[[], None] | None = None,
    ) -> int:
        """Send a message; returns its id (for later edits). `on_wire` is called just before the request
        is written (after any rate-limiter wait), so a caller can record that the chat may now have it."""
        ...

    def edit_text(self, chat: ChatRef, message_id: int, text: str, keyboard: Keyboard = ()) -> int:
        """Edit a message in place; returns the id of the message now showing the text."""
        ...

    def send_video(self, chat: ChatRef, video: VideoFile, caption: str, keyboard: Keyboard = ()) -> int:
        """Send an MP4 that plays inline."""
        ...

    def send_document(self, chat: ChatRef, document: DocumentFile, caption: str) -> int:
        """Send a file as a document (it is offered for download, not played)."""
        ...

    def send_action(self, chat: ChatRef, action: ChatAction) -> None:
        """Show "typing…" or "sending video…"."""
        ...

    def fetch_media(self, media: MediaRef, dest: Path) -> Path:
        """Copy the user's file to `dest`, streamed (never whole in memory)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


@runtime_checkable
class ReadyNotices(Protocol):
    """A channel with a messaging window, that can tell a user outside it that a video is ready."""

    def window_open(self, chat: ChatRef) -> bool:
        """Whether free-form messages may go to the chat now (checked before a delivery's work)."""
        ...

    def send_ready_notice(self, chat: ChatRef, url: str) -> bool:
        """Send the approved "your video is ready" notice with `url`; False when none is configured."""
        ...
