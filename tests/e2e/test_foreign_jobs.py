"""Redis write access must not be code execution: real worker processes refuse jobs that are not ours.

An attacker who can write to Redis enqueues jobs naming `os.system`, a function reached by walking the
attributes of one of our modules (`worker.jobs.deliver.shutil.rmtree`), or a job of ours with a foreign
failure callback. The real `python -m worker` and `python -m engine.worker` pick them up; nothing runs, each
job ends failed with the refusal, and the worker keeps working.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from rq import Callback, Queue
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from tests.processes import RedisServer, Service, wait_for

pytestmark = pytest.mark.e2e


def _attack(redis_server: RedisServer, queue_name: str, tmp_path: Path) -> tuple[list[Job], Path, Path]:
    marker, victim = tmp_path / "pwned", tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("still here")
    queue = Queue(queue_name, connection=redis_server.client(), serializer=JSONSerializer)
    jobs = [
        queue.enqueue("os.system", f"touch {marker}", job_id="attack-system"),
        queue.enqueue("worker.jobs.deliver.shutil.rmtree", str(victim), job_id="attack-walk"),
        queue.enqueue("engine.jobs.shutil.rmtree", str(victim), job_id="attack-engine-walk"),
        queue.enqueue("builtins.print", "x", job_id="attack-callback", on_failure=Callback("os.system")),
    ]
    return jobs, marker, victim


def _failed(job: Job) -> bool | None:
    return job.get_status(refresh=True) == JobStatus.FAILED or None


def _assert_refused(jobs: list[Job], marker: Path, victim: Path, service: Service) -> None:
    for job in jobs:
        wait_for(partial(_failed, job), 30, job.id)
        job.refresh()  # type: ignore[no-untyped-call]
        assert "ForeignJobError" in (job.latest_result().exc_string or ""), job.id  # type: ignore[union-attr]
    assert not marker.exists()
    assert (victim / "keep.txt").read_text() == "still here"
    assert service.process.poll() is None, service.log()
    assert "refused job attack-system" in service.log()


def test_the_bot_worker_runs_none_of_the_foreign_jobs(redis_server: RedisServer, tmp_path: Path) -> None:
    env = {"REDIS_URL": redis_server.url, "TELEGRAM_BOT_TOKEN": "1:x", "WORK_DIR": str(tmp_path / "work")}
    worker = Service("worker", env, tmp_path / "worker.log")
    try:
        jobs, marker, victim = _attack(redis_server, "nvb-quick", tmp_path)
        _assert_refused(jobs, marker, victim, worker)
    finally:
        worker.stop()


def test_the_engine_worker_runs_none_of_the_foreign_jobs(redis_server: RedisServer, tmp_path: Path) -> None:
    env = {"ENGINE_REDIS_URL": redis_server.url, "ENGINE_DATA_DIR": str(tmp_path / "data")}
    worker = Service("engine.worker", env, tmp_path / "engine-worker.log")
    try:
        jobs, marker, victim = _attack(redis_server, "engine-render-0", tmp_path)
        _assert_refused(jobs, marker, victim, worker)
    finally:
        worker.stop()
