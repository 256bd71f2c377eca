"""Our own long-polling loop over `getUpdates`, in place of python-telegram-bot's updater.

PTB's updater confirms a batch of updates to Telegram (by asking for the next offset) before its handlers
have run, so a bot killed mid-batch loses what it had fetched. Here a batch is confirmed only once every
update in it was handled (recorded, its replies queued in Redis); a crash before that makes Telegram
deliver the batch again, and the conversation's de-duplication by `update_id` answers each update once.
An update whose recording failed because Redis was away is not confirmed either: the loop backs off and
fetches it again.

Within a batch, chats are handled concurrently and each chat's updates in order, so one slow chat never
stalls the others. A 409 Conflict (another process polling with the same token, or a webhook set) is one
clear warning naming the setting, then a growing back-off, not a traceback a second.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from redis.exceptions import RedisError
from telegram import Update
from telegram.error import Conflict, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, CallbackContext

from bot.settings import Settings

log = logging.getLogger(__name__)

# Every kind, chat_member and my_chat_member included (admin caches are invalidated on them).
ALLOWED_UPDATES = Update.ALL_TYPES
FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 60.0
# Handlers run their Redis and Bot API calls in threads; one per chat of a burst, not the default handful.
HANDLER_THREADS = 64


class Poller:
    """Fetch, handle and confirm batches of updates until stopped."""

    def __init__(self, application: Application, poll_timeout_s: int) -> None:  # type: ignore[type-arg]
        self.application = application
        self.poll_timeout_s = poll_timeout_s
        self.offset: int | None = None
        self._backoff_s = FIRST_BACKOFF_S
        self._warned_conflict = False
        self._unrecorded: set[int] = set()
        application.add_error_handler(self._on_error)

    async def _on_error(self, update: object, context: CallbackContext) -> None:  # type: ignore[type-arg]
        """Note updates whose handling failed on Redis: they were not recorded, so not confirmed."""
        if isinstance(update, Update) and isinstance(context.error, RedisError):
            self._unrecorded.add(update.update_id)

    async def run(self) -> None:
        """The loop: one `getUpdates` at a time, each confirming the batch before it."""
        while True:
            updates = await self._fetch()
            if updates is None:
                await asyncio.sleep(self._backoff_s)
                self._backoff_s = min(self._backoff_s * 2, MAX_BACKOFF_S)
                continue
            self._backoff_s = FIRST_BACKOFF_S
            if updates:
                self._confirm_up_to(updates, await self.handle(updates))

    async def _fetch(self) -> Sequence[Update] | None:
        """The next batch, or None after an error worth backing off for."""
        try:
            updates: tuple[Update, ...] = await self.application.bot.get_updates(
                offset=self.offset,
                timeout=self.poll_timeout_s,
                allowed_updates=ALLOWED_UPDATES,
                read_timeout=self.poll_timeout_s + 10,
            )
            return updates
        except Conflict as exc:
            if not self._warned_conflict:
                log.warning(
                    "Telegram refused getUpdates (409 Conflict: %s). Another bot process is polling with the "
                    "same TELEGRAM_BOT_TOKEN, or a webhook is set for it (TELEGRAM_WEBHOOK_URL): run one bot "
                    "process per token. Backing off and retrying quietly.",
                    exc.message,
                )
                self._warned_conflict = True
            else:
                log.debug("getUpdates: still in conflict")
        except RetryAfter as exc:
            log.warning("getUpdates rate limited: waiting %s", exc.retry_after)
            self._backoff_s = _seconds(exc.retry_after)
        except (TimedOut, NetworkError) as exc:
            log.warning("getUpdates failed (%s): retrying in %.0f s", type(exc).__name__, self._backoff_s)
        return None

    async def handle(self, updates: Sequence[Update]) -> list[int]:
        """Handle a batch, chats concurrently and each chat in order; returns the ids not recorded."""
        by_chat: dict[object, list[Update]] = {}
        for update in updates:
            by_chat.setdefault(_chat_of(update), []).append(update)
        failed: list[int] = []

        async def one_chat(chat_updates: list[Update]) -> None:
            for update in chat_updates:
                await self.application.process_update(update)
                if update.update_id in self._unrecorded:
                    self._unrecorded.discard(update.update_id)
                    failed.append(update.update_id)

        await asyncio.gather(*(one_chat(chat_updates) for chat_updates in by_chat.values()))
        return failed

    def _confirm_up_to(self, updates: Sequence[Update], failed: list[int]) -> None:
        """Confirm the batch, or only the part before the first update that was not recorded."""
        if failed:
            self.offset = min(failed)
            log.warning("%d update(s) not recorded (Redis unavailable?): fetching them again", len(failed))
            self._backoff_s = FIRST_BACKOFF_S
            return
        self.offset = updates[-1].update_id + 1


def _chat_of(update: Update) -> object:
    """What orders updates: their chat (or their user, for updates without a chat)."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return ("update", update.update_id)


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(str(value))


def run_polling(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Run the bot with our poller until SIGTERM or Ctrl-C, in PTB's lifecycle order."""
    asyncio.run(_run(application, settings))


async def _run(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=HANDLER_THREADS))
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        # As PTB's updater does: a webhook left set would make every getUpdates a 409.
        if not settings.telegram_webhook_url:
            await application.bot.delete_webhook()
        poller = asyncio.create_task(Poller(application, settings.telegram_poll_timeout_s).run())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({poller, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if poller.done():
            poller.result()  # the loop never ends by itself: this raises what ended it
        poller.cancel()  # an unconfirmed batch is fetched again by the next start
        await asyncio.gather(poller, return_exceptions=True)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
