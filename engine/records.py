"""The engine's records as the store keeps them: accounts, balances, sessions (with undo history), renders.

Plain frozen dataclasses with their JSON / Redis-hash forms; `engine.store` reads and writes them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, cast

from engine.media import MediaInfo

HISTORY_DEPTH = 20  # drafts kept for undo

Json = dict[str, Any]
RenderStatus = Literal["pending", "processing", "completed", "failed"]


@dataclass(frozen=True)
class Account:
    """An anonymous account as its token sees it."""

    token: str
    user_id: str
    expires_at: float  # unix time


@dataclass(frozen=True)
class Credits:
    """A balance; `frozen` holds the cost of turns in progress."""

    available: int
    frozen: int

    @property
    def total(self) -> int:
        return self.available + self.frozen


@dataclass(frozen=True)
class SessionRecord:
    """One editing session: its draft, the drafts before it (for undo) and its uploads by file id."""

    session_id: str
    task_id: str
    user_id: str
    language: str
    draft: Json = field(default_factory=dict)
    history: tuple[Json, ...] = ()
    media: dict[str, MediaInfo] = field(default_factory=dict)

    def with_draft(self, draft: Json) -> SessionRecord:
        """The session after an edit; the current draft becomes the newest undo step."""
        history = (*self.history, self.draft)[-HISTORY_DEPTH:]
        return replace(self, draft=draft, history=history)

    def undone(self) -> SessionRecord | None:
        """The session one edit back, or None when there is nothing to undo."""
        if not self.history:
            return None
        return replace(self, draft=self.history[-1], history=self.history[:-1])

    def to_json(self) -> Json:
        return {
            "session_id": self.session_id,
            "task_id": self.task_id,
            "user_id": self.user_id,
            "language": self.language,
            "draft": self.draft,
            "history": list(self.history),
            "media": {file_id: info.to_json() for file_id, info in self.media.items()},
        }

    @classmethod
    def from_json(cls, data: Json) -> SessionRecord:
        return cls(
            session_id=data["session_id"],
            task_id=data["task_id"],
            user_id=data["user_id"],
            language=data["language"],
            draft=data.get("draft") or {},
            history=tuple(data.get("history") or ()),
            media={k: MediaInfo.from_json(v) for k, v in (data.get("media") or {}).items()},
        )


@dataclass(frozen=True)
class RenderRecord:
    """One export: what to render, how far it got, and where the result is (relative to the data folder)."""

    render_id: str
    user_id: str
    session_id: str
    draft: Json
    output_path: str
    status: RenderStatus = "pending"
    progress: int = 0
    duration_s: float = 0.0
    size: int = 0
    width: int = 0
    height: int = 0
    error: str = ""
    address: str = ""  # the network address that asked for it (per-address limits)

    def to_hash(self) -> Mapping[Any, str | int | float]:
        return {
            "render_id": self.render_id,
            "user_id": self.user_id,
            "session_id": self.session_id,
            "draft": json.dumps(self.draft),
            "output_path": self.output_path,
            "status": self.status,
            "progress": self.progress,
            "duration_s": self.duration_s,
            "size": self.size,
            "width": self.width,
            "height": self.height,
            "error": self.error,
            "address": self.address,
        }

    @classmethod
    def from_hash(cls, raw: dict[bytes, bytes]) -> RenderRecord:
        data = {k.decode(): v.decode() for k, v in raw.items()}
        return cls(
            render_id=data["render_id"],
            user_id=data["user_id"],
            session_id=data["session_id"],
            draft=json.loads(data["draft"]),
            output_path=data["output_path"],
            status=cast(RenderStatus, data["status"]),
            progress=int(data["progress"]),
            duration_s=float(data["duration_s"]),
            size=int(data["size"]),
            width=int(data["width"]),
            height=int(data["height"]),
            error=data["error"],
            address=data.get("address", ""),
        )
