"""Replies of the NemoVideo backend as typed, frozen pydantic models.

The sources of the profile disagree on several shapes; the validators here fold every documented variant
into one model, so that the jobs see a single form. Each model reads the `data` object of the success
envelope, except `RenderStatus`, whose replies come in three shapes of their own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

NonEmptyStr = Annotated[str, Field(min_length=1)]
RenderState = Literal["pending", "processing", "completed", "failed"]


class _Reply(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class AnonymousToken(_Reply):
    """A token from anonymous-token; `token` is secret and never shows in a repr."""

    token: SecretStr
    credits: int | None = None
    user_id: str | None = None
    expires_at: datetime | None = None

    @field_validator("token")
    @classmethod
    def _not_empty(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value():
            raise ValueError("empty token")
        return value

    @property
    def is_anonymous(self) -> bool:
        """True for an anonymous account: no user id, or one that starts with `anon_`."""
        return self.user_id is None or self.user_id.startswith("anon_")


class SessionInfo(_Reply):
    """A new backend session; `session_id` is a numeric string, though some replies send a number."""

    model_config = ConfigDict(coerce_numbers_to_str=True)

    task_id: NonEmptyStr
    session_id: NonEmptyStr
    user_id: str | None = None


class UploadedFile(_Reply):
    """One file the backend accepted into the session."""

    filename: str
    file_type: str | None = None
    cdn_url: str | None = None
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    hash: str | None = None


class UploadResult(_Reply):
    """The reply to an upload, by file or by URL."""

    files: list[UploadedFile] = []
    session_state_applied: bool | None = None

    @field_validator("files", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return [] if value is None else value


class Credits(_Reply):
    """The credit balance; `frozen` holds the credits of operations still running."""

    available: int
    frozen: int
    total: int
    turn_cost: int | None = None  # our engine says what an edit turn costs; the cloud does not


class SessionState(_Reply):
    """The latest state of a session.

    A fresh session may miss any part or send it as null or empty: lists then read as `[]`, the draft and
    the canvas as None. The parts themselves stay raw, and unknown parts are kept, because the draft is
    passed back verbatim to render and its segment keys are undocumented.
    """

    model_config = ConfigDict(extra="allow")

    draft: dict[str, Any] | None = None
    video_infos: list[Any] = []
    generated_media: list[Any] = []
    canvas_config: dict[str, Any] | None = None
    video_analyses: list[Any] = []

    @field_validator("draft", "canvas_config", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return value or None

    @field_validator("video_infos", "generated_media", "video_analyses", mode="before")
    @classmethod
    def _null_is_empty(cls, value: object) -> object:
        return [] if value is None else value

    @property
    def is_exportable(self) -> bool:
        """True when some track of the draft has a segment (`t[].sg` non-empty), as export requires."""
        tracks = (self.draft or {}).get("t")
        if not isinstance(tracks, list):
            return False
        return any(isinstance(track, dict) and track.get("sg") for track in tracks)


class RenderStatus(_Reply):
    """Where a render is; three reply shapes are documented and all read into this one.

    1. `{"status", "progress", "output": {"url", "duration", "size"}}` (canonical);
    2. `{"success": true, "data": {"id", "status", "progress", "outputUrl", ...}}`;
    3. `{"status", "progress", "outputUrl", "error"}`.
    """

    status: RenderState
    progress: int = 0
    url: str | None = None
    duration: float | None = None
    size: int | None = None
    error: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _fold_shapes(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        body = value.get("data") if "status" not in value else value
        if not isinstance(body, dict):
            return value
        output = body.get("output")
        output = output if isinstance(output, dict) else {}
        error = body.get("error")
        if isinstance(error, dict):
            error = error.get("message")
        # The model's own field names are read too, so that a dumped status validates back unchanged.
        return {
            "status": body.get("status"),
            "progress": body.get("progress"),
            "url": output.get("url") or body.get("outputUrl") or body.get("url"),
            "duration": output.get("duration", body.get("duration")),
            "size": output.get("size", body.get("size")),
            "error": error or None,
        }

    @field_validator("status", mode="before")
    @classmethod
    def _lowercase(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("progress", mode="before")
    @classmethod
    def _percent(cls, value: object) -> object:
        """Missing progress reads as 0; fractional percentages are rounded and kept within 0–100."""
        if value is None:
            return 0
        if isinstance(value, int | float) and not isinstance(value, bool):
            return min(100, max(0, round(value)))
        return value

    @property
    def is_done(self) -> bool:
        """True when the render completed and its URL is known (completed without a URL is not done)."""
        return self.status == "completed" and bool(self.url)

    @property
    def is_failed(self) -> bool:
        """True when the backend reports the render failed."""
        return self.status == "failed"
