"""A migrated group's project is copied to the new id once, and the mapping remembered."""

from __future__ import annotations

import fakeredis

from bot import keys
from bot.migration import migrate_chat, migrated_to


def test_the_first_sighting_copies_session_and_settings_and_later_ones_change_nothing() -> None:
    redis = fakeredis.FakeRedis()
    redis.hset(keys.session_key("telegram:-42"), mapping={"session_id": "S1"})
    redis.expire(keys.session_key("telegram:-42"), 100)
    redis.hset(keys.group_settings_key("telegram:-42"), "spend", "admins")

    assert migrate_chat(redis, "telegram", -42, -10042)
    assert redis.hget(keys.session_key("telegram:-10042"), "session_id") == b"S1"
    assert 0 < redis.ttl(keys.session_key("telegram:-10042")) <= 100
    assert redis.hget(keys.group_settings_key("telegram:-10042"), "spend") == b"admins"
    assert migrated_to(redis, "telegram", -42) == -10042

    redis.hset(keys.session_key("telegram:-10042"), "session_id", "S2")  # the supergroup moved on
    assert not migrate_chat(redis, "telegram", -42, -10042)  # the second announcement
    assert redis.hget(keys.session_key("telegram:-10042"), "session_id") == b"S2"
    assert migrated_to(redis, "telegram", -7) is None
