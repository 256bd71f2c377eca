"""The HTTP face of the fake: `/bot<token>/<method>` and `/file/bot<token>/<file_path>`, as in Telegram.

The token is compared but never echoed: error bodies say "Unauthorized", as Telegram's do, so a test that
prints a reply cannot leak it.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from tests.fakes.telegram_api.methods import METHODS
from tests.fakes.telegram_api.params import ApiError, Params, Upload, bad_request
from tests.fakes.telegram_api.records import ApiCall
from tests.fakes.telegram_api.state import TelegramState
from tests.fakes.telegram_api.uploads import reject_large_uploads

_UNAUTHORIZED = ApiError(401, "Unauthorized")
_NOT_FOUND = ApiError(404, "Not Found")
_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


async def read_params(request: Request) -> Params:
    """Query string plus a JSON, urlencoded or multipart body, as one `Params`."""
    values: dict[str, Any] = dict(request.query_params)
    uploads: dict[str, Upload] = {}
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        try:
            decoded = json.loads(body) if body else {}
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(decoded, dict):
            raise bad_request("can't parse JSON object")
        values.update(decoded)
    elif content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        async with request.form() as form:
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    uploads[key] = Upload(await value.read(), value.filename, value.content_type)
                else:
                    values[key] = value
    return Params(values, uploads)


async def _get_updates(state: TelegramState, p: Params) -> Any:
    with state.lock:
        if state.webhook.get("url"):
            raise ApiError(409, _WEBHOOK_ACTIVE)
    limit = min(max(p.opt_int("limit") or 100, 1), 100)
    allowed = list(p.structured("allowed_updates") or []) if p.has("allowed_updates") else None
    return await state.poll(p.opt_int("offset"), limit, max(p.opt_int("timeout") or 0, 0), allowed)


def _reply(error: ApiError | None, result: Any = None) -> JSONResponse:
    if error is not None:
        return JSONResponse(error.to_json(), status_code=error.status)
    return JSONResponse({"ok": True, "result": result})


def build_app(state: TelegramState, token: str) -> Starlette:
    """The Starlette app serving one bot token over `state`."""

    async def api(request: Request) -> Response:
        name = request.path_params["method"]
        if request.path_params["token"] != token:
            state.record_call(ApiCall(name, {}, 401))
            return _reply(_UNAUTHORIZED)
        params = Params({}, {})
        error: ApiError | None = None
        result: Any = None
        try:
            params = await read_params(request)
            reject_large_uploads(state, params)
            if name.lower() == "getupdates":
                result = await _get_updates(state, params)
            elif name.lower() in METHODS:
                result = METHODS[name.lower()](state, params)
            else:
                raise _NOT_FOUND
        except ApiError as exc:
            error = exc
        state.record_call(ApiCall(name, params.loggable(), error.status if error else 200))
        with state.lock:
            late = state.late_answers.get(name.lower(), 0.0)
        if late:
            # As Telegram under load: the message is in the chat already, the answer comes later.
            await asyncio.sleep(late)
        return _reply(error, result)

    async def file(request: Request) -> Response:
        if request.path_params["token"] != token:
            return _reply(_UNAUTHORIZED)
        stored = state.file_by_path(request.path_params["file_path"])
        if stored is None:
            return _reply(_NOT_FOUND)
        if stored.local_path is not None:
            return FileResponse(stored.local_path)
        return Response(stored.data or b"", media_type="application/octet-stream")

    return Starlette(
        routes=[
            Route("/bot{token}/{method}", api, methods=["GET", "POST"]),
            Route("/file/bot{token}/{file_path:path}", file, methods=["GET"]),
        ]
    )
