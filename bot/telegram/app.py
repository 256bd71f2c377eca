"""`build_application`: the python-telegram-bot wiring, and nothing else.

Handler order matters: buttons first (they carry no text), then commands, then files, then plain text.
"""

from __future__ import annotations

import asyncio

from redis import Redis
from telegram import BotCommand
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    MessageHandler,
    filters,
)

from bot.conversation import Conversation
from bot.durability import check_redis_durability
from bot.i18n import LANGS, translate
from bot.ratelimit import RateLimiter
from bot.replies import ReplyQueue, ReplySender
from bot.settings import Settings
from bot.telegram.admins import AdminStatus
from bot.telegram.handlers import Handlers
from bot.telegram.sender import TelegramOutbox
from worker.enqueue import RQJobs

COMMANDS = ("start", "help", "new", "export", "credits", "status", "cancel", "language", "settings")
MEDIA = (
    filters.VIDEO
    | filters.Document.ALL
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.AUDIO
    | filters.PHOTO
    | filters.VOICE
    | filters.Sticker.ALL
)


def build_application(settings: Settings) -> Application:  # type: ignore[type-arg]
    """The bot: long-polling-ready PTB application with every handler registered."""
    redis = Redis.from_url(settings.redis_url)
    check_redis_durability(redis)
    limiter = RateLimiter.from_settings(redis, settings)
    outbox = TelegramOutbox(settings, limiter)
    conversation = Conversation(redis, settings, RQJobs(redis, settings))
    admins = AdminStatus(redis, settings.admin_status_cache_s)
    replies = ReplySender(
        ReplyQueue(redis),
        outbox,
        conversation.record_progress_message,
        chat_gap_s=limiter.chat_interval_ms / 1000,
    )
    handlers = Handlers(conversation, replies, admins)
    background: list[asyncio.Task[None]] = []

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        # Replies queued before a restart go out first; the sender runs as long as the application.
        background.append(asyncio.create_task(replies.run()))
        # The command menu, per language, with localized descriptions.
        # Telegram picks a menu by the phone's two-letter code; Roman Hinglish ("hi-Latn") has none.
        for lang in (lang for lang in LANGS if len(lang) == 2):
            commands = [BotCommand(name, translate(lang, f"command.{name}")) for name in COMMANDS]
            await application.bot.set_my_commands(commands, language_code=lang)
        await application.bot.set_my_commands(
            [BotCommand(name, translate("en", f"command.{name}")) for name in COMMANDS]
        )

    async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
        for task in background:
            task.cancel()  # what is still queued stays in Redis for the next start
        await asyncio.gather(*background, return_exceptions=True)
        outbox.close()
        redis.close()

    token = settings.telegram_bot_token.get_secret_value()
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .local_mode(settings.telegram_local_mode)
        .concurrent_updates(False)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    # Promotions and demotions first: they refresh the shared admin status before anyone acts on it.
    application.add_handler(ChatMemberHandler(admins.on_chat_member, ChatMemberHandler.CHAT_MEMBER))
    # A group's move to a supergroup first: the chat's project must be where the next message looks.
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, handlers.on_migrate))
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    application.add_handler(MessageHandler(filters.COMMAND, handlers.on_message))
    application.add_handler(MessageHandler(MEDIA, handlers.on_message))
    application.add_handler(MessageHandler(filters.TEXT, handlers.on_message))
    application.add_error_handler(handlers.on_error)
    return application
