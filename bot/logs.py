"""Logging set-up that keeps tokens out of every log line.

python-telegram-bot and httpx log request URLs, and Telegram's URLs contain the bot token
(`/bot<token>/getUpdates`, and `File.file_path`). Their loggers are turned down, and a filter on every
handler masks the configured secrets and anything shaped like a bot or backend token.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# Bot API tokens, NemoVideo tokens and claim codes, and Meta access tokens (which start with "EAA").
_TOKEN_PATTERNS = re.compile(
    r"\d{6,}:[A-Za-z0-9_-]{30,}|nmv_[a-z]+_[A-Za-z0-9_-]+|clm_[A-Za-z0-9_-]+|\bEAA[A-Za-z0-9]{20,}"
)
MASK = "***"


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with secrets masked."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        """The text with every secret and token-shaped word masked."""
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return _TOKEN_PATTERNS.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            # Tracebacks quote URLs and arguments too: render them here, masked, instead of in the formatter.
            message = f"{message}\n{logging.Formatter().formatException(record.exc_info)}"
            record.exc_info = None
            record.exc_text = None
        record.msg = self.redact(message)
        record.args = None
        return True


def configure_logging(level: str, secrets: Iterable[str]) -> None:
    """Log to stderr at `level`, with secrets masked; chatty HTTP loggers at WARNING."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "telegram", "telegram.ext", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
