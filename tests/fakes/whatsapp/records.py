"""What the fake WhatsApp Cloud API stores: media, the messages the bot sent, Meta's error shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MB = 1024 * 1024


class GraphError(Exception):
    """An error exactly as the Graph API returns it: HTTP status and the `{"error": {...}}` body."""

    def __init__(self, code: int, message: str, status: int = 400, details: str = "") -> None:
        super().__init__(f"({code}) {message}")
        self.code, self.message, self.status, self.details = code, message, status, details

    def to_json(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "message": f"(#{self.code}) {self.message}",
            "type": "OAuthException",
            "code": self.code,
            "fbtrace_id": "AFakeTraceId0123",
        }
        if self.details:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        return {"error": error}


def invalid(details: str) -> GraphError:
    """Meta's answer to a badly formed parameter (code 100)."""
    return GraphError(100, "Invalid parameter", details=details)


@dataclass
class Media:
    """A file in the fake's media store: one the user sent, or one the bot uploaded."""

    media_id: str
    data: bytes
    mime_type: str
    filename: str | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    profile: str | None = None
    has_b_frames: bool = False


@dataclass
class SentMessage:
    """A message the bot sent, as the user's phone shows it."""

    wamid: str
    to: str
    type: str
    text: str = ""
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (id, title)
    list_rows: list[tuple[str, str]] = field(default_factory=list)
    link: tuple[str, str] | None = None  # cta_url (display text, url)
    media: Media | None = None
    caption: str = ""
    filename: str | None = None
    template: str | None = None
    template_language: str | None = None
    template_params: list[str] = field(default_factory=list)
    at: float = 0.0

    @property
    def button_ids(self) -> list[str]:
        """Every choice the message offers (reply buttons and list rows)."""
        return [i for i, _ in self.buttons] + [i for i, _ in self.list_rows]
