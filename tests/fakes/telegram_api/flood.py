"""Flood control like Telegram's, as sliding windows, so a test sees the bot exceed a limit.

Telegram documents its limits only loosely ("about one message per second in a chat, 20 per minute in a
group, 30 per second overall") and tolerates short bursts. The fake makes them exact:

* a private chat (positive id): at most 3 messages in any 3 s (1/s on average, a burst of 3 allowed);
* a group or supergroup (negative id): at most 20 in any 60 s;
* the whole bot: at most 30 in any 1 s.

A request over any window gets 429 with `retry_after` = whole seconds until the window has room again
(at least 1). Rejected requests do not count. Which methods count is the caller's choice (see methods.py).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

Window = tuple[int, float]


@dataclass(frozen=True)
class FloodLimits:
    """The three windows, each (at most N messages, in any S seconds); pass others to tighten or relax."""

    private: Window = (3, 3.0)
    group: Window = (20, 60.0)
    overall: Window = (30, 1.0)


class FloodControl:
    """Sliding-window counters per chat and overall. Not thread-safe: the caller holds the state lock."""

    def __init__(self, limits: FloodLimits, clock: Callable[[], float]) -> None:
        self._limits = limits
        self._clock = clock
        self._sent: dict[int | None, deque[float]] = {}

    def admit(self, chat_id: int) -> int | None:
        """Count one message to `chat_id` and return None, or return the retry_after if it is over a limit."""
        now = self._clock()
        windows = [
            (chat_id, self._limits.private if chat_id > 0 else self._limits.group),
            (None, self._limits.overall),
        ]
        waits = [self._wait(key, window, now) for key, window in windows]
        if any(w > 0 for w in waits):
            return max(1, math.ceil(max(waits)))
        for key, _ in windows:
            self._sent.setdefault(key, deque()).append(now)
        return None

    def _wait(self, key: int | None, window: Window, now: float) -> float:
        times = self._sent.setdefault(key, deque())
        count, seconds = window
        while times and times[0] <= now - seconds:
            times.popleft()
        if len(times) < count:
            return 0.0
        return times[0] + seconds - now
