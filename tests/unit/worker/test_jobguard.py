"""Which dotted names a worker agrees to import: every job and callback we enqueue, and nothing else."""

from __future__ import annotations

import pytest

from worker.enqueue import _JOBS
from worker.jobguard import is_our_job

OURS = [
    "worker.jobs.export.poll_render",
    "worker.jobs.deliver.deliver_video",
    "worker.jobs.turn.recover_turn",
    "worker.jobs.turn.on_turn_failed",
]


@pytest.mark.parametrize("name", OURS + [func for func, _ in _JOBS.values()])
def test_every_job_we_enqueue_is_allowed(name: str) -> None:
    assert is_our_job(name)


@pytest.mark.parametrize(
    "name",
    [
        "os.system",
        "subprocess.run",
        "worker.jobs.deliver.shutil.rmtree",  # RQ walks attributes: a module's imports are reachable
        "worker.jobs.deliver.logging.root",
        "worker.jobs.turn._turn",  # private helpers are not jobs
        "worker.jobs.nosuchmodule.run",
        "worker.jobguard.is_our_job",
        "worker.jobs",
        "",
        None,
    ],
)
def test_anything_else_is_refused(name: str | None) -> None:
    assert not is_our_job(name)
