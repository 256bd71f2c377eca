"""Start-up check that Redis keeps what the bot and workers put in it.

Redis holds the job queues, sessions, requests and delivery markers. An eviction policy over all keys
(`allkeys-*`) can drop a queue or a job under memory pressure: a request silently lost, or a delivery marker
gone and the video sent twice. So those policies are refused. A `volatile-*` policy evicts only keys with a
lifetime (sessions, markers), which is still a loss, so it gets a loud warning, as does running without
persistence (no AOF and no RDB snapshots: a restart empties every queue).

Managed Redis services often forbid `CONFIG`; then nothing can be checked and start-up goes on, saying so.
"""

from __future__ import annotations

import logging

from redis import Redis
from redis.exceptions import ResponseError

log = logging.getLogger(__name__)


class RedisDurabilityError(Exception):
    """Redis is configured to drop keys the product cannot lose."""


def check_redis_durability(redis: Redis) -> None:
    """Refuse an eviction policy that can drop queue keys; warn about weaker ones and no persistence."""
    try:
        config = _config(redis, "maxmemory-policy", "appendonly", "save")
    except ResponseError as exc:
        log.info("could not read the Redis configuration (%s): persistence and eviction not checked", exc)
        return
    policy = config.get("maxmemory-policy", "noeviction")
    if policy.startswith("allkeys-"):
        raise RedisDurabilityError(
            f"Redis maxmemory-policy is {policy}: it can evict job queues and delivery markers. "
            "Set maxmemory-policy noeviction (see the README, 'Redis in production')."
        )
    if policy != "noeviction":
        log.warning(
            "Redis maxmemory-policy is %s: sessions and delivery markers may be evicted; use noeviction",
            policy,
        )
    if config.get("appendonly", "no") != "yes" and not config.get("save", "").strip():
        log.warning(
            "REDIS HAS NO PERSISTENCE (appendonly no, no save points): a Redis restart loses every "
            "queued request and session. Set appendonly yes (see the README, 'Redis in production')."
        )


def _config(redis: Redis, *names: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for name in names:
        for key, value in redis.config_get(name).items():
            values[_text(key)] = _text(value)
    return values


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
