"""Who may spend a group's credits: one rule, checked when a request is made and again when it spends.

A group's `/settings` may reserve editing and exporting (the actions that spend credits) to admins. A request
records whether its sender was an admin when they asked (`Request.by_admin`, from the channel's current
answer). A request may wait in the chat's queue, so the worker asks again just before spending: if the
shared admin status (`keys.admin_status_key`, refreshed by promotions and demotions) now says "not an admin",
the request no longer spends.
"""

from __future__ import annotations

from redis import Redis

from bot import keys
from bot.models import Request

SPENDING_KINDS = ("edit", "export")


def admins_only(redis: Redis, chat_key: str) -> bool:
    """Whether the group reserved spending to its admins."""
    return bool(redis.hget(keys.group_settings_key(chat_key), "spend") == b"admins")


def may_spend(redis: Redis, request: Request) -> bool:
    """Whether `request` may spend the chat's credits now."""
    chat = request.chat
    if not chat.is_group or request.kind not in SPENDING_KINDS or not admins_only(redis, chat.key):
        return True
    if not request.by_admin:
        return False
    # Anonymous admins act as the group itself and have no member status to lose.
    current = redis.get(keys.admin_status_key(chat.key, request.user_id))
    return bool(current != b"0")
