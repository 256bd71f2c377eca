"""Redis killed for five seconds and back: the same bot and worker processes carry on, nothing lost, nothing
doubled.

The fault must land where it hurts: the worker is in the middle of an edit turn (RQ's worker quits when a
heartbeat of a running job finds Redis gone), and a second user writes while Redis is down (the bot cannot
record the update, so it must not confirm it to Telegram). The test checks both really happened: Redis
refused a connection during the outage, the worker logged its lost connection, the bot logged an update it
could not record; then that each user sees one answer.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.e2e.conftest import Product, UserChat, start_fast, starts
from tests.fakes.nemo_double import NemoDouble
from tests.fakes.telegram_api import FakeTelegram
from tests.processes import RedisServer, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("dump_logs")]
CHAT = 9101
OTHER_CHAT = 9102
OUTAGE_S = 5.0
T = 30.0
HELP = "How it works"
CHANGED = "Done. Here's what changed"


@pytest.fixture
def redis_server(durable_redis: RedisServer) -> RedisServer:
    """The product's Redis is the durable one here: killed and restarted, it keeps the queues."""
    return durable_redis


@pytest.fixture
def fake_telegram(fast_telegram: FakeTelegram) -> FakeTelegram:
    return fast_telegram


def _redis_refuses(redis_server: RedisServer) -> bool:
    try:
        redis_server.client().ping()
    except RedisConnectionError:
        return True
    return False


def test_the_bot_and_worker_outlive_a_redis_restart_and_answer_every_request_once(
    product: Product,
    fake_telegram: FakeTelegram,
    nemo_double: NemoDouble,
    redis_server: RedisServer,
    phone_clip: Path,
):
    nemo_double.config.heartbeat_interval_s = 0.5
    nemo_double.config.heartbeat_only_s = 8.0  # the turn outlasts the outage
    # No "still working" during the turn: the horse leaves Redis alone, the worker's own heartbeats do not.
    start_fast(product, STILL_WORKING_INTERVAL_S="60")
    bot, worker = product.services
    chat, other = UserChat(fake_telegram, CHAT), UserChat(fake_telegram, OTHER_CHAT)
    chat.upload(phone_clip, "Uploaded")
    nemo_double.queue_turns("heartbeat_only")
    fake_telegram.send_text(CHAT, "add background music", user=chat.user)
    wait_for(lambda: nemo_double.turn_messages, T, "the turn to start")

    bot_logged, worker_logged = len(bot.log()), len(worker.log())
    redis_server.kill()
    down_at = time.monotonic()
    assert _redis_refuses(redis_server)
    fake_telegram.send_text(OTHER_CHAT, "/help", user=other.user)  # written while Redis is down
    wait_for(
        lambda: "Connection refused" in worker.log()[worker_logged:] or worker.process.poll() is not None,
        T,
        "the worker to lose Redis in the middle of the turn",
    )
    wait_for(lambda: "not recorded" in bot.log()[bot_logged:], T, "the bot to fail to record the /help")
    assert nemo_double.turn_messages == ["add background music"]  # still in flight: not answered yet
    assert not any(starts(CHANGED)(m) for m in chat.messages())
    time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - down_at)))  # the rest of the outage
    assert _redis_refuses(redis_server)
    redis_server.restart()

    chat.wait(starts(CHANGED), timeout=60)
    other.wait(starts(HELP))
    chat.ask("status", starts("Timeline (2 tracks)"))
    assert bot.process.poll() is None and worker.process.poll() is None
    assert nemo_double.turn_messages == ["add background music"]  # sent once: no double charge
    assert sum(starts(CHANGED)(m) for m in chat.messages()) == 1
    assert sum(starts(HELP)(m) for m in other.messages()) == 1
