"""Cloud API error codes → typed errors, each with a decided action.

    SendError (bot.outbox)
     ├── ChatUnavailableError       131026 undeliverable: stop talking to the chat
     │    └── WindowClosedError     131047 the 24-hour window closed: template, or wait for the user
     ├── FileTooBigError            131052 the user's file was too large to download
     ├── MediaRejectedError         131053 media upload error: send the download link instead
     ├── AccessTokenError           190 / HTTP 401: renew WHATSAPP_ACCESS_TOKEN; no retry helps
     └── PacedError                 131056 pair rate, 130429 throughput: back off, retry a few times

Meta's error messages never contain the access token, and none of these carries a URL or a header.
"""

from __future__ import annotations

from typing import Any

from bot.outbox import (
    ChatUnavailableError,
    FileTooBigError,
    MediaRejectedError,
    SendError,
    WindowClosedError,
)

PAIR_RATE_LIMIT = 131056
THROUGHPUT_LIMIT = 130429
TOKEN_INVALID = 190


class AccessTokenError(SendError):
    """Meta refused the access token (expired, revoked or wrong)."""


class PacedError(SendError):
    """Meta asks us to slow down: to this user (131056) or on this number (130429)."""

    def __init__(self, code: int, retry_after_s: float) -> None:
        super().__init__(f"rate limited by WhatsApp ({code})")
        self.code = code
        self.retry_after_s = retry_after_s


_BY_CODE: dict[int, type[SendError]] = {
    131026: ChatUnavailableError,
    131047: WindowClosedError,
    131052: FileTooBigError,
    131053: MediaRejectedError,
    TOKEN_INVALID: AccessTokenError,
}


def error_code(body: Any) -> int | None:
    """The Graph API error code of a response body, if it is an error."""
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return int(code) if isinstance(code, int | str) and str(code).isdigit() else None


def error_from_response(what: str, status: int, body: Any, pacing_s: float) -> SendError:
    """The typed error for a failed call; `pacing_s` is how long to back off on 131056."""
    code = error_code(body)
    if status == 401 or code == TOKEN_INVALID:
        return AccessTokenError(f"{what}: access token rejected ({code or status})")
    if code == PAIR_RATE_LIMIT:
        return PacedError(code, pacing_s)
    if code == THROUGHPUT_LIMIT:
        return PacedError(code, 1.0)
    error = body.get("error") if isinstance(body, dict) else None
    message = str(error.get("message", ""))[:200] if isinstance(error, dict) else ""
    kind = _BY_CODE.get(code or 0, SendError)
    return kind(f"{what}: {code or status} {message}".strip())
