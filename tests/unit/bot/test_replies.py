"""The reply sender: a reply that cannot be sent is given up on, never a wall before the chat's next one; a
reply whose request was on the wire when the bot died is never sent twice, one still waiting is sent."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from bot import keys
from bot.models import ChatRef
from bot.replies import QueuedReply, ReplyQueue, ReplySender

CHAT = ChatRef(chat_id=42)


class Crash(BaseException):
    """The bot process dying (nothing after it runs)."""


class Recorder:
    """An outbox that records texts; `broken` ones fail as no SendError would; the bot dies on `dies_waiting`
    (in the rate limiter's wait, before the request) and on `dies_on_wire` (the request written)."""

    def __init__(self, broken: str = "", dies_waiting: str = "", dies_on_wire: str = "") -> None:
        self.sent: list[str] = []
        self.broken = broken
        self.dies_waiting = dies_waiting
        self.dies_on_wire = dies_on_wire

    def send_text(
        self,
        chat: ChatRef,
        text: str,
        keyboard: object = (),
        *,
        on_wire: Callable[[], None] | None = None,
    ) -> int:
        if text == self.dies_waiting:
            raise Crash
        if on_wire is not None:
            on_wire()
        if text == self.dies_on_wire:
            raise Crash  # Telegram has it; the bot never heard back
        if text == self.broken:
            raise KeyError("message_id")  # e.g. an answer without the field we read
        self.sent.append(text)
        return len(self.sent)


def _send_all(sender: ReplySender, times: int) -> None:
    async def go() -> None:
        for _ in range(times):
            await sender._send_next(CHAT.key)

    asyncio.run(go())


def test_an_unreadable_entry_or_a_failing_send_is_dropped_and_the_next_reply_goes_out(redis):
    queue = ReplyQueue(redis)
    redis.rpush(keys.reply_queue_key(CHAT.key), b"{not json")  # a corrupt entry at the head
    queue.push([QueuedReply(CHAT, "boom"), QueuedReply(CHAT, "hello")])
    outbox = Recorder(broken="boom")
    sender = ReplySender(queue, outbox, lambda request_id, message_id: None)  # type: ignore[arg-type]
    _send_all(sender, 3)
    assert outbox.sent == ["hello"]  # neither the corrupt entry nor the failed send held it back
    assert redis.llen(keys.reply_queue_key(CHAT.key)) == 0


def _restart_after_crash(redis, outbox: Recorder) -> list[str]:
    """Queue two replies, let a bot die sending the first, and run a new bot's sender: what the chat got."""
    queue = ReplyQueue(redis)
    queue.push([QueuedReply(CHAT, "hello"), QueuedReply(CHAT, "send a video")])
    with pytest.raises(Crash):
        _send_all(ReplySender(queue, outbox, lambda request_id, message_id: None), 1)  # type: ignore[arg-type]
    survivor = Recorder()
    _send_all(ReplySender(queue, survivor, lambda request_id, message_id: None), 2)  # type: ignore[arg-type]
    assert redis.llen(keys.reply_queue_key(CHAT.key)) == 0
    assert not redis.exists(keys.reply_sending_key(CHAT.key))
    return survivor.sent


def test_a_reply_on_the_wire_when_the_bot_died_is_not_sent_again_after_its_restart(redis):
    assert _restart_after_crash(redis, Recorder(dies_on_wire="hello")) == ["send a video"]


def test_a_reply_still_waiting_for_the_rate_limiter_when_the_bot_died_is_sent_after_its_restart(redis):
    assert _restart_after_crash(redis, Recorder(dies_waiting="hello")) == ["hello", "send a video"]
