"""The start-up check of Redis's eviction policy and persistence, against a real redis-server."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.durability import RedisDurabilityError, check_redis_durability
from tests.processes import RedisServer

pytestmark = pytest.mark.integration


def test_an_eviction_policy_over_all_keys_is_refused_with_the_setting_to_change(
    redis_server: RedisServer,
) -> None:
    redis = redis_server.client()
    redis.config_set("maxmemory-policy", "allkeys-lru")
    with pytest.raises(RedisDurabilityError, match="maxmemory-policy noeviction"):
        check_redis_durability(redis)


def test_no_persistence_and_a_volatile_policy_start_with_loud_warnings(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    redis = redis_server.client()
    redis.config_set("maxmemory-policy", "volatile-lru")
    with caplog.at_level(logging.WARNING, "bot.durability"):
        check_redis_durability(redis)
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "NO PERSISTENCE" in warned and "volatile-lru" in warned


def test_a_durable_redis_starts_silently(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    server = RedisServer(tmp_path, appendonly=True)
    try:
        with caplog.at_level(logging.INFO, "bot.durability"):
            check_redis_durability(server.client())
        assert caplog.records == []
    finally:
        server.stop()


def test_a_managed_redis_that_forbids_config_is_tolerated(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    admin = redis_server.client()
    admin.execute_command("ACL", "SETUSER", "app", "on", ">pw", "~*", "&*", "+@all", "-config")
    app = redis_server.client()
    app.execute_command("AUTH", "app", "pw")
    admin.config_set("maxmemory-policy", "allkeys-lru")  # unseen: the check cannot read it
    with caplog.at_level(logging.INFO, "bot.durability"):
        check_redis_durability(app)
    assert "not checked" in caplog.text
