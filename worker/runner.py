"""An RQ worker tuned so that a killed worker's job is picked up again in seconds, not minutes.

RQ notices a dead worker's job only when the job's heartbeat lease runs out, and that lease is the job
monitoring interval plus a fixed 60 s; a dead worker's scheduler lock likewise lasts 61 s. `Worker` here
shortens the lease to the monitoring interval plus a small grace, and a starting worker releases scheduler
locks whose owner stopped sending heartbeats (at start-up and at every maintenance run), so scheduled polls
do not wait a minute for the lock to expire.

A work horse killed from outside (the OOM killer, a SIGKILL) fails its job without running the job's failure
callback, although a worker that dies whole does run it (when its lease runs out); `Worker` runs it in both
cases, so an edit turn killed mid-stream is always followed from the backend's state.

RQ's worker quits when Redis goes away in the middle of its loop (only its wait for a job retries), and
nothing would restart it. `run_worker` is the supervisor: it checks Redis once (`check_redis_durability`),
then runs a worker, and when Redis was lost waits for it with back-off and starts a fresh one. Queued and
scheduled jobs stay in Redis meanwhile; a job whose worker lost it is picked up again when its lease ends.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.exceptions import WatchError
from rq.callbacks import execute_failure_callback
from rq.exceptions import AbandonedJobError
from rq.job import Job
from rq.scheduler import SCHEDULER_KEY_TEMPLATE, RQScheduler
from rq.serializers import JSONSerializer

from bot.durability import check_redis_durability
from bot.settings import Settings
from worker.enqueue import queue
from worker.jobguard import OwnJobsWorker

log = logging.getLogger(__name__)
LEASE_GRACE_S = 10
RECONNECT_FIRST_WAIT_S = 0.5
RECONNECT_MAX_WAIT_S = 30.0
# A worker that ran this long before losing Redis starts its next back-off from the first wait again.
_HEALTHY_RUN_S = 60.0


class Worker(OwnJobsWorker):
    """RQ's worker (running only our own jobs) with a short job lease and stale-lock release (see the module
    docstring)."""

    stop_asked = False

    def request_stop(self, signum: int, frame: object) -> None:
        """SIGTERM / Ctrl-C: remembered, so the supervisor does not start another worker."""
        self.stop_asked = True
        super().request_stop(signum, frame)  # type: ignore[no-untyped-call]

    def run_maintenance_tasks(self) -> None:
        release_stale_scheduler_locks(self.connection, self.queue_names())
        super().run_maintenance_tasks()  # type: ignore[no-untyped-call]

    def handle_work_horse_killed(self, job: Job, retpid: int, ret_val: int, rusage: object) -> None:
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)  # type: ignore[no-untyped-call]
        try:
            execute_failure_callback(
                job, self.death_penalty_class, AbandonedJobError, AbandonedJobError(), None
            )
        except Exception:
            log.exception("failure callback of job %s raised", job.id)

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        if job.timeout and job.timeout > 0:
            remaining = job.timeout - working_time
            return int(min(remaining, self.job_monitoring_interval)) + LEASE_GRACE_S
        return int(self.job_monitoring_interval) + LEASE_GRACE_S


def build_worker(redis: Redis, settings: Settings, queue_names: Sequence[str]) -> Worker:
    """A worker on `queue_names` (in priority order) with the project's serializer and intervals."""
    return Worker(
        [queue(redis, name) for name in queue_names],
        connection=redis,
        serializer=JSONSerializer,
        worker_ttl=settings.worker_ttl_s,
        job_monitoring_interval=settings.job_monitoring_interval_s,
        maintenance_interval=settings.maintenance_interval_s,
    )


def run_worker(redis: Redis, settings: Settings, queue_names: Sequence[str]) -> None:
    """Work until asked to stop, outliving Redis restarts (see the module docstring)."""
    check_redis_durability(redis)
    wait_s = RECONNECT_FIRST_WAIT_S
    while True:
        worker = build_worker(redis, settings, queue_names)
        started = time.monotonic()
        try:
            worker.work(with_scheduler=True, logging_level=settings.log_level)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            log.warning("worker lost Redis: %s", type(exc).__name__)
        if worker.stop_asked:
            return
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
