"""`python -m bot`: the Telegram bot, long polling."""

from __future__ import annotations

from telegram import Update

from bot.logs import configure_logging
from bot.settings import Settings
from bot.telegram.app import build_application


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_level, settings.secrets())
    application = build_application(settings)
    application.run_polling(allowed_updates=Update.ALL_TYPES, timeout=settings.telegram_poll_timeout_s)


if __name__ == "__main__":
    main()
