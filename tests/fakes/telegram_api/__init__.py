"""A fake Telegram Bot API server for integration and end-to-end tests (see `fake.py` for a tour)."""

from tests.fakes.telegram_api.fake import DEFAULT_TOKEN, FakeTelegram
from tests.fakes.telegram_api.flood import FloodLimits, Window
from tests.fakes.telegram_api.records import (
    GROUP_ANONYMOUS_BOT,
    Admin,
    ApiCall,
    Button,
    Chat,
    SentMedia,
    SentMessage,
    StoredFile,
    User,
)

__all__ = [
    "DEFAULT_TOKEN",
    "GROUP_ANONYMOUS_BOT",
    "Admin",
    "ApiCall",
    "Button",
    "Chat",
    "FakeTelegram",
    "FloodLimits",
    "SentMedia",
    "SentMessage",
    "StoredFile",
    "User",
    "Window",
]
