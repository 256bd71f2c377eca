"""The durable intake: every Telegram update is recorded in Redis before Telegram is told it arrived.

Long polling confirms a batch (asks for the next offset) and webhook mode answers 200 only once the batch or
the update is in the intake, a Redis hash written in one round trip; a crash after that loses nothing, and a
crash before it makes Telegram deliver again. `IntakeRunner` handles what the intake holds, also what a
killed process left there, and removes each update once handled; the conversation's de-duplication by
`update_id` answers an update handled twice (a crash between handling and removal) once.

The runner works in rounds, like the reply sender: each round handles the oldest pending update of every chat,
chats concurrently. So a chat's updates stay in order, and in a burst every chat's first message is handled
before any chat's second. An update whose handling failed on Redis stays for a later round; one that failed
otherwise was logged by the error handler and is dropped (it would only fail again).

One process handles the intake at a time (a lock with a short lifetime, refreshed while it runs): two bots
started on one token by mistake must not both answer what one of them recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from redis import Redis
from redis.exceptions import LockNotOwnedError, RedisError
from telegram import Update
from telegram.ext import Application, CallbackContext

from bot import keys

log = logging.getLogger(__name__)
CHANNEL = "telegram"
IDLE_POLL_S = 1.0
RETRY_AFTER_REDIS_ERROR_S = 1.0


class UpdateIntake:
    """The hash of recorded, not yet handled updates."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self.key = keys.intake_key(CHANNEL)

    def record(self, updates: Sequence[Mapping[str, Any]]) -> None:
        """Record raw updates (Telegram's JSON objects), all in one round trip; raises `RedisError`."""
        if updates:
            mapping = {str(update["update_id"]): json.dumps(update) for update in updates}
            self.redis.hset(self.key, mapping=mapping)

    def pending(self) -> dict[int, dict[str, Any]]:
        """Every recorded update not yet handled, by update id."""
        return {int(uid): json.loads(raw) for uid, raw in self.redis.hgetall(self.key).items()}

    def done(self, update_ids: Sequence[int]) -> None:
        """Forget handled updates."""
        if update_ids:
            self.redis.hdel(self.key, *(str(uid) for uid in update_ids))


class IntakeRunner:
    """Handles the intake's updates through the application's handlers (see the module docstring)."""

    def __init__(self, application: Application, intake: UpdateIntake) -> None:  # type: ignore[type-arg]
        self.application = application
        self.intake = intake
        self._wake = asyncio.Event()
        self._unrecorded: set[int] = set()
        # Not thread-local: it is taken and refreshed from whichever thread runs the call.
        self._lock = intake.redis.lock(
            keys.intake_lock_key(CHANNEL), timeout=keys.INTAKE_LOCK_TTL_S, thread_local=False
        )
        application.add_error_handler(self._on_error)

    def wake(self) -> None:
        """Updates were recorded: handle them now rather than at the next idle poll."""
        self._wake.set()

    async def _on_error(self, update: object, context: CallbackContext) -> None:  # type: ignore[type-arg]
        """Note updates whose handling failed on Redis: they stay in the intake for a later round."""
        if isinstance(update, Update) and isinstance(context.error, RedisError):
            self._unrecorded.add(update.update_id)

    async def run(self) -> None:
        """Forever: rounds while updates are pending, an idle poll otherwise."""
        while True:
            self._wake.clear()
            try:
                handled = await self._round() if await asyncio.to_thread(self._hold_lock) else None
            except RedisError as exc:
                log.warning("intake unreachable (%s): retrying", type(exc).__name__)
                await asyncio.sleep(RETRY_AFTER_REDIS_ERROR_S)
                continue
            if handled:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), IDLE_POLL_S)

    def _hold_lock(self) -> bool:
        """Take or refresh the intake lock; False while another process holds it."""
        if self._lock.local.token is not None:
            with contextlib.suppress(LockNotOwnedError):  # it lapsed: take it again if it is free
                return bool(self._lock.reacquire())
        return bool(self._lock.acquire(blocking=False))

    async def _round(self) -> bool:
        """Handle the oldest pending update of every chat; False when nothing was pending."""
        pending = await asyncio.to_thread(self.intake.pending)
        if not pending:
            return False
        firsts: dict[object, Update] = {}
        broken: list[int] = []
        for update_id in sorted(pending):
            try:
                update = Update.de_json(pending[update_id], self.application.bot)
            except (AttributeError, KeyError, TypeError, ValueError):
                log.warning("update %d in the intake cannot be read: dropped", update_id)
                broken.append(update_id)
                continue
            firsts.setdefault(_chat_of(update), update)
        results = await asyncio.gather(*(self._handle(update) for update in firsts.values()))
        handled = [update_id for update_id, ok in zip(firsts.values(), results, strict=True) if ok]
        await asyncio.to_thread(self.intake.done, [u.update_id for u in handled] + broken)
        if len(handled) < len(firsts):
            missed = len(firsts) - len(handled)
            log.warning("%d update(s) not handled (Redis unavailable?): trying again", missed)
            await asyncio.sleep(RETRY_AFTER_REDIS_ERROR_S)
        return True

    async def _handle(self, update: Update) -> bool:
        """Run the handlers; False when they failed on Redis (the update stays in the intake)."""
        await self.application.process_update(update)
        if update.update_id in self._unrecorded:
            self._unrecorded.discard(update.update_id)
            return False
        return True

    async def close(self) -> None:
        """Let another process take the intake at once."""
        with contextlib.suppress(RedisError):
            if self._lock.local.token is not None:
                await asyncio.to_thread(self._lock.release)


def _chat_of(update: Update) -> object:
    """What orders updates: their chat (or their user, for updates without a chat)."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return ("update", update.update_id)
