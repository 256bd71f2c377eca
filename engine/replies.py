"""The reply envelope and refusals all routes share: `{"code": 0, "data": ...}` or `{"code": N, "msg"}`.

A refused upload adds `"reason"`: a stable code (`engine.refusals.Reason`) that the bot words in the chat's
language, where `msg` is the engine's English. Clients that read only the profile's fields ignore it.

Refusals are HTTP 200 with an application code, except where the cloud uses bare HTTP statuses (a missing
`X-Client-Id` is 400, an export without attribution headers 402, a quota 429); those carry only a `msg`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import IntEnum
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from engine.store import SessionNotFoundError


class Code(IntEnum):
    """Application codes in reply bodies: the profile's, and the engine's own 4000s for the rest."""

    OK = 0
    TOKEN = 1001
    SESSION = 1002
    CREDITS = 2001
    BAD_REQUEST = 4000
    UNSUPPORTED = 4001
    TOO_LARGE = 4002
    URL_REFUSED = 4003
    NOT_FOUND = 4004
    CONFLICT = 4009


class ApiError(Exception):
    """A refusal: `{"code", "msg"}` with HTTP 200, or a bare HTTP status (`status`) with only a `msg`;
    `reason` is the code of a refused upload."""

    def __init__(
        self,
        code: Code | None,
        msg: str,
        status: int = 200,
        retry_after_s: int | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(msg)
        self.code, self.msg, self.status = code, msg, status
        self.retry_after_s, self.reason = retry_after_s, reason


def ok(data: Mapping[str, Any]) -> JSONResponse:
    """The success envelope."""
    return JSONResponse({"code": Code.OK, "msg": "ok", "data": data})


async def json_body(request: Request, max_bytes: int) -> dict[str, Any]:
    """The request's body as a JSON object, or a refusal; a body over `max_bytes` is refused while it
    arrives (declared or chunked), so a huge body never sits in memory."""
    try:
        body = json.loads(await capped_body(request, max_bytes))
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ApiError(Code.BAD_REQUEST, "the body must be a JSON object")
    return body


async def capped_body(request: Request, max_bytes: int) -> bytes:
    """The whole body, counted chunk by chunk (a chunked body has no Content-Length to check first)."""
    too_large = ApiError(Code.TOO_LARGE, f"the request body is larger than {max_bytes} bytes")
    try:
        declared = int(request.headers.get("content-length") or 0)
    except ValueError:
        raise ApiError(Code.BAD_REQUEST, "the Content-Length header is not a number") from None
    if declared > max_bytes:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        if len(body) + len(chunk) > max_bytes:
            raise too_large
        body.extend(chunk)
    return bytes(body)


async def api_error(request: Request, exc: Exception) -> Response:
    """Starlette exception handler: a refusal as its reply."""
    if isinstance(exc, SessionNotFoundError):  # it expired while the request was being handled
        exc = ApiError(Code.SESSION, "session not found")
    assert isinstance(exc, ApiError)
    body: dict[str, Any] = {"msg": exc.msg} if exc.code is None else {"code": exc.code, "msg": exc.msg}
    if exc.reason is not None:
        body["reason"] = exc.reason
    headers = {"Retry-After": str(exc.retry_after_s)} if exc.retry_after_s is not None else None
    return JSONResponse(body, status_code=exc.status, headers=headers)


def over_quota(what: str, retry_after_s: int) -> ApiError:
    """The profile's rate-limit refusal: HTTP 429, and when to try again."""
    return ApiError(None, f"too many {what}; try again later", status=429, retry_after_s=retry_after_s)
