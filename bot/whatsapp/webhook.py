"""The WhatsApp webhook: Meta's subscription handshake and signed deliveries, as a Starlette app.

A POST is checked before it is parsed: the body is read up to a cap, its `X-Hub-Signature-256` HMAC is
compared in constant time, and only then is it JSON. Each message then goes through the conversation,
which makes it durable (the job under a deterministic id, the update marked seen) — and then Meta gets its
200. Replies, the read receipt and the typing indicator are sent after the response, so a slow send or the
6-second pacing per user never delays the answer Meta waits for.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from redis import Redis
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot import keys
from bot.conversation import Conversation, Decision
from bot.models import ChatRef
from bot.outbox import Keyboard, SendError
from bot.whatsapp.convert import Inbound, Status, events_from_payload

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "x-hub-signature-256"
HEALTH_PATH = "/healthcheck"


class BodyTooLargeError(Exception):
    """A webhook body over the cap."""


@dataclass(frozen=True)
class WebhookSecrets:
    """The app secret (signature key) and the verify token (handshake)."""

    app_secret: bytes
    verify_token: bytes


def signature_ok(body: bytes, header: str, app_secret: bytes) -> bool:
    """`sha256=<hex HMAC-SHA256 of the raw body>`, compared in constant time."""
    expected = "sha256=" + hmac.new(app_secret, body, hashlib.sha256).hexdigest()
    return bool(app_secret) and hmac.compare_digest(header.encode(), expected.encode())


async def read_capped(request: Request, limit: int) -> bytes:
    """The body, refused as soon as it passes `limit` bytes (a declared length is checked first)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError
        chunks.append(chunk)
    return b"".join(chunks)


class Replies(Protocol):
    """What the webhook needs of the outgoing path (`WhatsAppOutbox`; a recorder in unit tests)."""

    def mark_read(self, wamid: str) -> None: ...

    def send_text(self, chat: ChatRef, text: str, keyboard: Keyboard = ()) -> int: ...


class WhatsAppWebhook:
    """The handlers of the webhook, sharing the conversation and the outgoing path."""

    def __init__(
        self,
        conversation: Conversation,
        outbox: Replies,
        redis: Redis,
        redeliver: Callable[[str, str], object],
    ) -> None:
        self.conversation = conversation
        self.outbox = outbox
        self.redis = redis
        self.redeliver = redeliver  # (render id, after) → a delivery job, for videos that waited

    def receive(self, inbound: list[Inbound], statuses: list[Status]) -> list[tuple[Inbound, Decision]]:
        """Make every message durable (and record statuses); the decisions to answer afterwards."""
        for status in statuses:
            self._record_status(status)
        decided = []
        for item in inbound:
            chat = item.message.chat
            # The customer-service window opens (or stays open) with every message the user sends.
            self.redis.set(keys.whatsapp_window_key(chat.chat_id), item.wamid, ex=keys.WHATSAPP_WINDOW_S)
            decision = self.conversation.handle(item.message)
            if decision is not None:
                decided.append((item, decision))
                self._deliver_waiting(chat.key, str(item.message.update_id))
        return decided

    def answer(self, decided: list[tuple[Inbound, Decision]]) -> None:
        """Read receipt with "typing…", then the replies (the first one is the request's progress)."""
        for item, decision in decided:
            if decision.replies:
                self.outbox.mark_read(item.wamid)
            for reply in decision.replies:
                message_id: int | None = None
                try:
                    message_id = self.outbox.send_text(item.message.chat, reply.text, reply.keyboard)
                except SendError as exc:
                    log.warning("reply to %s not sent: %s", item.message.chat.key, type(exc).__name__)
                if reply.progress and decision.request is not None:
                    self.conversation.record_progress_message(decision.request.request_id, message_id)

    def _record_status(self, status: Status) -> None:
        key = keys.whatsapp_status_key(status.wamid)
        self.redis.hset(key, mapping={"status": status.status, "error": status.error_code or ""})
        self.redis.expire(key, keys.STATUS_TTL_S)
        if status.status == "failed":
            log.warning("message %s to a user failed: WhatsApp error %s", status.wamid, status.error_code)

    def _deliver_waiting(self, chat_key: str, after: str) -> None:
        """Videos that finished while the window was closed go out now that the user wrote (`after`)."""
        waiting = keys.deferred_deliveries_key(chat_key)
        for raw in self.redis.smembers(waiting):
            render_id = raw.decode()
            self.redeliver(render_id, after)  # enqueued first: a crash here repeats it, never loses it
            self.redis.srem(waiting, render_id)


def build_webhook_app(
    webhook: WhatsAppWebhook, path: str, secrets: WebhookSecrets, max_body_bytes: int
) -> Starlette:
    """`GET path` (handshake), `POST path` (signed deliveries), `GET /healthcheck`."""

    async def handshake(request: Request) -> Response:
        params = request.query_params
        token = params.get("hub.verify_token", "").encode()
        if params.get("hub.mode") == "subscribe" and hmac.compare_digest(token, secrets.verify_token):
            return PlainTextResponse(params.get("hub.challenge", ""))
        return PlainTextResponse("forbidden", status_code=403)

    async def deliver(request: Request) -> Response:
        try:
            body = await read_capped(request, max_body_bytes)
        except BodyTooLargeError:
            return PlainTextResponse("too large", status_code=413)
        if not signature_ok(body, request.headers.get(SIGNATURE_HEADER, ""), secrets.app_secret):
            client = request.client.host if request.client else "unknown"
            log.warning("webhook request from %s rejected: missing or wrong signature", client)
            return PlainTextResponse("forbidden", status_code=403)
        try:
            payload = json.loads(body)
        except ValueError:
            return PlainTextResponse("malformed", status_code=400)
        inbound, statuses = events_from_payload(payload)
        # Durable before the 200: if Redis is down this raises, Meta gets a 500 and delivers again.
        decided = await asyncio.to_thread(webhook.receive, inbound, statuses)
        return Response(
            status_code=200, background=BackgroundTask(asyncio.to_thread, webhook.answer, decided)
        )

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route(path, handshake, methods=["GET"]),
            Route(path, deliver, methods=["POST"]),
            Route(HEALTH_PATH, health, methods=["GET"]),
        ]
    )
