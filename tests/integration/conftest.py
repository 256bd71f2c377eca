"""Shared by the integration tests that need the engine's own worker process."""

from collections.abc import Iterator

import pytest
from rq import Queue, Worker

from engine.settings import EngineSettings
from tests.processes import Service, wait_for


@pytest.fixture
def worker(redis_server, tmp_path) -> Iterator[Service]:
    """A real `python -m engine.worker` on the test's Redis and data folder, listening on the speech queue."""
    env = {
        "ENGINE_REDIS_URL": redis_server.url,
        "ENGINE_DATA_DIR": str(tmp_path),
        "ENGINE_ASR_MODEL": "tiny.en",
        "ENGINE_LOG_LEVEL": "WARNING",
    }
    service = Service("engine.worker", env, tmp_path / "worker.log")
    queue = Queue(EngineSettings().asr_queue, connection=redis_server.client())
    try:
        wait_for(lambda: Worker.count(queue=queue), 30, "the engine worker to listen")
        yield service
    finally:
        service.stop()
