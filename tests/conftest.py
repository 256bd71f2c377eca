"""Shared fixtures: the two fakes, a private redis-server, and small generated clips."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.media import make_tone_clip
from tests.processes import RedisServer

# python-telegram-bot 22 warns on every duration it reads unless told to use timedelta (as v23 will).
os.environ.setdefault("PTB_TIMEDELTA", "1")

pytest_plugins = ["tests.fakes.nemo_fixtures", "tests.fakes.telegram_fixtures"]


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A real redis-server, private to the test, on a unix socket."""
    server = RedisServer(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def durable_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A durable Redis (AOF), as production runs it: killed and restarted, it keeps queues and records."""
    server = RedisServer(tmp_path, appendonly=True)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def phone_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short clip with picture and sound, as a phone would send (made once per test run)."""
    return make_tone_clip(tmp_path_factory.mktemp("clips") / "phone clip.mp4")
