"""`python -m bot.whatsapp`: the WhatsApp webhook, served by uvicorn."""

from __future__ import annotations

import uvicorn
from redis import Redis

from bot.conversation import Conversation
from bot.logs import configure_logging
from bot.ratelimit import RateLimiter
from bot.replies import ReplyQueue, ReplySender
from bot.settings import Settings
from bot.whatsapp.sender import WhatsAppOutbox
from bot.whatsapp.webhook import WebhookSecrets, WhatsAppWebhook, build_webhook_app
from worker.enqueue import RQJobs, enqueue_delivery


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_level, settings.secrets())
    if not settings.whatsapp_app_secret.get_secret_value() or not settings.whatsapp_phone_number_id:
        # Without the app secret no signature can be checked: every delivery would be refused.
        raise SystemExit("WHATSAPP_APP_SECRET and WHATSAPP_PHONE_NUMBER_ID are required")
    redis = Redis.from_url(settings.redis_url)
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
    uvicorn.run(
        app,
        host=settings.whatsapp_listen_host,
        port=settings.whatsapp_listen_port,
        log_config=None,
        access_log=False,
        ws="none",
        lifespan="on",
    )
    outbox.close()
    redis.close()


if __name__ == "__main__":
    main()
