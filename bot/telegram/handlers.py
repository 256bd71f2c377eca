"""One small callback per user action: convert → conversation (records and enqueues) → acknowledge.

The handlers run from the durable intake (`intake.py`: the update was recorded before Telegram was told it
arrived). The conversation runs first, so the request is durable before anything is sent, and the replies
are queued in Redis (`bot/replies.py`), never sent from a handler, so a handler takes a few Redis calls and
the intake moves on. Redis is reached through a synchronous client, run in a thread so the event loop never
blocks.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.conversation import Conversation, Decision
from bot.migration import migrate_chat
from bot.models import IncomingMessage
from bot.replies import ReplySender, queued_replies
from bot.telegram.admins import AdminStatus
from bot.telegram.convert import incoming_from_update

log = logging.getLogger(__name__)


class Handlers:
    """The bot's callbacks, sharing the conversation and the outgoing path."""

    def __init__(self, conversation: Conversation, replies: ReplySender, admins: AdminStatus) -> None:
        self.conversation = conversation
        self.replies = replies
        self.admins = admins

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command, a text or a file."""
        message = incoming_from_update(update, context.bot.username, context.bot.id)
        if message is not None:
            await self._handle(await self.admins.with_admin(message, context))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An inline button press: answered at once so the button stops spinning.

        The answer is cosmetic: a press read after Telegram forgot its query (the bot was down a while) or a
        Bot API hiccup must not drop the action the user asked for.
        """
        query = update.callback_query
        message = incoming_from_update(update, context.bot.username, context.bot.id)
        if query is not None:
            try:
                await query.answer()
            except TelegramError as exc:
                log.warning("button press not answered: %s", type(exc).__name__)
        if message is not None:
            await self._handle(await self.admins.with_admin(message, context))

    async def on_migrate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group became a supergroup (announced in both chats): its project moves with it, once."""
        message = update.effective_message
        if message is None:
            return
        if message.migrate_to_chat_id:
            old_id, new_id = message.chat.id, message.migrate_to_chat_id
        elif message.migrate_from_chat_id:
            old_id, new_id = message.migrate_from_chat_id, message.chat.id
        else:
            return
        redis = self.conversation.redis
        await asyncio.to_thread(migrate_chat, redis, "telegram", old_id, new_id)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log (tokens masked by the log filter) and keep going."""
        log.error("update failed: %s", type(context.error).__name__, exc_info=context.error)

    async def _handle(self, message: IncomingMessage) -> None:
        # Replies are queued, not sent here: the handler is done in a few Redis calls.
        decision = await asyncio.to_thread(self.conversation.handle, message, mark_seen=False)
        if decision is not None:
            await asyncio.to_thread(self._queue_replies, message, decision)
            self.replies.wake()

    def _queue_replies(self, message: IncomingMessage, decision: Decision) -> None:
        self.replies.queue.push(
            queued_replies(message.chat, decision), seen=self.conversation.seen_marker(message)
        )
