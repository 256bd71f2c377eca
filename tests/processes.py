"""The tests' real processes: the playground's launchers, with the system's redis-server."""

from __future__ import annotations

from bot.playground.services import RedisServer, Service, wait_for

__all__ = ["RedisServer", "Service", "wait_for"]
