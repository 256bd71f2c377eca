"""Typed errors of the NemoVideo client, one class per reaction the jobs need.

The hierarchy::

    NemoError                      code: int | None, http_status: int | None, reason: str | None
    ├── AuthExpiredError           code 1001 (or a bare HTTP 401): get a new token, same client id
    ├── SessionNotFoundError       code 1002: start a new session in the same language
    ├── OutOfCreditsError          code 2001: registration link or top-up
    ├── UnsupportedFileError       code 4001 (or a bare HTTP 415)
    ├── FileTooLargeError          code 4002 (or a bare HTTP 413, as proxies send it)
    ├── ClientIdMissingError       HTTP 400 on anonymous-token
    ├── BadRequestError            any other HTTP 4xx without a known code
    ├── PlanRequiredError          HTTP 402: the free plan may not export (not a credit problem)
    ├── RateLimitedError           HTTP 429, with retry_after from the Retry-After header
    ├── ServerError                HTTP 5xx, `success: false`, or a non-zero code we do not know
    ├── ProtocolError              a reply we cannot read (not JSON, missing fields, wrong shape)
    │    └── DownloadTooLargeError  a download past the caller's size cap: it will not shrink on a retry
    └── TransportError             network failure or timeout before a reply was complete

Messages are built from status, code and the backend's own text, scrubbed of anything that looks like a
token or a URL, because they end up in logs. Users never read them: a refusal's `reason` (the body's
`reason` field, a short code such as `truncated`, sent by the self-hosted engine) is what the jobs word for
them; the cloud sends none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


class NemoError(Exception):
    """Base of every client error; `code` is the body's application code, `http_status` the reply's,
    `reason` the body's code word for why (e.g. `truncated`), if it gave one."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        http_status: int | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.http_status = http_status
        self.reason = reason


class AuthExpiredError(NemoError):
    """The token is bad or expired (code 1001)."""


class SessionNotFoundError(NemoError):
    """The backend session no longer exists (code 1002)."""


class OutOfCreditsError(NemoError):
    """The account has no credits left (code 2001)."""


class UnsupportedFileError(NemoError):
    """The uploaded file type is not accepted (code 4001)."""


class FileTooLargeError(NemoError):
    """The uploaded file is too large (code 4002)."""


class ClientIdMissingError(NemoError):
    """anonymous-token refused the request (HTTP 400): the `X-Client-Id` header is missing or bad."""


class BadRequestError(NemoError):
    """The backend refused the request (HTTP 400, or another 4xx without a known code)."""


class PlanRequiredError(NemoError):
    """The plan does not allow this, e.g. export on the free plan (HTTP 402)."""


class RateLimitedError(NemoError):
    """Too many requests (HTTP 429); `retry_after` is in seconds when the backend said."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        http_status: int | None = None,
        reason: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, code=code, http_status=http_status, reason=reason)
        self.retry_after = retry_after


class ServerError(NemoError):
    """The backend failed (HTTP 5xx) or answered with an error code we do not know."""


class ProtocolError(NemoError):
    """The reply cannot be read as any documented form."""


class DownloadTooLargeError(ProtocolError):
    """A download went past the size its caller allows: permanent, so a job must not retry it."""


class TransportError(NemoError):
    """The network failed or timed out; the request may or may not have reached the backend."""


_BY_CODE: dict[int, type[NemoError]] = {
    1001: AuthExpiredError,
    1002: SessionNotFoundError,
    2001: OutOfCreditsError,
    4001: UnsupportedFileError,
    4002: FileTooLargeError,
}

# Only used when the body carries no known code: the body decides first.
_BY_STATUS: dict[int, type[NemoError]] = {
    401: AuthExpiredError,
    402: PlanRequiredError,
    413: FileTooLargeError,
    415: UnsupportedFileError,
    429: RateLimitedError,
}

_MAX_DETAIL = 300
_REASON = re.compile(r"[a-z][a-z0-9_]{0,39}")
_SECRETS = re.compile(r"[a-z][a-z0-9+.-]*://\S+|\b(?:nmv|clm)_\w+|\bBearer\s+\S+", re.IGNORECASE)


def scrub(text: str) -> str:
    """Text with URLs and token-like words replaced by `***`, shortened for a log line."""
    cleaned = _SECRETS.sub("***", text)
    return cleaned if len(cleaned) <= _MAX_DETAIL else cleaned[:_MAX_DETAIL] + "…"


def error_from_response(
    status: int,
    body: object,
    headers: Mapping[str, str] | None = None,
    *,
    bad_request: type[NemoError] = BadRequestError,
) -> NemoError | None:
    """The error a reply stands for, or None for success; the body's `code` decides first, HTTP status second.

    `bad_request` is the class for a plain HTTP 400: anonymous-token passes `ClientIdMissingError`.
    """
    code = _code_of(body)
    failed = isinstance(body, Mapping) and body.get("success") is False
    if 200 <= status < 300 and not code and not failed:
        return None
    cls = _BY_CODE.get(code) if code else None
    if cls is None:
        cls = _class_for_status(status, bad_request)
    message, reason = _message(status, code, body), _reason_of(body)
    if cls is RateLimitedError:
        return RateLimitedError(
            message, code=code, http_status=status, reason=reason, retry_after=_retry_after(headers)
        )
    return cls(message, code=code, http_status=status, reason=reason)


def _class_for_status(status: int, bad_request: type[NemoError]) -> type[NemoError]:
    if status == 400:
        return bad_request
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if 400 <= status < 500:
        return BadRequestError
    if 300 <= status < 400 or status < 200:
        return ProtocolError
    # 5xx, and a 2xx whose body says it failed
    return ServerError


def _code_of(body: object) -> int | None:
    if not isinstance(body, Mapping):
        return None
    code = body.get("code")
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        return code
    if isinstance(code, str) and code.strip().lstrip("-").isdigit():
        return int(code)
    return None


def _reason_of(body: object) -> str | None:
    """The body's `reason`, only if it is a plain code word (it names a catalog key, never shown as is)."""
    reason = body.get("reason") if isinstance(body, Mapping) else None
    return reason if isinstance(reason, str) and _REASON.fullmatch(reason) else None


def _message(status: int, code: int | None, body: object) -> str:
    parts = [f"HTTP {status}"]
    if code is not None:
        parts.append(f"code {code}")
    head = ", ".join(parts)
    detail = _detail(body)
    return f"{head}: {scrub(detail)}" if detail else head


def _detail(body: object) -> str:
    if not isinstance(body, Mapping):
        return ""
    for key in ("msg", "message", "error"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from the Retry-After header, which is either a number of seconds or an HTTP date."""
    value = {name.lower(): text for name, text in (headers or {}).items()}.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
