"""An RQ worker tuned so that a killed worker's job is picked up again in seconds, not minutes.

RQ notices a dead worker's job only when the job's heartbeat lease runs out, and that lease is the job
monitoring interval plus a fixed 60 s; a dead worker's scheduler lock likewise lasts 61 s. `Worker` here
shortens the lease to the monitoring interval plus a small grace, and a starting worker releases scheduler
locks whose owner stopped sending heartbeats (at start-up and at every maintenance run), so scheduled polls
do not wait a minute for the lock to expire.

A work horse killed from outside (the OOM killer, a SIGKILL) fails its job without running the job's failure
callback, although a worker that dies whole does run it (when its lease runs out); `Worker` runs it in both
cases, so an edit turn killed mid-stream is always followed from the backend's state.

`run_worker` checks Redis once (`check_redis_durability`), then runs such workers under the shared
supervisor (`engine.supervisor`), which starts a fresh one whenever Redis was lost.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from redis import Redis
from rq.callbacks import execute_failure_callback
from rq.exceptions import AbandonedJobError
from rq.job import Job
from rq.serializers import JSONSerializer

from bot.durability import check_redis_durability
from bot.settings import Settings
from engine.supervisor import SupervisedWorker, supervise
from worker.enqueue import queue
from worker.jobguard import OwnJobsWorker

log = logging.getLogger(__name__)
LEASE_GRACE_S = 10


class Worker(SupervisedWorker, OwnJobsWorker):
    """RQ's worker (running only our own jobs) with a short job lease and stale-lock release (see the module
    docstring)."""

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
    supervise(
        redis,
        lambda: build_worker(redis, settings, queue_names),
        lambda worker: worker.work(with_scheduler=True, logging_level=settings.log_level),
        queue_names,
    )
