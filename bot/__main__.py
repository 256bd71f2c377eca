"""`python -m bot`: the Telegram bot, long polling."""

from __future__ import annotations

import os

# Durations as timedelta (python-telegram-bot 23's behaviour), without a deprecation warning per update.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot import startup
from bot.logs import configure_logging
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.polling import run_polling

_secrets: list[str] = []


def main() -> None:
    settings = Settings()
    _secrets.extend(settings.secrets())
    configure_logging(settings.log_level, settings.secrets())
    # Fail here, in one clear line, rather than deep inside python-telegram-bot with the token quoted.
    startup.check_telegram(settings)
    startup.check_redis(settings.redis_url, "REDIS_URL")
    application = build_application(settings)
    if settings.telegram_webhook_url:
        from bot.telegram.webhook import run_webhook

        run_webhook(application, settings)
        return
    run_polling(application, settings)


if __name__ == "__main__":
    startup.run("bot", main, lambda: _secrets)
