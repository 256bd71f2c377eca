"""The tests' real processes: the playground's launchers, with the system's redis-server, and the helpers
around them (a free loopback port, an engine's environment, whether it answers) that every test shares."""

from __future__ import annotations

from bot.playground.services import RedisServer, Service, wait_for
from bot.playground.stack import answers, engine_settings_env, free_port

__all__ = ["RedisServer", "Service", "answers", "engine_settings_env", "free_port", "wait_for"]
