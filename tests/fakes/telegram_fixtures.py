"""Pytest fixtures for the fake Telegram Bot API; import them into a conftest.py to use them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.settings import Settings
from tests.fakes.telegram_api import FakeTelegram


def bot_settings(fake: FakeTelegram, redis_url: str, work_dir: Path) -> Settings:
    """The bot's settings for talking to `fake` (no .env read), for tests that open an outbox directly."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=SecretStr(fake.token),
        telegram_api_base_url=fake.api_base_url,
        telegram_file_base_url=fake.file_base_url,
        redis_url=redis_url,
        work_dir=work_dir,
    )


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    """A fake Bot API with Telegram's cloud limits (20 MB download, 50 MB upload, flood control)."""
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def fake_telegram_local() -> Iterator[FakeTelegram]:
    """A fake of a self-hosted Bot API server started with --local (2000 MB, absolute file paths)."""
    with FakeTelegram(local_mode=True) as fake:
        yield fake
