"""Only our own functions run: a job (or a callback) naming anything outside `worker.jobs` is refused.

RQ imports whatever dotted name a job in Redis carries, so anyone who can write to Redis could otherwise run
`os.system` on a worker. Names are checked before anything is imported: `worker.jobs.<module>.<function>`,
public, and resolving to a function defined right there (RQ walks attributes, so a name such as
`worker.jobs.upload.os.system` must not pass for one of ours). The check sits in the job class, which every
import of a job's function or callback goes through, including RQ's registry clean-up; the worker also checks
before starting a work horse, so a refused job fails at once with a reason instead of running anything.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from typing import Any

from rq.job import Job
from rq.queue import Queue
from rq.worker import Worker

log = logging.getLogger(__name__)
PACKAGE = "worker.jobs"


class ForeignJobError(Exception):
    """A job or callback names a function that is not one of our jobs."""


def is_our_job(name: str | None) -> bool:
    """Whether `name` is `worker.jobs.<module>.<function>` and resolves to that very function."""
    if not name:
        return False
    module_name, _, function_name = name.rpartition(".")
    package, _, module_leaf = module_name.rpartition(".")
    if package != PACKAGE or not module_leaf.isidentifier() or not function_name.isidentifier():
        return False
    if function_name.startswith("_") or module_leaf.startswith("_"):
        return False
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return False
    function = getattr(module, function_name, None)
    return inspect.isfunction(function) and function.__module__ == module_name


def foreign_names(job: Job) -> list[str]:
    """The names a job would import that are not ours (empty for a job of ours)."""
    if job.instance is not None:  # a method called on a deserialized object: never one of ours
        return [f"{job.func_name} (on an instance)"]
    callbacks = (job._success_callback_name, job._failure_callback_name, job._stopped_callback_name)
    names = [job.func_name, *(name for name in callbacks if name is not None)]
    return [str(name) for name in names if not is_our_job(name)]


class OwnJob(Job):
    """RQ's job, importing a function or callback only when `is_our_job` says it is ours."""

    @property
    def func(self) -> Any:
        _check(self.func_name if self.instance is None else None)
        return super().func

    @property
    def success_callback(self) -> Any:
        _check(self._success_callback_name, optional=True)
        return super().success_callback

    @property
    def failure_callback(self) -> Any:
        _check(self._failure_callback_name, optional=True)
        return super().failure_callback

    @property
    def stopped_callback(self) -> Any:
        _check(self._stopped_callback_name, optional=True)
        return super().stopped_callback


class OwnJobsWorker(Worker):
    """A worker that fails a foreign job before starting a work horse for it (see the module docstring)."""

    job_class = OwnJob

    def execute_job(self, job: Job, queue: Queue) -> None:
        foreign = foreign_names(job)
        if not foreign:
            super().execute_job(job, queue)
            return
        named = ", ".join(foreign)
        log.warning("refused job %s: it names %s, which is not one of our jobs", job.id, named)
        job.retries_left = 0  # nothing to retry: it would be refused again
        self.handle_job_failure(job, queue, exc_string=f"ForeignJobError: refused {named}")


def _check(name: str | None, *, optional: bool = False) -> None:
    if name is None and optional:
        return
    if not is_our_job(name):
        raise ForeignJobError(f"refused to import {name!r}: not one of our jobs")
