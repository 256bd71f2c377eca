"""Redis killed and back a few seconds later: the same bot and worker processes carry on, nothing lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Product, UserChat, start_fast, starts
from tests.fakes.nemo_double import NemoDouble
from tests.fakes.telegram_api import FakeTelegram
from tests.processes import RedisServer, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("dump_logs")]
CHAT = 9101
T = 30.0


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A durable Redis (AOF), as production runs it: killed and restarted, it keeps the queues."""
    server = RedisServer(tmp_path, appendonly=True)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_telegram(fast_telegram: FakeTelegram) -> FakeTelegram:
    return fast_telegram


def test_the_bot_and_worker_outlive_a_redis_restart_and_finish_the_conversation(
    product: Product,
    fake_telegram: FakeTelegram,
    nemo_double: NemoDouble,
    redis_server: RedisServer,
    phone_clip: Path,
):
    nemo_double.config.heartbeat_interval_s = 0.5
    nemo_double.config.heartbeat_only_s = 4.0
    # No "still working" during the turn: the horse leaves Redis alone, the worker's own heartbeats do not.
    start_fast(product, STILL_WORKING_INTERVAL_S="60")
    bot, worker = product.services
    chat = UserChat(fake_telegram, CHAT)
    chat.upload(phone_clip, "Uploaded")
    nemo_double.queue_turns("heartbeat_only")
    fake_telegram.send_text(CHAT, "add background music", user=chat.user)
    wait_for(lambda: nemo_double.turn_messages, T, "the turn to start")

    # Redis dies while the worker is busy with the turn (RQ's worker then quits, unsupervised).
    logged = len(worker.log())
    redis_server.kill()
    wait_for(
        lambda: "Redis" in worker.log()[logged:] or worker.process.poll() is not None,
        T,
        "the worker to notice Redis is gone",
    )
    redis_server.restart()

    chat.wait(starts("Done"), timeout=60)
    chat.ask("status", starts("Timeline (2 tracks)"))
    assert bot.process.poll() is None and worker.process.poll() is None
    assert nemo_double.turn_messages == ["add background music"]
