"""Webhook mode: Telegram POSTs updates to a small Starlette app, served by uvicorn.

The shape of python-telegram-bot's `customwebhookbot` example. The secret token Telegram echoes in the
`X-Telegram-Bot-Api-Secret-Token` header is the only thing that tells Telegram's requests from anyone
else's, so it is mandatory and checked before a request's body is even read.

An update is answered 200 only once it is recorded in the durable intake (`intake.py`, the same one long
polling uses), and handled from there: a bot killed right after answering loses nothing. When Redis cannot
record it, the answer is 503 and Telegram delivers the update again later.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import signal
import socket
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import FrameType
from typing import Any, Protocol

import uvicorn
from redis import Redis
from redis.exceptions import RedisError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Bot, Update
from telegram.ext import Application

from bot import startup
from bot.settings import Settings
from bot.telegram.intake import IntakeRunner, UpdateIntake
from bot.telegram.polling import HANDLER_THREADS

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthcheck"
# Telegram's rule for `secret_token`: 1-256 characters from A-Z, a-z, 0-9, _ and -.
_SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")
# An update is a few kilobytes (a long message with entities, a button press); Telegram never sends more
# than a fraction of this. Anything bigger is refused as it arrives, counted chunk by chunk.
MAX_UPDATE_BYTES = 1024 * 1024


class WebhookConfigError(startup.StartupError):
    """The webhook settings cannot work; the message names the setting, never a secret's value."""


class Intake(Protocol):
    """Where verified updates are recorded: `UpdateIntake` (a stub in tests)."""

    def record(self, updates: Sequence[Mapping[str, Any]]) -> None: ...


@dataclass(frozen=True)
class WebhookConfig:
    """Validated webhook settings: the URL given to Telegram, the local route and address, the secret."""

    url: str
    path: str
    listen: str
    port: int
    secret: str


def webhook_config(settings: Settings) -> WebhookConfig:
    """The webhook settings, checked: `WebhookConfigError` for a missing URL or a missing or bad secret."""
    if not settings.telegram_webhook_url:
        raise WebhookConfigError("TELEGRAM_WEBHOOK_URL is not set")
    if settings.telegram_webhook_secret is None or not settings.telegram_webhook_secret.get_secret_value():
        raise WebhookConfigError(
            "TELEGRAM_WEBHOOK_SECRET is required in webhook mode: without it anyone could post updates"
        )
    secret = settings.telegram_webhook_secret.get_secret_value()
    if not _SECRET_SHAPE.fullmatch(secret):
        raise WebhookConfigError(
            "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, '_' and '-' (Telegram's rule)"
        )
    path = "/" + settings.telegram_webhook_path.strip("/")
    return WebhookConfig(
        url=settings.telegram_webhook_url.rstrip("/") + path,
        path=path,
        listen=settings.telegram_webhook_listen,
        port=settings.telegram_webhook_port,
        secret=secret,
    )


def build_webhook_app(
    intake: Intake, recorded: Callable[[], None], bot: Bot, path: str, secret: str
) -> Starlette:
    """The ASGI app: `POST path` records Telegram's updates (403 without the secret) and calls `recorded`;
    `GET /healthcheck`."""
    expected = secret.encode()

    async def receive_update(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            client = request.client.host if request.client else "unknown"
            log.warning("webhook request from %s rejected: missing or wrong secret token", client)
            return PlainTextResponse("forbidden", status_code=403)
        body = await _capped_body(request)
        if body is None:
            log.warning("webhook request with a body over %d bytes rejected", MAX_UPDATE_BYTES)
            return PlainTextResponse("too large", status_code=413)
        try:
            data = json.loads(body)
            update = Update.de_json(data, bot) if isinstance(data, dict) else None
        # JSON errors are ValueErrors; PTB's parsers raise the other three on a wrongly shaped payload.
        except (AttributeError, KeyError, TypeError, ValueError):
            update = None
        if update is None:
            log.warning("webhook request with a malformed update rejected")
            return PlainTextResponse("malformed update", status_code=400)
        try:
            await asyncio.to_thread(intake.record, [data])
        except RedisError as exc:
            log.warning("update %d not recorded (%s): answering 503", update.update_id, type(exc).__name__)
            return PlainTextResponse("not recorded, send it again", status_code=503)
        recorded()
        return Response(status_code=200)

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route(path, receive_update, methods=["POST"]),
            Route(HEALTH_PATH, health, methods=["GET"]),
        ]
    )


async def _capped_body(request: Request) -> bytes | None:
    """The body, or None as soon as it is known to exceed `MAX_UPDATE_BYTES` (declared or streamed)."""
    if int(request.headers.get("content-length") or 0) > MAX_UPDATE_BYTES:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_UPDATE_BYTES:
            return None
    return bytes(body)


def run_webhook(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Serve the webhook until SIGTERM/SIGINT, with the application's whole lifecycle around it."""
    config = webhook_config(settings)
    intake = UpdateIntake(Redis.from_url(settings.redis_url))
    runner = IntakeRunner(application, intake)
    app = build_webhook_app(intake, runner.wake, application.bot, config.path, config.secret)
    # log_config=None: uvicorn logs through the root handler, whose filter masks secrets.
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=config.listen,
            port=config.port,
            log_config=None,
            access_log=False,
            ws="none",
            lifespan="off",
        )
    )
    # Bound and listening before Telegram learns the URL: a busy port fails here, before the webhook is
    # moved, and a request arriving before uvicorn serves waits in the backlog instead of being refused.
    sock = startup.listen(config.listen, config.port, "TELEGRAM_WEBHOOK_PORT", "TELEGRAM_WEBHOOK_LISTEN")
    sock.listen(server.config.backlog)
    asyncio.run(_serve(application, runner, server, sock, config))


async def _serve(
    application: Application,  # type: ignore[type-arg]
    runner: IntakeRunner,
    server: uvicorn.Server,
    sock: socket.socket,
    config: WebhookConfig,
) -> None:
    """PTB's run order (initialize, post_init … shutdown, post_shutdown), the intake's runner beside the
    server (first handling what a killed process recorded)."""
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=HANDLER_THREADS))

    def request_exit(signum: int, frame: FrameType | None) -> None:
        server.should_exit = True

    # uvicorn re-raises the signal that stopped it once it has restored the previous handlers; with
    # Python's defaults a SIGTERM would then kill the process before the application is stopped.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, request_exit)
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        handling = asyncio.create_task(runner.run())
        try:
            await application.bot.set_webhook(
                url=config.url,
                secret_token=config.secret,
                allowed_updates=Update.ALL_TYPES,
                drop_pending_updates=False,
            )
            log.info("webhook set; listening on %s:%d%s", config.listen, config.port, config.path)
            await server.serve(sockets=[sock])
        finally:
            handling.cancel()  # what is recorded and not yet handled is handled at the next start
            await asyncio.gather(handling, return_exceptions=True)
            await runner.close()
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
