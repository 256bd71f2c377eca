"""The bot's replies, queued in Redis per chat and sent by a background task, never inside a handler.

A handler records the request and queues its replies, and is done: a burst of chats is handled in a second
or two instead of each handler waiting for its reply to pass the rate limiter. The queue is durable, so a
bot that dies with replies still queued sends them after its restart; each chat's replies go out in order,
chats in parallel. The one reply whose request was being written when the bot died may have reached the
chat, so it is not sent again (an ambiguous send is never blindly repeated); the outbox says when the
request goes on the wire, after any rate-limiter wait, so that window is as short as a request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial

from redis import Redis
from redis.exceptions import RedisError

from bot import keys
from bot.conversation import Decision
from bot.models import ChatRef
from bot.outbox import Button, Keyboard, Outbox, SendError

log = logging.getLogger(__name__)
# Longer than a burst lasts; after that a chat counts as never answered again (and the memory is freed).
_REMEMBER_ANSWERS_S = 60.0


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


def queued_replies(chat: ChatRef, decision: Decision) -> list[QueuedReply]:
    """The replies of a decision as queue entries (the acknowledgement names the request it shows)."""
    request = decision.request
    return [
        QueuedReply(
            chat,
            reply.text,
            reply.keyboard,
            request.request_id if reply.progress and request is not None else None,
        )
        for reply in decision.replies
    ]


class ReplyQueue:
    """Per-chat FIFO lists in Redis, and the set of chats that have something queued."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def push(self, replies: list[QueuedReply], *, seen: tuple[str, int] | None = None) -> None:
        """Queue replies (all at once, in order). `seen` (a key and its lifetime) marks the update they
        answer as handled in the same transaction: a crash then leaves either both or neither, so the update
        is never answered twice after a restart, nor left unanswered."""
        with self.redis.pipeline() as pipe:
            if replies:
                chat_key = replies[0].chat.key
                pipe.rpush(keys.reply_queue_key(chat_key), *(reply.to_json() for reply in replies))
                pipe.expire(keys.reply_queue_key(chat_key), keys.REPLY_TTL_S)
                pipe.sadd(keys.reply_chats_key(), chat_key)
            if seen is not None:
                pipe.set(seen[0], 1, ex=seen[1])
            pipe.execute()

    def chats(self) -> list[str]:
        """The chats with queued replies."""
        return sorted(member.decode() for member in self.redis.smembers(keys.reply_chats_key()))

    def peek(self, chat_key: str) -> Head | None:
        """The chat's next reply, left queued until `done`: a crash before its request was written sends it
        after the restart; one that came while it was being written (`sending`) leaves it `uncertain`."""
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.lindex(keys.reply_queue_key(chat_key), 0)
            pipe.get(keys.reply_sending_key(chat_key))
            raw, sending = pipe.execute()
        if raw is None:
            self.redis.srem(keys.reply_chats_key(), chat_key)
            # A push may have come in between: keep the chat listed if so.
            if self.redis.llen(keys.reply_queue_key(chat_key)):
                self.redis.sadd(keys.reply_chats_key(), chat_key)
            return None
        return Head(raw, uncertain=raw == sending)

    def sending(self, chat_key: str, raw: bytes) -> None:
        """The head entry's request is about to be written (called by the outbox, after the rate limiter)."""
        self.redis.set(keys.reply_sending_key(chat_key), raw, ex=keys.REPLY_TTL_S)

    def done(self, chat_key: str) -> None:
        """The chat's next reply was sent (or given up on)."""
        with self.redis.pipeline() as pipe:
            pipe.lpop(keys.reply_queue_key(chat_key))
            pipe.delete(keys.reply_sending_key(chat_key))
            pipe.execute()


@dataclass(frozen=True)
class Head:
    """A chat's next queued entry, as stored; `uncertain`: a bot died while writing its request."""

    raw: bytes
    uncertain: bool

    def reply(self) -> QueuedReply:
        return QueuedReply.from_json(self.raw)


class ReplySender:
    """Drains the queue, one send in flight per chat, so a chat's replies stay in order.

    The next slot goes to the chat this process answered longest ago (never answered: first of all), so in
    a burst every chat gets its first answer before the earlier ones get their second. A chat answered less
    than `chat_gap_s` ago (its own rate limit) waits outside the slots rather than asleep in one. There are
    no rounds: one slow send (a limiter wait, a slow answer) holds only its own chat.
    Sends run in threads, never in a handler, through the outbox and so the shared rate limiter; enough of
    them at once that the global limit, not the time Telegram takes to answer each, sets the pace.
    """

    def __init__(
        self,
        queue: ReplyQueue,
        outbox: Outbox,
        record_progress: Callable[[str, int | None], None],
        *,
        parallel: int = 32,
        idle_poll_s: float = 1.0,
        chat_gap_s: float = 0.0,
    ) -> None:
        self.queue = queue
        self.outbox = outbox
        self.record_progress = record_progress
        self.parallel = parallel
        self.idle_poll_s = idle_poll_s
        self.chat_gap_s = chat_gap_s
        self._wake = asyncio.Event()
        self._answered_at: dict[str, float] = {}  # chat key → when this process last sent it a reply

    def wake(self) -> None:
        """Replies were queued: look now rather than at the next idle poll."""
        self._wake.set()

    async def run(self) -> None:
        """Forever: send while replies are queued (also those queued before a restart), one send in flight
        per chat, a new one started as soon as a slot frees; Redis errors are waited out."""
        busy: dict[str, asyncio.Task[None]] = {}
        try:
            while True:
                self._wake.clear()
                try:
                    chats = await asyncio.to_thread(self.queue.chats)
                except RedisError as exc:
                    log.warning("reply queue unreachable (%s): retrying", type(exc).__name__)
                    chats = []
                now = time.monotonic()
                self._forget_answers_before(now - _REMEMBER_ANSWERS_S)
                answered = self._answered_at
                ready_at = {chat_key: answered.get(chat_key, 0.0) + self.chat_gap_s for chat_key in chats}
                waiting = [chat_key for chat_key in chats if chat_key not in busy]
                ready = [chat_key for chat_key in waiting if ready_at[chat_key] <= now]
                ready.sort(key=lambda chat_key: self._answered_at.get(chat_key, 0.0))  # stable: by key
                for chat_key in ready[: max(0, self.parallel - len(busy))]:
                    busy[chat_key] = task = asyncio.create_task(self._send_next(chat_key))
                    task.add_done_callback(partial(self._sent, busy, chat_key))
                later = [ready_at[chat_key] - now for chat_key in waiting if ready_at[chat_key] > now]
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), min([self.idle_poll_s, *later]))
        finally:
            for task in busy.values():
                task.cancel()

    def _sent(self, busy: dict[str, asyncio.Task[None]], chat_key: str, task: asyncio.Task[None]) -> None:
        """A send ended: its slot is free for the next chat."""
        busy.pop(chat_key, None)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.warning("reply to %s not sent: %s", chat_key, type(error).__name__)
        self._wake.set()

    async def _send_next(self, chat_key: str) -> None:
        try:
            head = await asyncio.to_thread(self.queue.peek, chat_key)
            if head is None:
                return
            reply = head.reply()
            if head.uncertain:
                # Telegram may have it: never blindly repeated (the chat would read it twice).
                log.warning("reply to %s was being sent when the bot stopped: not sent again", chat_key)
                if reply.progress_of is not None:
                    await asyncio.to_thread(self.record_progress, reply.progress_of, None)
            else:
                await asyncio.to_thread(self._send, reply, partial(self.queue.sending, chat_key, head.raw))
        except RedisError:
            raise  # the reply stays queued and is sent once Redis answers
        except Exception as exc:  # an unreadable entry, or a failure we did not foresee
            # Given up on, not retried: at the head of the queue it would block the chat's later replies
            # for ever, and a send that may have gone out is never blindly repeated.
            log.warning("reply to %s dropped: %s", chat_key, type(exc).__name__)
        await asyncio.to_thread(self.queue.done, chat_key)
        self._answered_at[chat_key] = time.monotonic()

    def _forget_answers_before(self, moment: float) -> None:
        for chat_key in [key for key, at in self._answered_at.items() if at < moment]:
            del self._answered_at[chat_key]

    def _send(self, reply: QueuedReply, on_wire: Callable[[], None]) -> None:
        message_id: int | None = None
        try:
            message_id = self.outbox.send_text(reply.chat, reply.text, reply.keyboard, on_wire=on_wire)
        except (SendError, TimeoutError) as exc:
            log.warning("reply to %s not sent: %s", reply.chat.key, exc)
        if reply.progress_of is not None:
            self.record_progress(reply.progress_of, message_id)
