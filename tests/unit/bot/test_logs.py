"""Tokens never reach a log line, whatever logs them."""

from __future__ import annotations

import logging

import httpx

from bot.logs import RedactingFilter

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
NEMO_TOKEN = "nmv_usr_0123456789abcdef"


def record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("httpx", logging.INFO, __file__, 1, message, args, exc_info)


def test_request_urls_with_the_bot_token_are_masked():
    line = record(
        'HTTP Request: %s %s "%s"', "POST", f"https://api.telegram.org/bot{BOT_TOKEN}/getUpdates", "200 OK"
    )
    RedactingFilter([BOT_TOKEN]).filter(line)
    assert BOT_TOKEN not in line.getMessage() and "getUpdates" in line.getMessage()


def test_tokens_not_configured_are_masked_by_shape():
    line = record("backend said: token %s expired", NEMO_TOKEN)
    RedactingFilter([]).filter(line)
    assert NEMO_TOKEN not in line.getMessage()


def test_tracebacks_are_masked_too():
    try:
        raise httpx.ConnectError(f"cannot reach https://api.telegram.org/file/bot{BOT_TOKEN}/videos/1.mp4")
    except httpx.ConnectError as exc:
        line = record("download failed", exc=exc)
    RedactingFilter([BOT_TOKEN]).filter(line)
    text = logging.Formatter().format(line)
    assert "ConnectError" in text and BOT_TOKEN not in text
