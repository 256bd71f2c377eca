"""What the double remembers: accounts, tokens, sessions, render jobs, faults and every request it got."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.fakes.nemo_double.config import Endpoint, RenderOutcome
from tests.fakes.nemo_double.drafts import Draft
from tests.fakes.nemo_double.media import MediaFile


class ApiError(Exception):
    """An error reply: an application `code` (1001, 2001, ...) and/or an HTTP status (400, 402, 429, ...)."""

    def __init__(
        self,
        code: int | None = None,
        http_status: int | None = None,
        message: str = "error",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.http_status = http_status
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class UploadedFile:
    """One multipart part as received: enough to tell bytes were sent, and which."""

    field: str
    filename: str
    size: int
    content_type: str
    sha256: str


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the double saw it, recorded before any check or injected fault."""

    endpoint: Endpoint
    method: str
    path: str
    headers: dict[str, str]
    """Header names lower-cased."""
    json: Any
    files: tuple[UploadedFile, ...] = ()


@dataclass
class Account:
    """Anonymous (`anon_…`, from anonymous-token) or registered (`usr_…`, from `register_user`)."""

    user_id: str
    available: int
    frozen: int = 0
    client_id: str | None = None

    @property
    def registered(self) -> bool:
        return self.user_id.startswith("usr_")


@dataclass
class Token:
    value: str
    user_id: str
    expires_at: float


@dataclass
class Session:
    """A backend session: its draft and uploads, and the turns it received (to catch duplicates)."""

    session_id: str
    task_id: str
    user_id: str
    language: str
    draft: Draft = field(default_factory=dict)
    video_infos: list[dict[str, Any]] = field(default_factory=list)
    turns: list[str] = field(default_factory=list)
    running_turns: int = 0
    peak_running_turns: int = 0
    """The most turns that ever ran at once; above 1 means a client re-sent a message mid-turn."""

    def state(self) -> dict[str, Any]:
        """The profile's `data.state`; canvas_config and video_analyses stay missing (allowed)."""
        return {"draft": self.draft, "video_infos": self.video_infos, "generated_media": []}


@dataclass
class RenderJob:
    render_id: str
    session_id: str
    draft: Any
    output: MediaFile
    outcome: RenderOutcome
    submitted_at: float
    polls: int = 0
    completed_at: float | None = None


@dataclass
class Fault:
    """An injected failure for the next `remaining` calls of one endpoint."""

    code: int | None
    http_status: int | None
    retry_after: float | None
    remaining: int
