"""The double's HTTP face: one Starlette route per endpoint of the profile.

Every route records the request first, then applies an injected fault if one is queued, then makes the
checks a real backend makes. Handlers raise `ApiError`; one place turns it into the configured error style.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import math
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import av
import av.error
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Send

from tests.fakes.nemo_double.config import Endpoint, NemoConfig
from tests.fakes.nemo_double.drafts import add_media, apply_instruction, is_exportable
from tests.fakes.nemo_double.records import Account, ApiError, RecordedRequest, RenderJob, UploadedFile
from tests.fakes.nemo_double.renders import render_progress, render_reply
from tests.fakes.nemo_double.turns import (
    Apply,
    Drop,
    Pause,
    Step,
    encode_event,
    seconds_until_apply,
    turn_script,
)

if TYPE_CHECKING:
    from tests.fakes.nemo_double.double import NemoDouble

_FILE_TYPES = {
    **dict.fromkeys(("mp4", "mov", "avi", "webm", "mkv"), "video"),
    **dict.fromkeys(("jpg", "png", "gif", "webp"), "image"),
    **dict.fromkeys(("mp3", "wav", "m4a", "aac"), "audio"),
}
# Only for error_style "status"/"bare": sources never show which status goes with which code.
_STATUS_FOR_CODE = {1001: 401, 1002: 404, 2001: 403, 4001: 415, 4002: 413}
_ATTRIBUTION = ("x-skill-source", "x-skill-version", "x-skill-platform")
# URL uploads are not fetched (tests have no network); they get this metadata instead of a probe.
_URL_MEDIA = {"duration": 10.0, "width": 1280, "height": 720, "fps": 30.0}
# The safety net that lands an edit when the stream did not get there (client gone) fires this late.
_GUARD_SLACK_S = 0.05


@dataclass
class _Call:
    request: Request
    json: Any
    files: list[tuple[UploadedFile, bytes]]

    def param(self, name: str) -> str:
        return str(self.request.path_params[name])

    def body(self, *keys: str) -> dict[str, Any]:
        """The JSON body, which must be an object with `keys`; else HTTP 422."""
        if not isinstance(self.json, dict) or any(k not in self.json for k in keys):
            raise ApiError(http_status=422, message=f"body must be a JSON object with {', '.join(keys)}")
        return self.json


class _Dropped(Exception):
    """Raised inside a turn's stream to cut the connection mid-response."""


class _TurnStream(StreamingResponse):
    """A streaming response that can end without its final chunk, so the client sees a broken stream.

    uvicorn then logs "ASGI callable returned without completing response" and closes the socket: that log
    line is expected for "drop" turns.
    """

    async def stream_response(self, send: Send) -> None:
        try:
            await super().stream_response(send)
        except _Dropped:
            return


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


def _probe(data: bytes) -> dict[str, float]:
    """Duration, size and frame rate of uploaded bytes, as the real backend reports them (0 if unreadable)."""
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            video = container.streams.video[0] if container.streams.video else None
            return {
                "duration": round((container.duration or 0) / 1_000_000, 3),
                "width": video.width if video else 0,
                "height": video.height if video else 0,
                "fps": float(video.average_rate or 0) if video else 0.0,
            }
    except (av.error.FFmpegError, ValueError, IndexError):
        return {"duration": 0.0, "width": 0, "height": 0, "fps": 0.0}


def _file_type(filename: str) -> str:
    """The accepted kind of a file name, or 4001."""
    kind = _FILE_TYPES.get(PurePosixPath(filename).suffix.lower().lstrip("."))
    if kind is None:
        raise ApiError(4001, message=f"unsupported file type: {filename}; accepted: {', '.join(_FILE_TYPES)}")
    return kind


class _Api:
    def __init__(self, double: NemoDouble) -> None:
        self.double = double

    @property
    def config(self) -> NemoConfig:
        return self.double.config

    def ok(self, data: dict[str, Any]) -> JSONResponse:
        envelope: dict[str, Any] = {"code": 0, "data": data}
        if self.config.envelope_msg:
            envelope["msg"] = "success"
        return JSONResponse(envelope)

    def error(self, err: ApiError) -> Response:
        headers = {} if err.retry_after is None else {"Retry-After": str(math.ceil(err.retry_after))}
        if err.code is None:
            return PlainTextResponse(err.message, status_code=err.http_status or 400, headers=headers)
        body = {"code": err.code, "msg": err.message}
        if self.config.error_style == "body" and err.http_status is None:
            return JSONResponse(body, headers=headers)
        status = err.http_status or _STATUS_FOR_CODE.get(err.code, 400)
        if self.config.error_style == "bare":
            return PlainTextResponse(err.message, status_code=status, headers=headers)
        return JSONResponse(body, status_code=status, headers=headers)

    def route(
        self, method: str, path: str, endpoint: Endpoint, handler: Callable[[_Call], Awaitable[Response]]
    ) -> Route:
        async def serve(request: Request) -> Response:
            call = await self._read(request)
            files = tuple(upload for upload, _ in call.files)
            self.double.record(
                RecordedRequest(
                    endpoint, request.method, request.url.path, dict(request.headers), call.json, files
                )
            )
            try:
                fault = self.double.take_fault(endpoint)
                if fault is not None:
                    raise ApiError(fault.code, fault.http_status, "injected failure", fault.retry_after)
                response = await handler(call)
            except ApiError as err:
                return self.error(err)
            if late := self.double.lateness(endpoint):
                await asyncio.sleep(late)  # the work is done; only the answer is slow
            return response

        return Route(path, serve, methods=[method])

    async def _read(self, request: Request) -> _Call:
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            files: list[tuple[UploadedFile, bytes]] = []
            async with request.form() as form:
                for field, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        data = await value.read()
                        upload = UploadedFile(
                            field, value.filename or "", len(data), value.content_type or "",
                            hashlib.sha256(data).hexdigest(),
                        )  # fmt: skip
                        files.append((upload, data))
            return _Call(request, None, files)
        raw = await request.body()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return _Call(request, parsed, [])

    def _account(self, call: _Call) -> Account:
        return self.double.account_for(call.request.headers.get("authorization"))

    # -- endpoints ---------------------------------------------------------------------------------

    async def anonymous_token(self, call: _Call) -> Response:
        client_id = call.request.headers.get("x-client-id", "")
        if not client_id or len(client_id) > 64:
            raise ApiError(http_status=400, message="X-Client-Id header required (at most 64 characters)")
        token, account = self.double.anonymous_token(client_id)
        return self.ok(
            {
                "token": token.value,
                "credits": account.available,
                "user_id": account.user_id,
                "expires_at": _iso(token.expires_at),
            }
        )

    async def session(self, call: _Call) -> Response:
        account = self._account(call)
        body = call.body("task_name")
        session = self.double.create_session(account, str(body.get("language", "en")))
        session_id: str | int = session.session_id
        if self.config.session_id_as_number:
            session_id = int(session_id)
        return self.ok({"task_id": session.task_id, "session_id": session_id, "user_id": account.user_id})

    def _uploaded_info(
        self, call: _Call, name: str, kind: str, media: dict[str, float], digest: str
    ) -> dict[str, Any]:
        cdn_url = f"{call.request.base_url}cdn/{digest[:16]}/{name}"
        return {"filename": name, "file_type": kind, "cdn_url": cdn_url, **media, "hash": digest}

    async def upload(self, call: _Call) -> Response:
        session = self.double.session_for(self._account(call), call.param("sid"))
        infos: list[dict[str, Any]] = []
        if call.files:
            for upload, data in call.files:
                kind = _file_type(upload.filename)
                if upload.size > self.config.max_upload_bytes:
                    raise ApiError(4002, message=f"file too large: {upload.filename}")
                infos.append(self._uploaded_info(call, upload.filename, kind, _probe(data), upload.sha256))
        else:
            for url in call.body("urls")["urls"]:
                name = PurePosixPath(urlparse(str(url)).path).name
                digest = hashlib.sha256(str(url).encode()).hexdigest()
                infos.append(self._uploaded_info(call, name, _file_type(name), _URL_MEDIA, digest))
        for info in infos:
            session.draft = add_media(session.draft, info)
        session.video_infos.extend(infos)
        return self.ok({"files": infos, "session_state_applied": True})

    async def run_sse(self, call: _Call) -> Response:
        account = self._account(call)
        body = call.body("app_name", "session_id", "new_message")
        try:
            message = str(body["new_message"]["parts"][0]["text"])
        except (KeyError, IndexError, TypeError) as exc:
            raise ApiError(http_status=422, message="new_message.parts[0].text is required") from exc
        session = self.double.session_for(account, body["session_id"])
        behaviour = self.double.next_turn()
        cost = self.double.begin_turn(account, session, message)
        script = turn_script(behaviour, message, apply_instruction(session.draft, message)[1], self.config)
        finish = _Once(
            lambda: self.double.end_turn(account, session, message, cost, landed=behaviour != "error")
        )
        pauses = sum(step.seconds for step in script if isinstance(step, Pause))
        lands_after = seconds_until_apply(script)
        asyncio.get_running_loop().call_later(
            (pauses if lands_after is None else lands_after) + _GUARD_SLACK_S, finish
        )
        return _TurnStream(self._stream(script, finish), media_type="text/event-stream")

    async def _stream(self, script: list[Step], finish: _Once) -> AsyncIterator[bytes]:
        family, beats, partials = (
            self.config.stream_family,
            self.config.heartbeat_style,
            self.config.agentkit_partials,
        )
        for index, step in enumerate(script):
            if isinstance(step, Pause):
                await asyncio.sleep(step.seconds)
            elif isinstance(step, Apply):
                finish()
            elif isinstance(step, Drop):
                raise _Dropped
            else:
                yield encode_event(step, family, beats, partials, f"evt_{index}")
        finish()

    async def state(self, call: _Call) -> Response:
        session = self.double.session_for(self._account(call), call.param("sid"))
        return self.ok({"state": session.state()})

    async def credits(self, call: _Call) -> Response:
        account = self._account(call)
        total = account.available + account.frozen
        return self.ok({"available": account.available, "frozen": account.frozen, "total": total})

    async def render_submit(self, call: _Call) -> Response:
        account = self._account(call)
        if not all(call.request.headers.get(h) for h in _ATTRIBUTION):
            raise ApiError(http_status=402, message="export is not available on this plan")
        body = call.body("id", "sessionId", "draft")
        session = self.double.session_for(account, body["sessionId"])
        render_id = str(body["id"])
        if render_id in self.double.renders:
            raise ApiError(http_status=409, message="render id already used")
        outcome = self.config.render_outcome if is_exportable(body["draft"]) else "failed"
        job = RenderJob(
            render_id, session.session_id, body["draft"], self.double.output, outcome, time.time()
        )
        self.double.renders[render_id] = job
        return self.ok({"id": render_id, "status": "pending"})

    def _job(self, call: _Call) -> RenderJob:
        job = self.double.renders.get(call.param("rid"))
        if job is None:
            raise ApiError(http_status=404, message="render not found")
        return job

    async def render_poll(self, call: _Call) -> Response:
        self._account(call)
        job = self._job(call)
        job.polls += 1
        now = time.time()
        status, progress = render_progress(job, now, self.config)
        if status in ("completed", "failed") and job.completed_at is None:
            job.completed_at = now
        url = f"{call.request.base_url}media/{job.render_id}.mp4"
        return JSONResponse(render_reply(job, status, progress, url, self.config.render_shape))

    def _finished_output(self, job: RenderJob) -> Response:
        if job.completed_at is None or job.outcome != "completed":
            raise ApiError(http_status=404, message="render output not available")
        return FileResponse(job.output.path, media_type="video/mp4", filename=f"{job.render_id}.mp4")

    async def render_download(self, call: _Call) -> Response:
        self._account(call)
        return self._finished_output(self._job(call))

    async def media(self, call: _Call) -> Response:
        return self._finished_output(self._job(call))

    async def claim_token(self, call: _Call) -> Response:
        body = call.body("task_id", "session_id")
        session = self.double.session_for(self._account(call), body["session_id"])
        if body["task_id"] != session.task_id:
            raise ApiError(1002, message="task not found for this session")
        expires_at = _iso(time.time() + self.config.token_lifetime_s)
        return self.ok({"claim_token": f"clm_{secrets.token_hex(12)}", "expires_at": expires_at})


class _Once:
    """Call `action` the first time only: the stream and its safety-net timer both try to end a turn."""

    def __init__(self, action: Callable[[], None]) -> None:
        self._action: Callable[[], None] | None = action

    def __call__(self) -> None:
        action, self._action = self._action, None
        if action is not None:
            action()


def build_app(double: NemoDouble) -> Starlette:
    """The Starlette app serving `double`."""
    api = _Api(double)
    return Starlette(
        routes=[
            api.route("POST", "/api/auth/anonymous-token", "anonymous_token", api.anonymous_token),
            api.route("POST", "/api/tasks/me/with-session/nemo_agent", "session", api.session),
            api.route("POST", "/api/upload-video/nemo_agent/me/{sid}", "upload", api.upload),
            api.route("POST", "/run_sse", "run_sse", api.run_sse),
            api.route("GET", "/api/state/nemo_agent/me/{sid}/latest", "state", api.state),
            api.route("GET", "/api/credits/balance/simple", "credits", api.credits),
            api.route("POST", "/api/render/proxy/lambda", "render_submit", api.render_submit),
            api.route("GET", "/api/render/proxy/lambda/{rid}", "render_poll", api.render_poll),
            api.route("GET", "/api/render/proxy/{rid}/download", "render_download", api.render_download),
            api.route("POST", "/api/auth/claim-token", "claim_token", api.claim_token),
            api.route("GET", "/media/{rid}.mp4", "media", api.media),
        ]
    )
