"""Telegram's send limits, held across every process (bot and all workers) through Redis.

A generic cell-rate algorithm (GCRA) per scope: each key holds the theoretical arrival time of the next
allowed message. One Lua script checks every scope of a send and books them all, atomically, so no two
processes can both take the last slot. A sender that must wait (`acquire`) books its slot at once and
sleeps until it, so waiting senders go first come, first served; when it wakes, the moment it actually goes
is checked against the same rates once more (`sent:` scopes), since on a busy machine senders wake late and
bunched, and would reach Telegram closer together than their slots.

A 429 that still comes (Telegram's own counting differs, or another tool shares the token) is a flood
wait for the whole bot: `hold` records it in Redis, and the same script makes every process wait it out.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from redis import Redis

from bot import keys
from bot.settings import Settings

# KEYS[1] is the bot's flood wait (set by `hold`); KEYS[2..] the scopes, ARGV their interval and burst.
_SCRIPT = """
local flood = redis.call('PTTL', KEYS[1])
if flood > 0 then return flood end
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local wait = 0
for i = 2, #KEYS do
  local interval = tonumber(ARGV[2 * i - 3])
  local burst = tonumber(ARGV[2 * i - 2])
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  local w = tat - now - interval * (burst - 1)
  if w > wait then wait = w end
end
if wait > 0 then return math.ceil(wait) end
for i = 2, #KEYS do
  local interval = tonumber(ARGV[2 * i - 3])
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  redis.call('SET', KEYS[i], tat + interval, 'PX', math.ceil(tat + interval - now) + 1000)
end
return 0
"""

# The same check, but a sender that must wait books its slot now, at the first moment every scope has room
# (unless that is more than ARGV[#ARGV] ms away): waiting senders then go in the order they asked, each at
# its own slot, instead of all waking together and racing for the next one (where an unlucky one could lose
# for seconds). Returns {0, ms to sleep before sending}, {1, flood wait} (nothing booked) or {2, ms} (too
# late, nothing booked).
_RESERVE_SCRIPT = """
local flood = redis.call('PTTL', KEYS[1])
if flood > 0 then return {1, flood} end
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local at = now
for i = 2, #KEYS do
  local interval = tonumber(ARGV[2 * i - 3])
  local burst = tonumber(ARGV[2 * i - 2])
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  local earliest = tat - interval * (burst - 1)
  if earliest > at then at = earliest end
end
if at - now > tonumber(ARGV[#ARGV]) then return {2, at - now} end
for i = 2, #KEYS do
  local interval = tonumber(ARGV[2 * i - 3])
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < at then tat = at end
  redis.call('SET', KEYS[i], tat + interval, 'PX', math.ceil(tat + interval - now) + 1000)
end
return {0, at - now}
"""
_BOOKED, _FLOOD = 0, 1
# The spacing of the moments sends actually go, in per cent of their slots' (still wider than Telegram's).
_SENT_SHARE = 95

# Extend the flood wait, never shorten it (two processes may report different 429s at once).
_HOLD_SCRIPT = """
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 0
"""

# Telegram counts a message when it arrives, the limiter when it is booked: two sends booked exactly one
# interval apart can arrive closer together (one process descheduled between booking and sending, another
# not), and an exact limit would then answer 429. Spacing the bookings this much wider absorbs that jitter.
_ARRIVAL_MARGIN = 1.1


def _interval_ms(period_ms: int, messages: float) -> int:
    """The booking interval for `messages` per `period_ms`, rounded up: never faster than the rate."""
    return max(1, math.ceil(period_ms * _ARRIVAL_MARGIN / messages))


@dataclass(frozen=True)
class Rate:
    """One message every `interval_ms`, with up to `burst` at once."""

    scope: str
    interval_ms: int
    burst: int = 1


class RateLimiter:
    """Blocks a sender until every scope of its message has room."""

    def __init__(self, redis: Redis, *, per_chat_per_s: float, per_group_per_min: int, global_per_s: int):
        self.redis = redis
        self.script = redis.register_script(_SCRIPT)
        self.hold_script = redis.register_script(_HOLD_SCRIPT)
        self.reserve_script = redis.register_script(_RESERVE_SCRIPT)
        self.chat_interval_ms = _interval_ms(1000, per_chat_per_s)
        self.group_interval_ms = _interval_ms(60_000, per_group_per_min)
        self.global_interval_ms = _interval_ms(1000, global_per_s)

    @classmethod
    def from_settings(cls, redis: Redis, settings: Settings) -> RateLimiter:
        """The limiter with the operator's rates."""
        return cls(
            redis,
            per_chat_per_s=settings.rate_per_chat_per_s,
            per_group_per_min=settings.rate_per_group_per_min,
            global_per_s=settings.rate_global_per_s,
        )

    def rates_for(self, chat_id: int, is_group: bool) -> list[Rate]:
        """The scopes one message to `chat_id` counts against."""
        rates = [Rate("global", self.global_interval_ms), Rate(f"chat:{chat_id}", self.chat_interval_ms)]
        if is_group:
            rates.append(Rate(f"group:{chat_id}", self.group_interval_ms))
        return rates

    def try_acquire(self, rates: list[Rate]) -> float:
        """Book a slot in every scope and return 0, or book nothing and return the seconds to wait."""
        wait_ms = self.script(keys=_script_keys(rates), args=_script_args(rates))
        return int(wait_ms) / 1000

    def hold(self, retry_after_s: float) -> None:
        """Telegram answered 429: no process sends anything for `retry_after_s`."""
        self.hold_script(keys=[keys.flood_key()], args=[max(1, math.ceil(retry_after_s * 1000))])

    def acquire(self, chat_id: int, is_group: bool = False, max_wait_s: float = 300.0) -> None:
        """Book the message's slot and sleep until it comes (a flood wait first, booking nothing); a
        `TimeoutError` when the slot would be more than `max_wait_s` away."""
        deadline = time.monotonic() + max_wait_s
        rates = self.rates_for(chat_id, is_group)
        while True:
            budget_ms = max(0, math.floor((deadline - time.monotonic()) * 1000))
            outcome, wait_ms = self.reserve_script(
                keys=_script_keys(rates), args=[*_script_args(rates), budget_ms]
            )
            wait_s = int(wait_ms) / 1000
            if int(outcome) == _BOOKED:
                time.sleep(wait_s)
                break
            if int(outcome) != _FLOOD or time.monotonic() + wait_s > deadline:
                raise TimeoutError("rate limiter: no slot in time")
            time.sleep(wait_s)
        # On a busy machine senders wake late and together, and would reach Telegram closer than their slots:
        # the moments they actually go are spaced as well (and a flood wait that began meanwhile is honoured),
        # a little tighter than the slots, so that a sender woken on time never waits twice.
        sent = [
            Rate(f"sent:{rate.scope}", _SENT_SHARE * rate.interval_ms // 100, rate.burst) for rate in rates
        ]
        while (wait_s := self.try_acquire(sent)) > 0:
            if time.monotonic() + wait_s > deadline:
                raise TimeoutError("rate limiter: no slot in time")
            time.sleep(wait_s)


def _script_keys(rates: list[Rate]) -> list[str]:
    """The scripts' keys: the flood wait, then one per scope."""
    return [keys.flood_key(), *(keys.rate_key(rate.scope, 0) for rate in rates)]


def _script_args(rates: list[Rate]) -> list[int]:
    """The scripts' arguments: interval and burst of each scope."""
    return [value for rate in rates for value in (rate.interval_ms, rate.burst)]
