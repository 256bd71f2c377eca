"""The render job on RQ: draft and media from the store -> `render_draft` -> the result back in the store.

The job's arguments are the render id and the data folder (JSON-safe, no secrets); everything else is read
from the store, so a job queued by one engine process runs in any worker that shares its Redis and disk.
A failure the renderer explains (`EngineError`) is recorded with its message; anything else (a crash, the
job timeout) propagates to RQ, whose failure callback records a plain "failed" so that a poll never waits on
a render nobody is working on.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import TracebackType
from typing import Any

from redis import Redis
from rq import Callback, Queue
from rq.job import Job, get_current_job

from engine.errors import EngineError
from engine.render import render_draft
from engine.store import RENDER_TTL_S, Store

log = logging.getLogger(__name__)


def enqueue_render(queue: Queue, render_id: str, *, data_dir: Path, timeout_s: int) -> None:
    """Queue the render job for `render_id` (its job id), with an explicit time limit."""
    queue.enqueue_call(
        render,
        args=(render_id, str(data_dir.resolve())),
        job_id=f"render-{render_id}",
        timeout=timeout_s,
        result_ttl=RENDER_TTL_S,
        failure_ttl=RENDER_TTL_S,
        on_failure=Callback(mark_failed),
    )


def render(render_id: str, data_dir: str) -> None:
    """RQ job: render one export and record progress, result or error."""
    job = get_current_job()
    assert job is not None, "render() runs inside an RQ worker"
    run_render(Store(job.connection), render_id, Path(data_dir))


def run_render(store: Store, render_id: str, data_dir: Path) -> None:
    """Render `render_id` now, recording its progress and outcome in `store`."""
    record = store.render(render_id)
    if record is None:
        log.warning("render %s expired before it started", render_id)
        return
    session = store.session(record.session_id)
    if session is None:
        store.update_render(render_id, status="failed", error="the session expired")
        return
    store.update_render(render_id, status="processing")
    work_dir = data_dir / "tmp"
    work_dir.mkdir(parents=True, exist_ok=True)
    try:
        result = render_draft(
            record.draft,
            session.media,
            data_dir,
            data_dir / record.output_path,
            lambda percent: store.update_render(render_id, progress=percent),
            work_dir=work_dir,
        )
    except EngineError as error:
        store.update_render(render_id, status="failed", error=str(error))
        return
    store.update_render(
        render_id,
        status="completed",
        progress=100,
        duration_s=result.duration_s,
        size=result.size,
        width=result.width,
        height=result.height,
    )


def mark_failed(
    job: Job,
    connection: Redis,
    exc_type: type[BaseException] | None,
    exc_value: BaseException | None,
    traceback: TracebackType | None,
    *_: Any,
) -> None:
    """RQ failure callback: the job crashed or timed out; say so in the store."""
    store, render_id = Store(connection), str(job.args[0])
    if store.render(render_id) is not None:
        store.update_render(render_id, status="failed", error="the render failed")
