"""Our own long-polling loop over `getUpdates`, in place of python-telegram-bot's updater.

PTB's updater confirms a batch of updates to Telegram (by asking for the next offset) before its handlers
have run, so a bot killed mid-batch loses what it had fetched. Here a batch is confirmed only once it is
recorded in the durable intake (`intake.py`), in one Redis round trip for the whole batch; the intake's
runner handles it from there. A crash before the recording makes Telegram deliver the batch again; when
Redis is away the batch is not confirmed, and the loop backs off and fetches it again.

A 409 Conflict (another process polling with the same token, or a webhook set) is one clear warning naming
the setting, then a growing back-off, not a traceback a second.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from redis import Redis
from redis.exceptions import RedisError
from telegram import Update
from telegram.error import Conflict, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.settings import Settings
from bot.telegram.intake import IntakeRunner, UpdateIntake

log = logging.getLogger(__name__)

# Every kind, chat_member and my_chat_member included (admin caches are invalidated on them).
ALLOWED_UPDATES = Update.ALL_TYPES
FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 60.0
# Handlers run their Redis and Bot API calls in threads; one per chat of a burst, not the default handful.
HANDLER_THREADS = 64


class Poller:
    """Fetch, record and confirm batches of updates until stopped."""

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        intake: UpdateIntake,
        runner: IntakeRunner,
        poll_timeout_s: int,
    ) -> None:
        self.application = application
        self.intake = intake
        self.runner = runner
        self.poll_timeout_s = poll_timeout_s
        self.offset: int | None = None
        self._backoff_s = FIRST_BACKOFF_S
        self._warned_conflict = False

    async def run(self) -> None:
        """The loop: one `getUpdates` at a time, each confirming the batch before it."""
        while True:
            updates = await self._fetch()
            if updates is None or (updates and not await self._record(updates)):
                await asyncio.sleep(self._backoff_s)
                self._backoff_s = min(self._backoff_s * 2, MAX_BACKOFF_S)
                continue
            self._backoff_s = FIRST_BACKOFF_S
            if updates:
                self.offset = updates[-1].update_id + 1
                self.runner.wake()

    async def _record(self, updates: Sequence[Update]) -> bool:
        """Record the batch in the intake; False (not confirmed, fetched again) when Redis failed."""
        try:
            await asyncio.to_thread(self.intake.record, [update.to_dict() for update in updates])
            return True
        except RedisError as exc:
            log.warning(
                "%d update(s) not recorded (%s): fetching them again", len(updates), type(exc).__name__
            )
            return False

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
        intake = UpdateIntake(Redis.from_url(settings.redis_url))
        runner = IntakeRunner(application, intake)
        poller = Poller(application, intake, runner, settings.telegram_poll_timeout_s)
        # What a killed process recorded but did not handle is handled first.
        tasks: set[asyncio.Task[object]] = {
            asyncio.create_task(runner.run()),
            asyncio.create_task(poller.run()),
        }
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({*tasks, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        ended = [task for task in tasks if task.done()]
        for task in tasks:  # at the next start an unconfirmed batch is fetched again, a recorded one handled
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await runner.close()
        for task in ended:
            task.result()  # the loops never end by themselves: this raises what ended one
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
