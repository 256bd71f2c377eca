"""The Telegram intake against a real redis-server: a wake costs what it handles, not the backlog."""

from __future__ import annotations

import pytest
from redis import Redis

from bot.telegram.intake import ARRIVALS_PER_READ, UpdateIntake
from tests.processes import RedisServer
from tests.unit.bot.telegram.test_intake import start

pytestmark = pytest.mark.integration
BACKLOG = 5000


def _bytes_sent(redis: Redis) -> int:
    """All Redis has sent to its clients so far (replies of pipelines included)."""
    return int(redis.info("stats")["total_net_output_bytes"])


def test_a_wake_reads_what_arrived_not_the_whole_backlog(redis_server: RedisServer) -> None:
    redis = redis_server.client()
    intake = UpdateIntake(redis)
    intake.record([start(uid, uid % 50) for uid in range(1, BACKLOG + 1)])  # slow chats: all still queued
    backlog, more = intake.pending()
    assert len(backlog) == ARRIVALS_PER_READ and more  # a burst is taken a read at a time
    while more:
        fresh, more = intake.pending(known=backlog.keys())
        backlog |= fresh
    assert sorted(backlog) == list(range(1, BACKLOG + 1))

    intake.record([start(BACKLOG + 1, 7)])
    info_reply = _bytes_sent(redis) - _bytes_sent(redis)  # negative: what one INFO reply itself costs
    before = _bytes_sent(redis)
    assert intake.pending(known=backlog.keys()) == ({BACKLOG + 1: start(BACKLOG + 1, 7)}, False)
    read = _bytes_sent(redis) - before + info_reply
    assert read < 2000, f"a wake read {read} bytes with {BACKLOG} updates waiting"  # the ids alone: ~50 kB

    # Another process taking the intake over reads it whole, once.
    assert len(UpdateIntake(redis).pending(everything=True)[0]) == BACKLOG + 1
