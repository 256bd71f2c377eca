"""The durable intake: every Telegram update is recorded in Redis before Telegram is told it arrived.

Long polling confirms a batch (asks for the next offset) and webhook mode answers 200 only once the batch or
the update is in the intake, a Redis hash (and a list of the newly recorded ids) written in one round trip;
a crash after that loses nothing, and a crash before it makes Telegram deliver again. `IntakeRunner` handles
what the intake holds, also what a killed process left there, and removes each update once handled; the
conversation's de-duplication by `update_id` answers an update handled twice (a crash between handling and
removal) once.

The runner gives every chat with recorded updates its own task, which handles that chat's updates in order,
so chats go concurrently, one slow chat holds up only itself, and an update is picked up as soon as it is
recorded. An update whose handling failed on Redis is tried again (the chat's later ones wait behind it); one
that failed otherwise was logged by the error handler and is dropped (it would only fail again).

One process handles the intake at a time (a lock with a short lifetime, refreshed while it runs): two bots
started on one token by mistake must not both answer what one of them recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Collection, Mapping, Sequence
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
ARRIVALS_PER_READ = 1000


class UpdateIntake:
    """The hash of recorded, not yet handled updates, and the list of the ids recorded lately.

    The hash is the record; the list only says what is new, so that a wake reads what arrived since the
    last one and not the whole backlog (a hash's keys cost as many as it holds). Whoever takes the intake
    reads the hash whole once (`pending(everything=True)`): that also finds what a list entry left out.
    """

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self.key = keys.intake_key(CHANNEL)
        self.arrivals = keys.intake_arrivals_key(CHANNEL)

    def record(self, updates: Sequence[Mapping[str, Any]]) -> None:
        """Record raw updates (Telegram's JSON objects), all in one round trip; raises `RedisError`."""
        if updates:
            mapping = {str(update["update_id"]): json.dumps(update) for update in updates}
            pipe = self.redis.pipeline(transaction=True)
            pipe.hset(self.key, mapping=mapping)
            pipe.rpush(self.arrivals, *mapping)
            pipe.execute()

    def pending(
        self, known: Collection[int] = (), *, everything: bool = False
    ) -> tuple[dict[int, dict[str, Any]], bool]:
        """Recorded updates not yet handled, by update id, leaving out the `known` ones: those that arrived
        since the last call, or with `everything` all the hash holds. Also whether more arrivals wait (at
        most `ARRIVALS_PER_READ` are taken at a time)."""
        pipe = self.redis.pipeline(transaction=True)  # atomic: nothing recorded meanwhile is missed
        if everything:
            pipe.delete(self.arrivals)
            pipe.hkeys(self.key)
        else:
            pipe.lrange(self.arrivals, 0, ARRIVALS_PER_READ - 1)
            pipe.ltrim(self.arrivals, ARRIVALS_PER_READ, -1)
        replies = pipe.execute()
        ids = replies[1] if everything else replies[0]
        more = not everything and len(ids) == ARRIVALS_PER_READ
        wanted = list(dict.fromkeys(uid for uid in ids if int(uid) not in known))
        if not wanted:
            return {}, more
        raws = self.redis.hmget(self.key, wanted)
        found = {int(uid): json.loads(raw) for uid, raw in zip(wanted, raws, strict=True) if raw is not None}
        return found, more

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
        self._known: set[int] = set()  # update ids queued in this process (in `_backlog`)
        self._read_all = False  # the lock was just taken: read the whole intake, not only the arrivals
        self._backlog: dict[object, deque[Update]] = {}  # per chat, oldest first
        self._chats: dict[object, asyncio.Task[None]] = {}  # the task working through each backlog
        # Not thread-local: it is taken and refreshed from whichever thread runs the call.
        self._lock = intake.redis.lock(
            keys.intake_lock_key(CHANNEL), timeout=keys.INTAKE_LOCK_TTL_S, thread_local=False
        )
        application.add_error_handler(self._on_error)

    def wake(self) -> None:
        """Updates were recorded: handle them now rather than at the next idle poll."""
        self._wake.set()

    async def _on_error(self, update: object, context: CallbackContext) -> None:  # type: ignore[type-arg]
        """Note updates whose handling failed on Redis: they stay in the intake and are tried again."""
        if isinstance(update, Update) and isinstance(context.error, RedisError):
            self._unrecorded.add(update.update_id)

    async def run(self) -> None:
        """Forever: pick up what is newly recorded and hand it to its chat's task; an idle poll otherwise."""
        try:
            while True:
                self._wake.clear()
                try:
                    if await asyncio.to_thread(self._hold_lock):
                        await self._pick_up()
                except RedisError as exc:
                    log.warning("intake unreachable (%s): retrying", type(exc).__name__)
                    await asyncio.sleep(RETRY_AFTER_REDIS_ERROR_S)
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE_POLL_S)
        finally:
            for task in list(self._chats.values()):
                task.cancel()

    def _hold_lock(self) -> bool:
        """Take or refresh the intake lock; False while another process holds it. Whoever takes it anew
        reads the whole intake once (what a killed process left, what the other holder did not handle)."""
        if self._lock.local.token is not None:
            with contextlib.suppress(LockNotOwnedError):  # it lapsed: take it again if it is free
                return bool(self._lock.reacquire())
        taken = bool(self._lock.acquire(blocking=False))
        self._read_all = self._read_all or taken
        return taken

    async def _pick_up(self) -> None:
        """Queue each newly recorded update behind its chat's earlier ones, starting the chat's task."""
        fresh, more = await asyncio.to_thread(self.intake.pending, self._known, everything=self._read_all)
        self._read_all = False
        if more:
            self._wake.set()  # a burst larger than one read: the rest at once, not at the idle poll
        broken: list[int] = []
        for update_id in sorted(fresh):
            try:
                update = Update.de_json(fresh[update_id], self.application.bot)
            except (AttributeError, KeyError, TypeError, ValueError):
                log.warning("update %d in the intake cannot be read: dropped", update_id)
                broken.append(update_id)
                continue
            self._known.add(update_id)
            chat = _chat_of(update)
            self._backlog.setdefault(chat, deque()).append(update)
            if chat not in self._chats:
                self._chats[chat] = asyncio.create_task(self._run_chat(chat))
        await asyncio.to_thread(self.intake.done, broken)

    async def _run_chat(self, chat: object) -> None:
        """Handle one chat's updates in order; one that failed on Redis is tried again until it goes."""
        backlog = self._backlog[chat]
        try:
            while backlog:
                update = backlog[0]
                if not await self._handle(update):
                    log.warning("update %d not handled (Redis unavailable?): trying again", update.update_id)
                    await asyncio.sleep(RETRY_AFTER_REDIS_ERROR_S)
                    continue
                backlog.popleft()
                try:
                    await asyncio.to_thread(self.intake.done, [update.update_id])
                except RedisError:  # handled, but still listed: handled again later, and answered once
                    log.warning("update %d handled but not yet removed from the intake", update.update_id)
                self._known.discard(update.update_id)
        finally:
            del self._backlog[chat]
            del self._chats[chat]

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
