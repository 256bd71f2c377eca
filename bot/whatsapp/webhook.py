"""The WhatsApp webhook: Meta's subscription handshake and signed deliveries, as a Starlette app.

A POST is checked before it is parsed: the body is read up to a cap, its `X-Hub-Signature-256` HMAC is
compared in constant time, and only then is it JSON. Each message then goes through the conversation,
which makes it durable (the job under a deterministic id), and its replies go into the durable reply queue
in one Redis transaction with the message's "seen" mark — and then Meta gets its 200. A crash after the
200 loses no reply (the sender, `bot.replies.ReplySender`, sends what is queued after the restart) and a
redelivery is answered no more; a crash before it makes Meta deliver again, answered once.

Receiving never waits on sending: messages are handled in threads of their own, never in the pool where
replies wait for the 6-second pacing per user, so a burst of sends cannot delay the answer Meta waits for
(Meta retries a slow webhook, and in the end disables it).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from redis import Redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot import keys
from bot.conversation import Conversation
from bot.replies import ReplyQueue, ReplySender, queued_replies
from bot.whatsapp.convert import Inbound, Status, events_from_payload

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "x-hub-signature-256"
HEALTH_PATH = "/healthcheck"
# Threads that handle deliveries (a few Redis calls each); sends have the event loop's default pool.
RECEIVE_THREADS = 4


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


class WhatsAppWebhook:
    """The handlers of the webhook: deliveries in, replies queued for the sender."""

    def __init__(
        self,
        conversation: Conversation,
        replies: ReplyQueue,
        redis: Redis,
        redeliver: Callable[[str, str], object],
    ) -> None:
        self.conversation = conversation
        self.replies = replies
        self.redis = redis
        self.redeliver = redeliver  # (render id, after) → a delivery job, for videos that waited

    def receive(self, inbound: list[Inbound], statuses: list[Status]) -> None:
        """Make every message durable with its replies queued (and record statuses); raises `RedisError`."""
        for status in statuses:
            self._record_status(status)
        for item in inbound:
            message, chat = item.message, item.message.chat
            # The customer-service window opens (or stays open) with every message the user sends.
            self.redis.set(keys.whatsapp_window_key(chat.chat_id), item.wamid, ex=keys.WHATSAPP_WINDOW_S)
            decision = self.conversation.handle(message, mark_seen=False)
            if decision is None:
                continue  # a redelivery
            if decision.replies:
                # The first reply to the chat sends blue ticks and "typing…" on this message first.
                unread = keys.whatsapp_unread_key(chat.chat_id)
                self.redis.set(unread, item.wamid, ex=keys.WHATSAPP_WINDOW_S)
            self.replies.push(queued_replies(chat, decision), seen=self.conversation.seen_marker(message))
            self._deliver_waiting(chat.key, str(message.update_id))

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
    webhook: WhatsAppWebhook, sender: ReplySender, path: str, secrets: WebhookSecrets, max_body_bytes: int
) -> Starlette:
    """`GET path` (handshake), `POST path` (signed deliveries), `GET /healthcheck`; the reply sender runs
    as long as the app (replies queued before a restart go out first)."""
    receiving = ThreadPoolExecutor(RECEIVE_THREADS, thread_name_prefix="wa-receive")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Enough threads for every send the sender starts at once, so one waiting on the pacing per user
        # holds only its own chat (the default pool has 6 threads on 2 cores).
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ThreadPoolExecutor(sender.parallel + 4, thread_name_prefix="wa-send"))
        task = asyncio.create_task(sender.run())
        try:
            yield
        finally:
            task.cancel()  # what is still queued stays in Redis for the next start
            receiving.shutdown(wait=False)

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
        await asyncio.get_running_loop().run_in_executor(receiving, webhook.receive, inbound, statuses)
        sender.wake()
        return Response(status_code=200)

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        lifespan=lifespan,
        routes=[
            Route(path, handshake, methods=["GET"]),
            Route(path, deliver, methods=["POST"]),
            Route(HEALTH_PATH, health, methods=["GET"]),
        ],
    )
