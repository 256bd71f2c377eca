"""Render progress over polls or time, and the three documented reply shapes of a render poll."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from tests.fakes.nemo_double.config import NemoConfig, RenderShape
from tests.fakes.nemo_double.records import RenderJob

RenderStatus = Literal["pending", "processing", "completed", "failed"]
FAILURE = "render failed: encoder error"


def render_progress(job: RenderJob, now: float, config: NemoConfig) -> tuple[RenderStatus, int]:
    """Status and progress of `job` at its `job.polls`-th poll (or at `now`, if renders are timed)."""
    if config.render_seconds is not None:
        fraction = (now - job.submitted_at) / config.render_seconds if config.render_seconds > 0 else 1.0
    else:
        fraction = (job.polls - 1) / (config.render_polls - 1) if config.render_polls > 1 else 1.0
    if fraction <= 0:
        return "pending", 0
    if fraction < 1 or job.outcome == "slow":
        creeping = min(95, int(fraction * 30)) if job.outcome == "slow" else int(fraction * 100)
        return "processing", max(1, min(99, creeping))
    return ("completed", 100) if job.outcome == "completed" else ("failed", 99)


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


def render_reply(job: RenderJob, status: RenderStatus, progress: int, url: str, shape: RenderShape) -> Any:
    """The poll reply in `shape` 1 (canonical), 2 or 3; `url` is where the output is served."""
    done = status == "completed"
    error = FAILURE if status == "failed" else None
    if shape == 2:
        data = {
            "id": job.render_id,
            "status": status,
            "progress": progress,
            "outputUrl": url if done else None,
            "createdAt": _iso(job.submitted_at),
            "completedAt": _iso(job.completed_at),
        }
        return {"success": True, "data": data if error is None else {**data, "error": error}}
    if shape == 3:
        return {"status": status, "progress": progress, "outputUrl": url if done else None, "error": error}
    reply: dict[str, Any] = {"status": status, "progress": progress}
    if done:
        reply["output"] = {"url": url, "duration": job.output.duration_s, "size": job.output.size}
    if error is not None:
        reply["error"] = error
    return reply
