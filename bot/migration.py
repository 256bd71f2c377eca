"""A group that became a supergroup: its project follows it to the new chat id.

Telegram announces the move once (`migrate_to_chat_id` in the old group, `migrate_from_chat_id` in the new
supergroup), and answers any later send to the old id with the new one. Whichever is seen first copies the
chat's session, group settings, unfinished requests and followed renders to the new id and remembers the
mapping, so `/status` in the supergroup still shows the timeline and sends skip the extra 400. The old keys
are copied, not renamed: jobs already running for the old id keep finding their session, and the old keys
expire with their lifetimes.
"""

from __future__ import annotations

import logging

from redis import Redis

from bot import keys

log = logging.getLogger(__name__)

_SUPERGROUP_IDS_BELOW = -1_000_000_000_000  # supergroup and channel ids are -100 followed by 10+ digits
_MOVED = (keys.session_key, keys.group_settings_key, keys.inflight_key, keys.chat_renders_key)


def migrate_chat(redis: Redis, channel: str, old_id: int, new_id: int) -> bool:
    """Copy the chat's state to `new_id` the first time the move is seen; True if this call did it."""
    if not redis.set(keys.migrated_key(channel, old_id), new_id, nx=True, ex=keys.SESSION_TTL_S):
        return False
    old_key, new_key = f"{channel}:{old_id}", f"{channel}:{new_id}"
    for key in _MOVED:
        if redis.exists(key(old_key)):
            redis.copy(key(old_key), key(new_key), replace=False)
            ttl = int(redis.ttl(key(old_key)))
            if ttl > 0:
                redis.expire(key(new_key), ttl)
    log.info("chat %s became %s: its project moved with it", old_key, new_key)
    return True


def may_migrate(chat_id: int) -> bool:
    """Whether a chat can still move: only a basic group can (a private chat never does, and a supergroup's
    id, -100…, is final), so sends to any other chat skip the lookup."""
    return _SUPERGROUP_IDS_BELOW < chat_id < 0


def migrated_to(redis: Redis, channel: str, chat_id: int) -> int | None:
    """The id a migrated chat has now, or None."""
    raw = redis.get(keys.migrated_key(channel, chat_id))
    return int(raw) if raw is not None else None
