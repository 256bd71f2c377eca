"""`python -m engine.worker`: an RQ worker (with its scheduler) on the engine's speech and render queues.

It runs only the engine's own jobs. RQ imports whatever dotted name a job in Redis carries, so anyone able to
write to Redis could otherwise run `os.system` here; `RenderJob` imports a function or callback only when its
name is one of `OWN_JOBS` (exact names: RQ walks attributes, so no prefix rule is safe), and the worker fails
a foreign job at once, before starting a work horse for it.

It runs under the shared supervisor (`engine.supervisor`, as `python -m worker` does): when Redis goes away
it waits for it with back-off and starts a fresh worker in the same process; queued jobs wait in Redis.

The speech queue takes its turn with the render lanes: a transcription is short, and an editing turn waits
for it. Beside this main worker, `ENGINE_SPEECH_WORKERS` more workers (child processes, `--speech-only`)
take speech jobs alone, so that a clip's transcription (queued at upload) and its face detection (queued by
the turn asking for a followed 9:16) run side by side instead of one after the other. Each such job is one
limited child (engine.speech, engine.reframe), so one `python -m engine.worker` runs at most
1 + ENGINE_SPEECH_WORKERS heavy jobs at once, however many are queued: the bound on memory.
"""

from __future__ import annotations

import argparse
import ctypes
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from rq import Queue
from rq.job import Job
from rq.serializers import JSONSerializer
from rq.worker import DequeueStrategy

from engine import startup
from engine.jobs import render_queue_names
from engine.retention import sweep_expired
from engine.settings import EngineSettings
from engine.store import Store
from engine.supervisor import SupervisedWorker, release_stale_scheduler_locks, supervise

log = logging.getLogger(__name__)
OWN_JOBS = frozenset(
    {
        "engine.jobs.render",
        "engine.jobs.mark_failed",
        "engine.jobs.mark_stopped",
        "engine.transcribe.transcribe",
        "engine.facejobs.find_faces",
    }
)


class ForeignJobError(Exception):
    """A job or callback names a function that is not one of the engine's jobs."""


def foreign_names(job: Job) -> list[str]:
    """The names a job would import that are not the engine's (empty for one of ours)."""
    if job.instance is not None:  # a method called on a deserialized object: never one of ours
        return [f"{job.func_name} (on an instance)"]
    callbacks = (job._success_callback_name, job._failure_callback_name, job._stopped_callback_name)
    names = [job.func_name, *(name for name in callbacks if name is not None)]
    return [str(name) for name in names if name not in OWN_JOBS]


class RenderJob(Job):
    """RQ's job, importing its function and callbacks only when they are the engine's."""

    @property
    def func(self) -> Any:
        self._check_own()
        return super().func

    @property
    def failure_callback(self) -> Any:
        self._check_own()
        return super().failure_callback

    @property
    def stopped_callback(self) -> Any:
        self._check_own()
        return super().stopped_callback

    def _check_own(self) -> None:
        if foreign := foreign_names(self):
            raise ForeignJobError(f"refused {', '.join(foreign)}: not one of the engine's jobs")


class RenderWorker(SupervisedWorker):
    """RQ's worker on `RenderJob`, failing a foreign job without running anything, and deleting expired
    files at every maintenance run (`engine.retention`)."""

    job_class = RenderJob
    data_dir: Path | None = None

    def run_maintenance_tasks(self) -> None:
        if self.data_dir is not None:
            sweep_expired(Store(self.connection), self.data_dir)
        super().run_maintenance_tasks()

    def execute_job(self, job: Job, queue: Queue) -> None:
        if not (foreign := foreign_names(job)):
            super().execute_job(job, queue)
            return
        log.warning("refused job %s: it names %s, not one of the engine's jobs", job.id, ", ".join(foreign))
        job.retries_left = 0  # nothing to retry: it would be refused again
        self.handle_job_failure(job, queue, exc_string=f"ForeignJobError: refused {', '.join(foreign)}")


def main(argv: list[str] | None = None) -> None:
    """Work on transcriptions and renders until stopped (SIGTERM / Ctrl-C finish the current job first)."""
    parser = argparse.ArgumentParser(prog="python -m engine.worker", description=__doc__)
    parser.add_argument("--speech-only", type=int, metavar="PARENT_PID", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    settings = EngineSettings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    connection = startup.check_all(settings.redis_url, settings.data_dir, settings.font_folders)
    if args.speech_only:
        _die_with(args.speech_only)
        names = [settings.asr_queue]
    else:
        names = [settings.asr_queue, *render_queue_names(settings)]
    release_stale_scheduler_locks(connection, names)
    helpers = [] if args.speech_only else _speech_workers(settings.speech_workers)

    def build() -> RenderWorker:
        queues = [Queue(n, connection=connection, serializer=JSONSerializer) for n in names]
        worker = RenderWorker(
            queues,
            connection=connection,
            serializer=JSONSerializer,
            job_monitoring_interval=settings.job_monitoring_interval_s,
        )
        worker.data_dir = settings.data_dir
        return worker

    # Round-robin over the lanes: fair turns between clients (see `engine.jobs.render_lane`).
    try:
        supervise(
            connection,
            build,
            lambda worker: worker.work(
                with_scheduler=not args.speech_only,  # the main one's scheduler serves the speech queue too
                logging_level=settings.log_level,
                dequeue_strategy=DequeueStrategy.ROUND_ROBIN,
            ),
            names,
        )
    finally:
        for helper in helpers:
            helper.terminate()  # a warm shutdown: the current job finishes first
        for helper in helpers:
            helper.wait()


def _speech_workers(count: int) -> list[subprocess.Popen[bytes]]:
    """Start `count` speech-only workers as children of this one (they stop when it does)."""
    command = [sys.executable, "-m", "engine.worker", "--speech-only", str(os.getpid())]
    return [subprocess.Popen(command) for _ in range(max(count, 0))]


def _die_with(parent_pid: int) -> None:
    """A speech-only worker gets SIGTERM (a warm shutdown) when its parent goes, even by SIGKILL."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:
        os.kill(os.getpid(), signal.SIGTERM)


if __name__ == "__main__":
    startup.run("engine.worker", main)
