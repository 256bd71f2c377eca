"""The reply sender: a reply that cannot be sent is given up on, never a wall before the chat's next one."""

from __future__ import annotations

import asyncio

from bot import keys
from bot.models import ChatRef
from bot.replies import QueuedReply, ReplyQueue, ReplySender

CHAT = ChatRef(chat_id=42)


class Recorder:
    """An outbox that records texts; `broken` ones fail as no SendError would."""

    def __init__(self, broken: str = "") -> None:
        self.sent: list[str] = []
        self.broken = broken

    def send_text(self, chat: ChatRef, text: str, keyboard: object = ()) -> int:
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
