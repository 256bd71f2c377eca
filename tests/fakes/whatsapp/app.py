"""The HTTP face of the fake Cloud API: the Graph routes the bot calls, with bearer auth on every one.

`GET /{media-id}` → a download URL valid for a few minutes; `GET /download/{media-id}` (bearer and an
unexpired URL) → the bytes; `POST /{phone-number-id}/media` (multipart) → a media id;
`POST /{phone-number-id}/messages` → a wamid, or Meta's error body.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.whatsapp.records import GraphError, invalid

if TYPE_CHECKING:
    from tests.fakes.whatsapp.fake import FakeWhatsApp

_BAD_TOKEN = GraphError(190, "Invalid OAuth access token - Cannot parse access token", status=401)


def _error(error: GraphError) -> JSONResponse:
    return JSONResponse(error.to_json(), status_code=error.status)


def build_app(fake: FakeWhatsApp) -> Starlette:
    """The Starlette app over one fake's state."""

    def authorised(request: Request) -> bool:
        given = request.headers.get("authorization", "").encode()
        ok = hmac.compare_digest(given, f"Bearer {fake.token}".encode())
        fake.record_call(request.method, request.url.path, ok)
        return ok and not fake.token_expired

    async def lookup(request: Request) -> Response:
        if not authorised(request):
            return _error(_BAD_TOKEN)
        try:
            return JSONResponse(fake.media_lookup(request.path_params["media_id"]))
        except GraphError as exc:
            return _error(exc)

    async def download(request: Request) -> Response:
        if not authorised(request):
            return _error(_BAD_TOKEN)
        data = fake.media_download(request.path_params["media_id"], request.query_params.get("exp", ""))
        if data is None:
            return Response(status_code=404)
        return Response(data, media_type="application/octet-stream")

    async def upload(request: Request) -> Response:
        if not authorised(request):
            return _error(_BAD_TOKEN)
        if request.path_params["phone"] != fake.phone_number_id:
            return _error(invalid("unknown phone number id"))
        if request.client is not None:
            await fake.uploads.passing(request.client.port)
        async with request.form() as form:
            file, kind = form.get("file"), form.get("type")
            if form.get("messaging_product") != "whatsapp" or not isinstance(file, UploadFile):
                return _error(invalid("messaging_product and file are required"))
            data = await file.read()
            try:
                media_id = fake.store_upload(data, str(kind or file.content_type), file.filename)
            except GraphError as exc:
                return _error(exc)
        return JSONResponse({"id": media_id})

    async def messages(request: Request) -> Response:
        if not authorised(request):
            return _error(_BAD_TOKEN)
        if request.path_params["phone"] != fake.phone_number_id:
            return _error(invalid("unknown phone number id"))
        try:
            body: Any = await request.json()
        except ValueError:
            return _error(invalid("body is not JSON"))
        try:
            if isinstance(body, dict) and body.get("status") == "read":
                if request.client is not None:
                    await fake.read_receipts.passing(request.client.port)
                fake.mark_read(body)
                return JSONResponse({"success": True})
            wamid, to = fake.accept_message(body if isinstance(body, dict) else {})
        except GraphError as exc:
            return _error(exc)
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": wamid}],
            }
        )

    return Starlette(
        routes=[
            Route("/download/{media_id}", download, methods=["GET"]),
            Route("/{phone}/media", upload, methods=["POST"]),
            Route("/{phone}/messages", messages, methods=["POST"]),
            Route("/{media_id}", lookup, methods=["GET"]),
        ]
    )
