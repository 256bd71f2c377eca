"""Pytest fixtures for the fake Telegram Bot API; import them into a conftest.py to use them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.telegram_api import FakeTelegram


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
