"""The render job on RQ: draft and media from the store -> `render_draft` -> the result back in the store.

The job's arguments are the render id and the data folder (JSON-safe, no secrets); everything else is read
from the store, so a job queued by one engine process runs in any worker that shares its Redis and disk.
A failure the renderer explains (`EngineError`) is recorded with its message; anything else (a crash, the
job's time budget running out) propagates to RQ, whose failure callback records a plain "failed", and a
cancelled job (RQ's stop command kills its work horse) is marked by the stopped callback, so that a poll
never waits on a render nobody is working on. Intermediates live in the render's own folder, removed on every
way out, including by those callbacks after a kill.

A render outlives a Redis restart: its progress is advisory, so a write that fails is skipped, and its outcome
is written once Redis answers again (waiting with the supervisor's back-off, within the job's time budget).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Callback, Queue
from rq.job import Job, get_current_job
from rq.serializers import JSONSerializer

from engine.errors import EngineError
from engine.fonts import FONT_DIRS, font_dirs_from
from engine.reframe import FaceFinder
from engine.render import RenderOptions, render_draft
from engine.settings import EngineSettings
from engine.store import RENDER_TTL_S, RenderRecord, Store
from engine.supervisor import RECONNECT_FIRST_WAIT_S, wait_for_redis

log = logging.getLogger(__name__)


def render_queue_names(settings: EngineSettings) -> list[str]:
    """The render lanes: one queue each, all served by every render worker, in turn."""
    return [f"{settings.render_queue}-{lane}" for lane in range(max(settings.render_lanes, 1))]


def render_lane(settings: EngineSettings, user_id: str) -> str:
    """The queue a user's renders go to. Workers take from the lanes round-robin, so one client's long
    renders wait behind each other, not in front of everyone else's (clients sharing a lane share a turn)."""
    names = render_queue_names(settings)
    return names[int(hashlib.sha256(user_id.encode()).hexdigest(), 16) % len(names)]


def enqueue_render(connection: Redis, settings: EngineSettings, record: RenderRecord, timeout_s: int) -> None:
    """Queue the render job for `record` (its job id), with its time budget as the job's limit."""
    queue = Queue(render_lane(settings, record.user_id), connection=connection, serializer=JSONSerializer)
    queue.enqueue_call(
        render,
        args=(record.render_id, str(settings.data_dir.resolve()), settings.font_dirs),
        job_id=f"render-{record.render_id}",
        timeout=timeout_s,
        result_ttl=RENDER_TTL_S,
        failure_ttl=RENDER_TTL_S,
        on_failure=Callback(mark_failed),
        on_stopped=Callback(mark_stopped),
    )


def render(render_id: str, data_dir: str, font_dirs: str = "") -> None:
    """RQ job: render one export and record progress, result or error (`font_dirs`: ENGINE_FONT_DIRS;
    a job queued before it was an argument has none, and gets the default folders)."""
    job = get_current_job()
    assert job is not None, "render() runs inside an RQ worker"
    run_render(Store(job.connection), render_id, Path(data_dir), font_dirs_from(font_dirs))


def run_render(store: Store, render_id: str, data_dir: Path, font_dirs: tuple[Path, ...] = FONT_DIRS) -> None:
    """Render `render_id` now, recording its progress and outcome in `store` (through Redis restarts)."""
    record = store.render(render_id)
    if record is None:
        log.warning("render %s expired before it started", render_id)
        return
    session = store.session(record.session_id)
    if session is None:
        store.update_render(render_id, status="failed", error="the session expired")
        return
    store.update_render(render_id, status="processing")
    work_dir = render_work_dir(data_dir, render_id)
    work_dir.mkdir(parents=True, exist_ok=True)
    try:
        result = render_draft(
            record.draft,
            session.media,
            data_dir,
            data_dir / record.output_path,
            _Progress(store, render_id),
            work_dir=work_dir,
            options=RenderOptions(font_dirs=font_dirs),
            faces=FaceFinder.from_settings(EngineSettings(data_dir=data_dir)),  # the worker's limits
        )
    except EngineError as error:
        reason = str(error)
        _once_redis_answers(store, lambda: store.update_render(render_id, status="failed", error=reason))
        return
    finally:  # a timeout (RQ's JobTimeoutException) and any crash pass through here too
        shutil.rmtree(work_dir, ignore_errors=True)

    def completed() -> None:
        store.track_render_output(record, result.size)
        store.update_render(
            render_id,
            status="completed",
            progress=100,
            duration_s=result.duration_s,
            size=result.size,
            width=result.width,
            height=result.height,
        )

    _once_redis_answers(store, completed)


class _Progress:
    """Records a render's progress; a write Redis refuses is skipped, with one warning per outage."""

    def __init__(self, store: Store, render_id: str) -> None:
        self.store, self.render_id, self.warned = store, render_id, False

    def __call__(self, percent: int) -> None:
        try:
            self.store.update_render(self.render_id, progress=percent)
            self.warned = False
        except (RedisConnectionError, RedisTimeoutError):
            if not self.warned:
                log.warning("render %s: progress not recorded while Redis is unreachable", self.render_id)
            self.warned = True


def _once_redis_answers(store: Store, write: Callable[[], None]) -> None:
    """`write`, repeated after each wait for Redis while Redis is unreachable."""
    wait_s = RECONNECT_FIRST_WAIT_S
    while True:
        try:
            write()
            return
        except (RedisConnectionError, RedisTimeoutError):
            log.warning("render outcome not recorded yet: waiting for Redis")
            wait_s = wait_for_redis(store.redis, wait_s)


def render_work_dir(data_dir: Path, render_id: str) -> Path:
    """The render's own folder of intermediates, removed however the render ends (even by a kill)."""
    return data_dir / "tmp" / f"render-{render_id}"


def mark_failed(
    job: Job,
    connection: Redis,
    exc_type: type[BaseException] | None,
    exc_value: BaseException | None,
    traceback: TracebackType | None,
    *_: Any,
) -> None:
    """RQ failure callback: the job crashed, timed out or its work horse died; say so, remove its files."""
    _give_up(job, connection, "the render failed")


def mark_stopped(job: Job, connection: Redis) -> None:
    """RQ stopped callback: the render was cancelled (its work horse killed); it must not stay processing."""
    _give_up(job, connection, "the render was cancelled")


def _give_up(job: Job, connection: Redis, error: str) -> None:
    store, render_id, data_dir = Store(connection), str(job.args[0]), Path(str(job.args[1]))
    shutil.rmtree(render_work_dir(data_dir, render_id), ignore_errors=True)
    record = store.render(render_id)
    if record is None:
        return
    if record.status != "completed":
        (data_dir / record.output_path).unlink(missing_ok=True)
    store.update_render(render_id, status="failed", error=error)
