"""Keep an RQ worker process alive through Redis restarts: `python -m worker` and `python -m engine.worker`.

RQ's worker quits when Redis goes away in the middle of its loop (a heartbeat while a job runs, a maintenance
run; only its wait for a job retries), and nothing would restart it. `supervise` runs a worker, and when it
ended without being asked to stop waits for Redis with back-off and starts a fresh one in the same process.
Queued and scheduled jobs stay in Redis meanwhile; a job whose worker lost it is picked up again when its
lease ends.

A fresh worker's scheduler would otherwise wait for the lock its predecessor held (RQ keeps a scheduler lock
for 61 s); `release_stale_scheduler_locks` frees locks whose owner stopped sending heartbeats, before each
fresh worker and at every maintenance run.

This lives in `engine/` because the engine imports neither `bot/` nor `worker/`; `worker/` builds on it.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.exceptions import WatchError
from rq import Worker
from rq.scheduler import SCHEDULER_KEY_TEMPLATE, RQScheduler

log = logging.getLogger(__name__)
RECONNECT_FIRST_WAIT_S = 0.5
RECONNECT_MAX_WAIT_S = 30.0
# A worker that ran this long before losing Redis starts its next back-off from the first wait again.
_HEALTHY_RUN_S = 60.0


class SupervisedWorker(Worker):
    """An RQ worker that remembers a stop request (so no successor is started) and releases stale
    scheduler locks at every maintenance run."""

    stop_asked = False

    def request_stop(self, signum: int, frame: object) -> None:
        """SIGTERM / Ctrl-C: remembered, so the supervisor does not start another worker."""
        self.stop_asked = True
        super().request_stop(signum, frame)  # type: ignore[no-untyped-call]

    def run_maintenance_tasks(self) -> None:
        release_stale_scheduler_locks(self.connection, self.queue_names())
        super().run_maintenance_tasks()  # type: ignore[no-untyped-call]


W = TypeVar("W", bound=SupervisedWorker)


def supervise(
    redis: Redis,
    build: Callable[[], W],
    work: Callable[[W], object],
    queue_names: Sequence[str],
) -> None:
    """Run `work(build())` until a worker is asked to stop, outliving Redis restarts (module docstring)."""
    wait_s = RECONNECT_FIRST_WAIT_S
    while True:
        worker = build()
        started = time.monotonic()
        try:
            work(worker)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            log.warning("worker lost Redis: %s", type(exc).__name__)
        if worker.stop_asked:
            return
        log.warning("worker %s stopped without being asked (Redis lost?): waiting for Redis", worker.name)
        # Between workers a SIGTERM simply ends the process (RQ's handlers belong to the old worker).
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if time.monotonic() - started > _HEALTHY_RUN_S:
            wait_s = RECONNECT_FIRST_WAIT_S
        wait_s = wait_for_redis(redis, wait_s)
        release_stale_scheduler_locks(redis, queue_names)
        log.info("Redis is back: starting a new worker")


def wait_for_redis(redis: Redis, wait_s: float) -> float:
    """Ping Redis until it answers, doubling the wait up to `RECONNECT_MAX_WAIT_S`; returns the next wait."""
    while True:
        time.sleep(wait_s)
        wait_s = min(wait_s * 2, RECONNECT_MAX_WAIT_S)
        try:
            redis.ping()
            return wait_s
        except (RedisConnectionError, RedisTimeoutError):
            log.warning("Redis is still unreachable: next try in %.1f s", wait_s)


def release_stale_scheduler_locks(
    redis: Redis, queue_names: Sequence[str], stale_after_s: float = 3.0
) -> int:
    """Delete scheduler locks whose scheduler has not sent a heartbeat lately; returns how many."""
    released = 0
    for name in queue_names:
        lock_key = RQScheduler.get_locking_key(name)
        owner = redis.get(lock_key)
        if owner is None:
            continue
        heartbeat = redis.hget(SCHEDULER_KEY_TEMPLATE % owner.decode(), "last_heartbeat")
        # No heartbeat yet: a scheduler that is just starting (a dead one's lock expires with its record).
        if heartbeat is None or _age_s(heartbeat.decode()) < stale_after_s:
            continue
        # Delete only if the lock still names the same owner (a live scheduler may have taken it since).
        try:
            with redis.pipeline() as pipe:
                pipe.watch(lock_key)
                if pipe.get(lock_key) == owner:
                    pipe.multi()
                    pipe.delete(lock_key)
                    pipe.execute()
                    released += 1
                    log.info("released the stale scheduler lock of queue %s", name)
        except WatchError:
            continue  # the lock changed hands meanwhile: it is not stale
    return released


def _age_s(timestamp: str) -> float:
    when = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (datetime.now(UTC) - when).total_seconds()
