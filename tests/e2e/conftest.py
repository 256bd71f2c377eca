"""The product as it runs in production: `python -m bot` and `python -m worker` as real processes, with a
real redis-server, the fake Telegram Bot API and the NemoVideo double on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.nemo_double import NemoDouble
from tests.fakes.telegram_api import FakeTelegram
from tests.processes import RedisServer, Service

WEB = "https://web.nemo.test"


class Product:
    """The bot and its workers, started on demand, stopped at teardown."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.services: list[Service] = []

    def start(self, module: str, **overrides: str) -> Service:
        name = f"{module}-{len(self.services)}"
        service = Service(module, self.env | overrides, self.folder / f"{name}.log")
        self.services.append(service)
        return service

    def logs(self) -> str:
        return "\n".join(f"--- {s.module} ---\n{s.log()[-3000:]}" for s in self.services)

    def stop(self) -> None:
        for service in self.services:
            service.stop()


@pytest.fixture
def product(
    tmp_path: Path, redis_server: RedisServer, fake_telegram: FakeTelegram, nemo_double: NemoDouble
) -> Iterator[Product]:
    env = fake_telegram.env() | {
        "REDIS_URL": redis_server.url,
        "NEMO_API_BASE": nemo_double.url,
        "NEMO_WEB_URL": WEB,
        "WORK_DIR": str(tmp_path / "work"),
        "RENDER_POLL_INTERVAL_S": "0.3",
        "STILL_WORKING_INTERVAL_S": "1",
        "RATE_LIMIT_RETRY_S": "1",
        "RECOVERY_FIRST_WAIT_S": "0.5",
        "RECOVERY_NEXT_WAIT_S": "0.5",
        "TELEGRAM_POLL_TIMEOUT_S": "1",
        "JOB_MONITORING_INTERVAL_S": "1",
        "WORKER_TTL_S": "5",
        "MAINTENANCE_INTERVAL_S": "2",
        "LOG_LEVEL": "INFO",
    }
    running = Product(tmp_path, env)
    yield running
    running.stop()


@pytest.fixture
def dump_logs(request: pytest.FixtureRequest, product: Product) -> Iterator[None]:
    """Print the services' logs when a test fails (pytest shows captured output of failures)."""
    yield
    print(product.logs())
