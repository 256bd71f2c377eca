"""The shared limiter on a real redis-server (its Lua script needs one: fakeredis here has no Lua).

Rates are scaled up (10 messages/s instead of 1) so that each test takes a fraction of a second; the
assertions are lower bounds on the spacing (the limiter never lets messages through faster than the rate)
and loose upper bounds (it does not make senders wait much longer than needed).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from redis import Redis

from bot import keys
from bot.ratelimit import RateLimiter
from tests.processes import RedisServer, wait_for

pytestmark = pytest.mark.integration

CHAT = 4242
OTHER_CHAT = 4343
GROUP = -5151


@pytest.fixture
def client(redis_server: RedisServer) -> Iterator[Redis]:
    redis = redis_server.client()
    yield redis
    redis.close()


def make_limiter(
    redis: Redis, per_chat_per_s: float = 10.0, per_group_per_min: int = 6000, global_per_s: int = 1000
) -> RateLimiter:
    return RateLimiter(
        redis, per_chat_per_s=per_chat_per_s, per_group_per_min=per_group_per_min, global_per_s=global_per_s
    )


def time_acquires(limiter: RateLimiter, chats: list[tuple[int, bool]]) -> float:
    start = time.monotonic()
    for chat_id, is_group in chats:
        limiter.acquire(chat_id, is_group)
    return time.monotonic() - start


def test_a_chat_gets_at_most_its_rate_and_other_chats_are_not_held_up(client: Redis) -> None:
    limiter = make_limiter(client, per_chat_per_s=10.0)
    elapsed = time_acquires(limiter, [(CHAT, False)] * 6)
    assert 0.5 <= elapsed < 1.5  # 6 messages at 10/s: 5 intervals of at least 100 ms
    next_wait = limiter.try_acquire(limiter.rates_for(CHAT, False))
    assert 0 < next_wait <= 0.2
    assert limiter.try_acquire(limiter.rates_for(OTHER_CHAT, False)) < 0.01  # at most the 1 ms global gap


def test_a_group_is_held_to_its_per_minute_rate_as_well_as_the_chat_rate(client: Redis) -> None:
    limiter = make_limiter(client, per_chat_per_s=10.0, per_group_per_min=300)  # a group: 1 per 200 ms
    elapsed = time_acquires(limiter, [(GROUP, True)] * 4)
    assert 0.6 <= elapsed < 1.6
    assert 0.1 < limiter.try_acquire(limiter.rates_for(GROUP, True)) <= 0.3
    # A private chat is not a group: only the chat rate applies to it.
    time_acquires(limiter, [(CHAT, False)])
    assert 0 < limiter.try_acquire(limiter.rates_for(CHAT, False)) <= 0.12


def test_the_global_rate_spans_every_chat_with_room_for_arrival_jitter(client: Redis) -> None:
    """At Telegram's 30/s, the 31st message to 31 different chats leaves over a second after the first, with
    time to spare: a send that arrives a little late must not squeeze 31 arrivals into one second."""
    limiter = make_limiter(client, per_chat_per_s=1.0, global_per_s=30)
    seconds, micros = client.time()
    started_ms = seconds * 1000 + micros // 1000
    elapsed = time_acquires(limiter, [(chat_id, False) for chat_id in range(1, 32)])
    assert 1.05 <= elapsed < 2.0
    # The global scope is booked past the 31st slot: a 32nd message could not squeeze in either.
    next_free_ms = int(client.get(keys.rate_key("global", 0)) or 0)
    assert next_free_ms - started_ms >= 31 * limiter.global_interval_ms > 1000


def test_a_refused_send_books_none_of_its_scopes(client: Redis) -> None:
    """Waiting on the global rate must not also use up the chat's slot, or the chat would wait twice."""
    limiter = make_limiter(client, per_chat_per_s=1.0, global_per_s=5)  # global 1 per 220 ms, chat 1 per s
    limiter.acquire(CHAT)
    global_booking = client.get(keys.rate_key("global", 0))
    assert limiter.try_acquire(limiter.rates_for(OTHER_CHAT, False)) > 0  # held by the global rate only
    assert client.get(keys.rate_key("global", 0)) == global_booking  # the refusal booked nothing
    assert not client.exists(keys.rate_key(f"chat:{OTHER_CHAT}", 0))


def test_two_clients_never_take_the_same_slot(redis_server: RedisServer) -> None:
    """Two limiters (two connections, as two processes have) racing for one chat share its slots: every
    grant moves the chat's booking on by a whole interval, so none was handed out twice."""
    wanted = 6
    granted = [0, 0]
    start = threading.Barrier(2)
    probe = redis_server.client()
    seconds, micros = probe.time()
    started_ms = seconds * 1000 + micros // 1000

    def hammer(index: int) -> None:
        redis = redis_server.client()
        limiter = make_limiter(redis, per_chat_per_s=10.0)
        rates = limiter.rates_for(CHAT, False)
        start.wait()
        deadline = time.monotonic() + 30  # a safety net: the loop ends when the slots are taken
        while sum(granted) < wanted and time.monotonic() < deadline:
            if limiter.try_acquire(rates) == 0:
                granted[index] += 1
        redis.close()

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    booked_ms = int(probe.get(keys.rate_key(f"chat:{CHAT}", 0)) or 0)
    assert sum(granted) >= wanted  # the chat did get its messages out
    assert booked_ms - started_ms >= sum(granted) * make_limiter(probe).chat_interval_ms
    probe.close()


def test_acquire_gives_up_instead_of_waiting_past_its_limit(
    client: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    limiter = make_limiter(client, per_chat_per_s=0.5)  # 1 per 2 s
    limiter.acquire(CHAT)
    booking = client.get(keys.rate_key(f"chat:{CHAT}", 0))

    def no_sleep(seconds: float) -> None:
        raise AssertionError(f"the limiter waited {seconds} s for a slot past its limit")

    monkeypatch.setattr(time, "sleep", no_sleep)
    with pytest.raises(TimeoutError):
        limiter.acquire(CHAT, max_wait_s=0.2)
    assert client.get(keys.rate_key(f"chat:{CHAT}", 0)) == booking  # and it holds no slot it will not use


def test_limiter_keys_expire_once_their_interval_is_over(client: Redis) -> None:
    limiter = make_limiter(client, per_chat_per_s=10.0)
    limiter.acquire(GROUP, is_group=True)
    scopes = ("global", f"chat:{GROUP}", f"group:{GROUP}")
    ttls = [client.pttl(keys.rate_key(scope, 0)) for scope in scopes]
    assert all(0 < ttl <= 2000 for ttl in ttls), ttls


def test_a_flood_wait_recorded_by_one_process_holds_every_other(redis_server: RedisServer) -> None:
    """The bot got a 429: a worker (its own connection and limiter) must not send into it."""
    bot, worker = redis_server.client(), redis_server.client()
    make_limiter(bot).hold(30)
    other = make_limiter(worker)
    assert other.try_acquire(other.rates_for(OTHER_CHAT, False)) > 29
    make_limiter(bot).hold(1)  # a shorter wait reported later does not cut the longer one short
    assert other.try_acquire(other.rates_for(CHAT, False)) > 29
    bot.close()
    worker.close()


def test_a_waiting_sender_holds_its_place_in_line(client: Redis) -> None:
    """A sender that must wait books its slot at once, so a newcomer queues behind it. (Before, waiters
    booked nothing, all woke together and raced for each slot, and an unlucky chat of a burst lost for
    seconds.)"""
    limiter = make_limiter(client, global_per_s=2, per_chat_per_s=1000)  # one slot every 550 ms
    limiter.acquire(CHAT)
    booked = keys.rate_key("global", 0)
    first_booking = client.get(booked)
    waiter = threading.Thread(target=limiter.acquire, args=(OTHER_CHAT,))
    waiter.start()
    wait_for(lambda: client.get(booked) != first_booking, 5, "the waiting sender to book its slot")
    assert waiter.is_alive()  # still waiting for its slot, which it already holds
    # A third sender now waits for both slots ahead of it, not only the first.
    assert limiter.try_acquire(limiter.rates_for(99, False)) > 0.55
    waiter.join(5)
