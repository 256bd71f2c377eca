"""The bot's replies, queued in Redis per chat and sent by a background task, never inside a handler.

A handler records the update and queues its replies, and the update can then be confirmed to the channel
at once: a burst of chats is recorded in a second instead of waiting, batch by batch, for every reply to
pass the rate limiter. The queue is durable, so a bot that dies with replies still queued sends them after
its restart; each chat's replies go out in order, chats in parallel.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass

from redis import Redis

from bot import keys
from bot.models import ChatRef
from bot.outbox import Button, Keyboard, Outbox, SendError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueuedReply:
    """One message to send; `progress_of` names the request whose progress it will show."""

    chat: ChatRef
    text: str
    keyboard: Keyboard = ()
    progress_of: str | None = None

    def to_json(self) -> str:
        """The queue entry."""
        rows = [[asdict(button) for button in row] for row in self.keyboard]
        chat = self.chat.model_dump(mode="json")
        return json.dumps(
            {"chat": chat, "text": self.text, "keyboard": rows, "progress_of": self.progress_of}
        )

    @classmethod
    def from_json(cls, raw: bytes | str) -> QueuedReply:
        """Read a queue entry back."""
        data = json.loads(raw)
        keyboard = tuple(tuple(Button(**button) for button in row) for row in data["keyboard"])
        return cls(ChatRef.model_validate(data["chat"]), data["text"], keyboard, data["progress_of"])


class ReplyQueue:
    """Per-chat FIFO lists in Redis, and the set of chats that have something queued."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def push(self, replies: list[QueuedReply]) -> None:
        """Queue replies (all at once, in order)."""
        if not replies:
            return
        chat_key = replies[0].chat.key
        with self.redis.pipeline() as pipe:
            pipe.rpush(keys.reply_queue_key(chat_key), *(reply.to_json() for reply in replies))
            pipe.expire(keys.reply_queue_key(chat_key), keys.REPLY_TTL_S)
            pipe.sadd(keys.reply_chats_key(), chat_key)
            pipe.execute()

    def chats(self) -> list[str]:
        """The chats with queued replies."""
        return sorted(member.decode() for member in self.redis.smembers(keys.reply_chats_key()))

    def peek(self, chat_key: str) -> QueuedReply | None:
        """The chat's next reply, left queued until `done` (a crash while sending sends it again)."""
        raw = self.redis.lindex(keys.reply_queue_key(chat_key), 0)
        if raw is None:
            self.redis.srem(keys.reply_chats_key(), chat_key)
            # A push may have come in between: keep the chat listed if so.
            if self.redis.llen(keys.reply_queue_key(chat_key)):
                self.redis.sadd(keys.reply_chats_key(), chat_key)
            return None
        return QueuedReply.from_json(raw)

    def done(self, chat_key: str) -> None:
        """The chat's next reply was sent (or given up on)."""
        self.redis.lpop(keys.reply_queue_key(chat_key))


class ReplySender:
    """Drains the queue in rounds: each round sends the next reply of every chat that has one.

    So every chat gets its first answer before any chat gets its second, a chat's replies stay in order,
    and its second reply comes a round later, when its own rate limit has long passed. A few sends run
    at once (through the outbox, and so the shared rate limiter) in threads, never in a handler.
    """

    def __init__(
        self,
        queue: ReplyQueue,
        outbox: Outbox,
        record_progress: Callable[[str, int | None], None],
        *,
        parallel: int = 8,
        idle_poll_s: float = 1.0,
    ) -> None:
        self.queue = queue
        self.outbox = outbox
        self.record_progress = record_progress
        self.parallel = parallel
        self.idle_poll_s = idle_poll_s
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Replies were queued: look now rather than at the next idle poll."""
        self._wake.set()

    async def run(self) -> None:
        """Forever: send rounds while replies are queued (also those queued before a restart)."""
        slots = asyncio.Semaphore(self.parallel)
        while True:
            self._wake.clear()
            chats = await asyncio.to_thread(self.queue.chats)
            if chats:
                await asyncio.gather(*(self._send_next(chat_key, slots) for chat_key in chats))
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.idle_poll_s)

    async def _send_next(self, chat_key: str, slots: asyncio.Semaphore) -> None:
        async with slots:
            reply = await asyncio.to_thread(self.queue.peek, chat_key)
            if reply is not None:
                await asyncio.to_thread(self._send, reply)
                await asyncio.to_thread(self.queue.done, chat_key)

    def _send(self, reply: QueuedReply) -> None:
        message_id: int | None = None
        try:
            message_id = self.outbox.send_text(reply.chat, reply.text, reply.keyboard)
        except (SendError, TimeoutError) as exc:
            log.warning("reply to %s not sent: %s", reply.chat.key, exc)
        if reply.progress_of is not None:
            self.record_progress(reply.progress_of, message_id)
