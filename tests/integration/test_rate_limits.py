"""Telegram's flood limits hold across processes: several worker processes sharing one Redis limiter send a
burst to the fake Bot API, which enforces the limits exactly (`tests/fakes/telegram_api/flood.py`).

The limiter runs with the production rates (1/s per chat, 20/min per group, 30/s overall) against the
fake's private-chat and overall windows as they are (3 in 3 s, 30 in 1 s). The fake's group window is
Telegram's 20 per minute compressed to 2 in 6 s, so that four messages per group are enough for it to bind
and the run stays short.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.models import ChatRef
from tests.fakes.telegram_api import FakeTelegram, FloodLimits
from tests.fakes.telegram_fixtures import bot_settings
from tests.processes import RedisServer, Service, wait_for
from worker.context import open_outbox

pytestmark = pytest.mark.integration

PROCESSES = 4
PRIVATE_CHATS = [7_000 + n for n in range(45)]
GROUPS = [-4_001, -4_002, -4_003, -1_001_234_567_001, -1_001_234_567_002]  # basic groups and supergroups
CHATS = PRIVATE_CHATS + GROUPS
ROUNDS = 2  # each chat gets ROUNDS messages from each of its two processes: 4 in all, 200 over 50 chats
READY_KEY = "test:burst:ready"
GO_KEY = "test:burst:go"
BURST_FLOOD = FloodLimits(private=(3, 3.0), group=(2, 6.0), overall=(30, 1.0))


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(flood=BURST_FLOOD) as telegram:
        for chat_id in CHATS:
            telegram.add_chat(chat_id)
        yield telegram


def burst_plans() -> list[list[tuple[int, str]]]:
    """Chat k is shared by processes k mod 4 and k+1 mod 4; each sends round by round over its chats."""
    plans: list[list[tuple[int, str]]] = [[] for _ in range(PROCESSES)]
    for seq in range(ROUNDS):
        for index, chat_id in enumerate(CHATS):
            for process in (index % PROCESSES, (index + 1) % PROCESSES):
                plans[process].append((chat_id, f"p{process} chat {chat_id} #{seq}"))
    return plans


@contextmanager
def burst(
    fake: FakeTelegram, server: RedisServer, folder: Path, redis_urls: list[str]
) -> Iterator[list[Service]]:
    """One sender process per plan, released together once all are ready; stopped on the way out."""
    coordination = server.client()
    senders: list[Service] = []
    try:
        for process, messages in enumerate(burst_plans()):
            plan_path = folder / f"plan{process}.json"
            plan = {
                "name": f"p{process}",
                "messages": messages,
                "coordination_url": server.url,
                "ready_key": READY_KEY,
                "go_key": GO_KEY,
            }
            plan_path.write_text(json.dumps(plan))
            env = fake.env() | {"REDIS_URL": redis_urls[process], "LOG_LEVEL": "WARNING"}
            log_path = folder / f"p{process}.log"
            senders.append(Service("tests.integration.burst_sender", env, log_path, (str(plan_path),)))
        wait_for(lambda: coordination.llen(READY_KEY) == PROCESSES, 30, "the senders to start")
        coordination.rpush(GO_KEY, *["go"] * PROCESSES)
        yield senders
    finally:
        for sender in senders:
            sender.stop()
        coordination.close()


def test_a_burst_from_four_processes_draws_no_429_and_keeps_each_chat_in_order(
    fake: FakeTelegram, redis_server: RedisServer, tmp_path: Path
) -> None:
    with burst(fake, redis_server, tmp_path, [redis_server.url] * PROCESSES) as senders:
        for sender in senders:
            assert sender.process.wait(40) == 0, sender.log()

    assert fake.error_count(429) == 0
    assert len(fake.calls("sendMessage")) == 200
    for index, chat_id in enumerate(CHATS):
        shown = [m.text for m in sorted(fake.messages(chat_id), key=lambda m: m.message_id)]
        assert len(shown) == 2 * ROUNDS, (chat_id, shown)
        for process in (index % PROCESSES, (index + 1) % PROCESSES):
            from_process = [text for text in shown if text and text.startswith(f"p{process} ")]
            assert from_process == [f"p{process} chat {chat_id} #{seq}" for seq in range(ROUNDS)]


def test_without_a_shared_limiter_the_same_burst_is_rejected(
    fake: FakeTelegram, redis_server: RedisServer, tmp_path: Path
) -> None:
    """The control: each process limits only itself (its own Redis database), and Telegram says 429."""
    own_databases = [f"{redis_server.url}?db={process + 1}" for process in range(PROCESSES)]
    with burst(fake, redis_server, tmp_path, own_databases):
        wait_for(lambda: fake.error_count(429) > 0, 20, "a 429 from the fake")


def test_a_429_that_still_comes_is_waited_out_and_the_message_delivered(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """The fake allows 1 message per 3 s in a chat, the limiter 1 per s: the second send gets a 429 with
    retry_after 2. Waiting only for the limiter's next slot would draw a second 429."""
    with FakeTelegram(flood=FloodLimits(private=(1, 3.0))) as fake:
        fake.add_chat(CHATS[0])
        settings = bot_settings(fake, redis_server.url, tmp_path)
        outbox = open_outbox("telegram", settings, redis_server.client())
        chat = ChatRef(chat_id=CHATS[0])
        started = time.monotonic()
        first = outbox.send_text(chat, "first")
        second = outbox.send_text(chat, "second")
        elapsed = time.monotonic() - started
        outbox.close()

        assert fake.error_count(429) == 1
        assert [m.text for m in fake.messages(CHATS[0])] == ["first", "second"]
        assert second > first
        assert elapsed >= 3.0
