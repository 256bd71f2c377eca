"""Fast unit-test fixtures: fakeredis and default settings."""

from __future__ import annotations

from pathlib import Path

import fakeredis
import pytest
from pydantic import SecretStr

from bot.settings import Settings


@pytest.fixture
def redis() -> fakeredis.FakeRedis:
    return fakeredis.FakeRedis()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        telegram_bot_token=SecretStr("123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"),
        work_dir=tmp_path,
    )  # type: ignore[call-arg]
