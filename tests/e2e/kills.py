"""Killing an RQ work horse by pid, as a crash mid-job would, and proving the kill landed.

RQ's work horse calls `setpgrp`, so killing the worker's process group leaves the horse running to finish
its job: a kill test that does that tests nothing. The horse is the worker's child that leads its own
process group; the job it runs is the started job that names the worker in Redis.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from redis import Redis

from tests.processes import Service, wait_for


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        children.extend(int(child) for child in text)
    return children


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def running_job(redis: Redis, worker: Service) -> str | None:
    """The id of the job `worker` is running now: a started job that names the worker (RQ's records)."""
    names = set()
    for key in redis.keys("rq:worker:*"):
        if redis.type(key) == b"hash" and redis.hget(key, "pid") == str(worker.process.pid).encode():
            names.add(key.decode().removeprefix("rq:worker:"))
    for key in redis.keys("rq:job:*"):
        if redis.type(key) != b"hash":
            continue
        status, name = redis.hmget(key, ["status", "worker_name"])
        if status == b"started" and name is not None and name.decode() in names:
            return str(key.decode()).removeprefix("rq:job:")
    return None


def horse_pid(worker: Service) -> int | None:
    """The worker's work horse: its child that leads its own process group."""
    for child in _children(worker.process.pid):
        try:
            if os.getpgid(child) == child:
                return child
        except ProcessLookupError:
            continue
    return None


def kill_horse(redis: Redis, worker: Service, job_prefix: str, timeout: float = 30.0) -> str:
    """SIGKILL the horse while it runs a job whose id starts with `job_prefix`; returns that job's id.

    Fails unless that job was running in the horse and the horse is gone afterwards.
    """

    def horse_on_job() -> tuple[int, str] | None:
        job = running_job(redis, worker)
        pid = horse_pid(worker)
        if job is not None and job.startswith(job_prefix) and pid is not None:
            return pid, job
        return None

    pid, job = wait_for(horse_on_job, timeout, f"a work horse running {job_prefix}…")
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not _alive(pid), 10, f"work horse {pid} to die")
    return job
