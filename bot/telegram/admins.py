"""Whether a group member is an admin *now*: asked of Telegram, remembered briefly in Redis for every process.

Permissions (who may spend the group's credits, who may change `/settings`, whose work `/cancel` may stop) are
checked against the status of the person acting, at the moment they act. The answer is kept for
`ADMIN_STATUS_CACHE_S` under one Redis key per member, so all bot processes (and the workers, at spend time)
agree, and a `chat_member` update (a promotion or demotion) overwrites it at once instead of waiting for it to
expire. A failed check counts as "not an admin" and is not remembered.
"""

from __future__ import annotations

import asyncio
import logging

from redis import Redis
from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import keys
from bot.models import ChatRef, IncomingMessage

log = logging.getLogger(__name__)
ADMIN_STATUSES = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


class AdminStatus:
    """The Redis-shared admin cache, filled from `getChatMember` and from `chat_member` updates."""

    def __init__(self, redis: Redis, ttl_s: int) -> None:
        self.redis, self.ttl_s = redis, ttl_s

    async def with_admin(
        self, message: IncomingMessage, context: ContextTypes.DEFAULT_TYPE
    ) -> IncomingMessage:
        """The message with `is_admin` set from the sender's current status (groups only)."""
        if not message.chat.is_group or message.is_admin or not message.addressed:
            return message
        key = keys.admin_status_key(message.chat.key, message.user_id)
        cached = await asyncio.to_thread(self.redis.get, key)
        if cached is not None:
            return message.model_copy(update={"is_admin": cached == b"1"})
        try:
            member = await context.bot.get_chat_member(message.chat.chat_id, message.user_id)
        except TelegramError as exc:
            log.info("admin check failed: %s", type(exc).__name__)
            return message.model_copy(update={"is_admin": False})
        is_admin = member.status in ADMIN_STATUSES
        await asyncio.to_thread(self.redis.set, key, "1" if is_admin else "0", ex=self.ttl_s)
        return message.model_copy(update={"is_admin": is_admin})

    async def on_chat_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A member's status changed (Telegram sends these to admin bots): remember the new one now."""
        changed = update.chat_member
        if changed is None:
            return
        chat = ChatRef(channel="telegram", chat_id=changed.chat.id, is_group=True)
        key = keys.admin_status_key(chat.key, changed.new_chat_member.user.id)
        is_admin = changed.new_chat_member.status in ADMIN_STATUSES
        await asyncio.to_thread(self.redis.set, key, "1" if is_admin else "0", ex=self.ttl_s)
