"""`python -m bot.whatsapp`: the WhatsApp webhook, served by uvicorn.

Started through `bot.startup.run`, like the Telegram bot: a missing setting, an unreachable Redis or a
port already taken stops it with one line naming what to fix and exit status 2, never a traceback.
"""

from __future__ import annotations

import uvicorn
from redis import Redis

from bot import startup
from bot.conversation import Conversation
from bot.durability import check_redis_durability
from bot.logs import configure_logging
from bot.ratelimit import RateLimiter
from bot.replies import ReplyQueue, ReplySender
from bot.settings import Settings
from bot.whatsapp.sender import WhatsAppOutbox
from bot.whatsapp.webhook import WebhookSecrets, WhatsAppWebhook, build_webhook_app
from worker.enqueue import RQJobs, enqueue_delivery

_secrets: list[str] = []


def check_settings(settings: Settings) -> None:
    """The settings without which nothing can work: no signature checked, no message sent."""
    missing = [
        name
        for name, value in (
            ("WHATSAPP_ACCESS_TOKEN", settings.whatsapp_access_token.get_secret_value()),
            ("WHATSAPP_APP_SECRET", settings.whatsapp_app_secret.get_secret_value()),
            ("WHATSAPP_PHONE_NUMBER_ID", settings.whatsapp_phone_number_id),
        )
        if not value.strip()
    ]
    if missing:
        raise startup.StartupError(
            f"{', '.join(missing)} not set: copy them from your Meta app's WhatsApp settings into .env "
            "(see .env.example and the README, 'Run it on WhatsApp')"
        )


def main() -> None:
    settings = Settings()
    _secrets.extend(settings.secrets())
    configure_logging(settings.log_level, settings.secrets())
    check_settings(settings)
    startup.check_redis(settings.redis_url, "REDIS_URL")
    sock = startup.listen(
        settings.whatsapp_listen_host,
        settings.whatsapp_listen_port,
        "WHATSAPP_LISTEN_PORT",
        "WHATSAPP_LISTEN_HOST",
    )
    redis = Redis.from_url(settings.redis_url)
    check_redis_durability(redis)
    outbox = WhatsAppOutbox(settings, redis, RateLimiter.from_settings(redis, settings))
    conversation = Conversation(redis, settings, RQJobs(redis, settings))
    queue = ReplyQueue(redis)
    sender = ReplySender(
        queue,
        outbox,
        conversation.record_progress_message,
        chat_gap_s=settings.whatsapp_per_user_interval_s,
    )
    webhook = WhatsAppWebhook(
        conversation,
        queue,
        redis,
        lambda render_id, after: enqueue_delivery(redis, settings, render_id, after=after),
    )
    secrets = WebhookSecrets(
        settings.whatsapp_app_secret.get_secret_value().encode(),
        settings.whatsapp_verify_token.get_secret_value().encode(),
    )
    path = "/" + settings.whatsapp_webhook_path.strip("/")
    app = build_webhook_app(webhook, sender, path, secrets, settings.whatsapp_webhook_max_bytes)
    # log_config=None: uvicorn logs through the root handler, whose filter masks secrets.
    config = uvicorn.Config(app, log_config=None, access_log=False, ws="none", lifespan="on")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        outbox.close()
        redis.close()


if __name__ == "__main__":
    startup.run("bot.whatsapp", main, lambda: _secrets)
