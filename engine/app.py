"""The engine's HTTP face: every endpoint of the NemoVideo profile, in its canonical shapes.

Routes are thin: check the token and the session, then hand over to the store, the turn runner or the render
queue, and reply `{"code": 0, "data": ...}` or `{"code": N, "msg": ...}` (HTTP 200). Two refusals are HTTP
statuses instead, as the cloud does them: a missing `X-Client-Id` (400) and an export without attribution
headers (402). Uploaded media and finished renders are served under `/files/` by unguessable paths.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import re
import secrets
import shutil
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import IntEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import anyio
import anyio.to_thread
import httpx
from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from engine.errors import EngineError
from engine.media import MediaInfo
from engine.probe import ProbeError, probe
from engine.settings import MB, EngineSettings
from engine.store import Account, RenderRecord, SessionNotFoundError, SessionRecord, Store
from engine.timeline import Timeline
from engine.turn import Heartbeat, NewDraft, TextOut, ToolCall, ToolResult, TurnEvent, UndoRequest

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

log = logging.getLogger(__name__)

TurnRunner = Callable[[str, str, dict[str, Any], Sequence[MediaInfo], Path], Iterator[TurnEvent]]
ATTRIBUTION_HEADERS = ("x-skill-source", "x-skill-version", "x-skill-platform")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?")
_RENDER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_MAX_FIELD_BYTES = 64 * 1024
_END = object()


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
    """A refusal: `{"code", "msg"}` with HTTP 200, or a bare HTTP status (`status`) with only a `msg`."""

    def __init__(self, code: Code | None, msg: str, status: int = 200) -> None:
        super().__init__(msg)
        self.code, self.msg, self.status = code, msg, status


def ok(data: Mapping[str, Any]) -> JSONResponse:
    """The success envelope."""
    return JSONResponse({"code": Code.OK, "msg": "ok", "data": data})


@dataclass(frozen=True)
class EngineApi:
    """The route handlers, over one store, one turn runner and one way to queue a render (by id)."""

    settings: EngineSettings
    store: Store
    run_turn: TurnRunner
    enqueue_render: Callable[[str], None]

    # ---- accounts -------------------------------------------------------------------------------
    async def anonymous_token(self, request: Request) -> Response:
        client_id = request.headers.get("x-client-id", "").strip()
        if not client_id or len(client_id) > 64 or not client_id.isprintable():
            raise ApiError(None, "X-Client-Id header (at most 64 characters) is required", status=400)
        settings = self.settings
        account = self.store.issue_token(
            client_id, free_credits=settings.free_credits, ttl_s=settings.token_ttl_s
        )
        credits = self.store.credits(account.user_id)
        expires_at = datetime.fromtimestamp(account.expires_at, UTC).isoformat().replace("+00:00", "Z")
        return ok(
            {
                "token": account.token,
                "credits": credits.available,
                "user_id": account.user_id,
                "expires_at": expires_at,
            }
        )

    async def credits(self, request: Request) -> Response:
        credits = self.store.credits(self._account(request).user_id)
        return ok({"available": credits.available, "frozen": credits.frozen, "total": credits.total})

    async def claim_token(self, request: Request) -> Response:
        account = self._account(request)
        body = await _json_body(request)
        session = self._session(str(body.get("session_id", "")), account)
        if str(body.get("task_id", "")) != session.task_id:
            raise ApiError(Code.SESSION, "session not found")
        return ok({"claim_token": self.store.create_claim(session)})

    # ---- sessions -------------------------------------------------------------------------------
    async def create_session(self, request: Request) -> Response:
        account = self._account(request)
        body = await _json_body(request)
        language = str(body.get("language") or "en")
        if not _LANGUAGE.fullmatch(language):
            raise ApiError(Code.BAD_REQUEST, "language must be a code such as en, hi or zh-CN")
        session = self.store.create_session(account.user_id, language, draft={})
        return ok({"task_id": session.task_id, "session_id": session.session_id, "user_id": account.user_id})

    async def state(self, request: Request) -> Response:
        session = self._session(request.path_params["sid"], self._account(request))
        canvas = Timeline.from_draft(session.draft).canvas if session.draft else None
        state = {
            "draft": session.draft,
            "video_infos": [self._file_json(info) for info in session.media.values()],
            "generated_media": [],
            "canvas_config": {"width": canvas.width, "height": canvas.height, "aspect": canvas.aspect}
            if canvas
            else {},
            "video_analyses": [],
        }
        return ok({"state": state})

    # ---- uploads --------------------------------------------------------------------------------
    async def upload(self, request: Request) -> Response:
        account = self._account(request)
        session = self._session(request.path_params["sid"], account)
        folder = self.settings.data_dir / "tmp" / secrets.token_hex(8)
        folder.mkdir(parents=True)
        try:
            received = await self._receive(request, folder)
            if not received:
                raise ApiError(Code.BAD_REQUEST, "no file in the request (multipart field `files`)")
            probed = [await anyio.to_thread.run_sync(self._probe, path, name) for path, name in received]
            infos = [self._keep(path, info) for path, info in probed]
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        self.store.update_session(session.session_id, lambda current: _with_uploads(current, infos))
        return ok({"files": [self._file_json(info) for info in infos], "session_state_applied": True})

    async def _receive(self, request: Request, folder: Path) -> list[tuple[Path, str]]:
        limits = (self.settings.upload_max_bytes, self.settings.upload_max_files)
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            return await _receive_multipart(request, folder, *limits)
        body = await _json_body(request)
        urls = body.get("urls")
        if not isinstance(urls, list) or not all(isinstance(url, str) for url in urls):
            raise ApiError(Code.BAD_REQUEST, 'send multipart `files`, or JSON {"urls": [...]}')
        if len(urls) > self.settings.upload_max_files:
            raise ApiError(Code.BAD_REQUEST, f"at most {self.settings.upload_max_files} files at once")
        return [await _fetch_url(url, folder / f"url{i}", self.settings) for i, url in enumerate(urls)]

    def _probe(self, path: Path, name: str) -> tuple[Path, MediaInfo]:
        try:
            info = probe(path, self.settings)
        except ProbeError as error:
            raise ApiError(Code.UNSUPPORTED, f"{name}: {error}") from None
        return path, replace(info, filename=name)

    def _keep(self, path: Path, info: MediaInfo) -> MediaInfo:
        """Move a probed upload to its public, unguessable place; named by content, not by its name."""
        file_id = secrets.token_hex(16)
        relative = f"files/media/{file_id}.{info.format}"
        target = self.settings.data_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
        return replace(info, file_id=file_id, path=relative)

    def _file_json(self, info: MediaInfo) -> dict[str, Any]:
        return {
            "file_id": info.file_id,
            "filename": info.filename,
            "file_type": info.kind,
            "cdn_url": f"{self.settings.public_base_url}/{info.path}",
            "duration": info.duration_s,
            "width": info.width,
            "height": info.height,
            "fps": info.fps,
            "size": info.size,
        }

    # ---- the editing turn -----------------------------------------------------------------------
    async def run_sse(self, request: Request) -> Response:
        account = self._account(request)
        body = await _json_body(request)
        session = self._session(str(body.get("session_id", "")), account)
        message = body.get("new_message")
        parts = message.get("parts") if isinstance(message, dict) else None
        texts = [p["text"] for p in parts or [] if isinstance(p, dict) and isinstance(p.get("text"), str)]
        text = "\n".join(texts).strip()
        if not text:
            raise ApiError(Code.BAD_REQUEST, "new_message.parts[].text is required")
        held = 0
        if self.settings.credit_limit:
            held = self.settings.turn_cost
            if not self.store.freeze(account.user_id, held):
                link = self.settings.register_url
                raise ApiError(
                    Code.CREDITS, f"Out of credits. Register or top up: {link}" if link else "Out of credits."
                )
        turn = _Turn(self, session, text, held)
        return StreamingResponse(
            turn.start(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    # ---- renders --------------------------------------------------------------------------------
    async def submit_render(self, request: Request) -> Response:
        if not all(request.headers.get(name, "").strip() for name in ATTRIBUTION_HEADERS):
            raise ApiError(None, "export needs the X-Skill-Source/Version/Platform headers", status=402)
        account = self._account(request)
        body = await _json_body(request)
        session = self._session(str(body.get("sessionId", "")), account)
        render_id = str(body.get("id", ""))
        if not _RENDER_ID.fullmatch(render_id):
            raise ApiError(Code.BAD_REQUEST, "id must be 1-64 letters, digits, '_' or '-'")
        sent = body.get("draft")
        draft: dict[str, Any] = sent if isinstance(sent, dict) and sent else session.draft
        if not any(track.get("sg") for track in draft.get("t") or [] if isinstance(track, dict)):
            raise ApiError(Code.BAD_REQUEST, "the timeline is empty: nothing to export")
        record = RenderRecord(
            render_id=render_id,
            user_id=account.user_id,
            session_id=session.session_id,
            draft=draft,
            output_path=f"files/renders/{secrets.token_hex(16)}/{render_id}.mp4",
        )
        if not self.store.create_render(record):
            raise ApiError(Code.CONFLICT, "this render id is taken; use a new one")
        self.enqueue_render(render_id)
        return ok({"id": render_id, "status": record.status})

    async def poll_render(self, request: Request) -> Response:
        record = self._render(request)
        reply: dict[str, Any] = {"id": record.render_id, "status": record.status, "progress": record.progress}
        if record.status == "completed":
            url = f"{self.settings.public_base_url}/{record.output_path}"
            reply["output"] = {"url": url, "duration": record.duration_s, "size": record.size}
        if record.error:
            reply["error"] = record.error
        return JSONResponse(reply)

    async def download_render(self, request: Request) -> Response:
        record = self._render(request)
        if record.status != "completed":
            raise ApiError(Code.NOT_FOUND, f"the render is {record.status}, not completed")
        path = self.settings.data_dir / record.output_path
        return FileResponse(path, media_type="video/mp4", filename=f"{record.render_id}.mp4")

    async def health(self, request: Request) -> Response:
        return ok({"status": "ok"})

    # ---- checks shared by the routes ------------------------------------------------------------
    def _account(self, request: Request) -> Account:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        account = self.store.account(token.strip()) if scheme.lower() == "bearer" and token else None
        if account is None:
            raise ApiError(Code.TOKEN, "token unknown or expired; get a new one")
        return account

    def _session(self, session_id: str, account: Account) -> SessionRecord:
        session = self.store.session(session_id) if session_id.isdigit() else None
        if session is None or session.user_id != account.user_id:
            raise ApiError(Code.SESSION, "session not found")
        return session

    def _render(self, request: Request) -> RenderRecord:
        account = self._account(request)
        record = self.store.render(request.path_params["rid"])
        if record is None or record.user_id != account.user_id:
            raise ApiError(Code.NOT_FOUND, "render not found")
        return record


class _Turn:
    """One `/run_sse` turn. It runs in its own thread and saves its edits even if the client goes away
    (the profile's disconnect recovery reads state afterwards); the stream only relays its events."""

    def __init__(self, api: EngineApi, session: SessionRecord, text: str, held: int) -> None:
        self.api, self.session, self.text, self.held = api, session, text, held
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[object] = asyncio.Queue()

    def start(self) -> AsyncIterator[str]:
        """Start the turn now (held credits are settled however the stream ends) and return its stream."""
        threading.Thread(target=self._run, name="engine-turn", daemon=True).start()
        return self._stream()

    def _emit(self, item: object) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed at shutdown: nobody listens any more
            self.loop.call_soon_threadsafe(self.queue.put_nowait, item)

    async def _stream(self) -> AsyncIterator[str]:
        settings = self.api.settings
        deadline = self.loop.time() + settings.turn_timeout_s
        while self.loop.time() < deadline:
            try:
                item = await asyncio.wait_for(self.queue.get(), settings.heartbeat_interval_s)
            except TimeoutError:
                item = {"type": "heartbeat"}
            if item is _END:
                return
            yield f"data: {json.dumps(item, ensure_ascii=False)}\n\n"
        yield f"data: {json.dumps({'error': 'the turn took too long'})}\n\n"

    def _run(self) -> None:
        store, session, settings = self.api.store, self.session, self.api.settings
        edited = False
        try:
            events = self.api.run_turn(
                self.text, session.language, session.draft, list(session.media.values()), settings.data_dir
            )
            for event in events:
                if isinstance(event, NewDraft):
                    store.update_session(
                        session.session_id, partial(SessionRecord.with_draft, draft=event.draft)
                    )
                    edited = True
                elif isinstance(event, UndoRequest):
                    store.update_session(session.session_id, lambda current: current.undone() or current)
                else:
                    self._emit(_wire(event))
        except EngineError as error:
            self._emit({"error": str(error)})
        except Exception:
            log.exception("turn failed in session %s", session.session_id)
            self._emit({"error": "the engine failed on this turn"})
        finally:
            if self.held:
                store.settle(session.user_id, self.held, charge=edited)
            self._emit(_END)


def _wire(event: TurnEvent) -> dict[str, Any]:
    """A turn event as the profile's typed SSE payload."""
    if isinstance(event, TextOut):
        return {"type": "text", "content": event.text}
    if isinstance(event, ToolCall):
        return {"type": "tool_call", "name": event.name, "args": event.args}
    if isinstance(event, ToolResult):
        return {"type": "tool_result", "name": event.name, "result": event.result}
    if isinstance(event, Heartbeat):
        return {"type": "heartbeat"}
    raise TypeError(f"not a wire event: {event!r}")


def _with_uploads(session: SessionRecord, infos: list[MediaInfo]) -> SessionRecord:
    """The session with new uploads known, and their pictures appended to the video track."""
    timeline = Timeline.from_draft(session.draft)
    for info in infos:
        if info.kind != "audio":  # sound files wait to be used as music
            timeline = timeline.append_clip(info)
    media = {**session.media, **{info.file_id: info for info in infos}}
    changed = any(info.kind != "audio" for info in infos)
    return replace(session.with_draft(timeline.to_draft()) if changed else session, media=media)


class _PartSink:
    """Multipart callbacks that write each `files` part straight to its own file as its bytes arrive."""

    def __init__(self, folder: Path, max_bytes: int, max_files: int) -> None:
        self.folder, self.max_bytes, self.max_files = folder, max_bytes, max_files
        self.files: list[tuple[Path, str]] = []
        self._field, self._value = bytearray(), bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._out: BinaryIO | None = None
        self._seen = 0

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_part_end": self.close,
        }

    def _begin(self) -> None:
        self._headers, self._seen = {}, 0

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field.extend(data[start:end])

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value.extend(data[start:end])

    def _header_end(self) -> None:
        self._headers[bytes(self._field).lower()] = bytes(self._value)
        self._field.clear()
        self._value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        filename = options.get(b"filename")
        if options.get(b"name") != b"files" or filename is None:
            return  # other form fields are read past, not kept
        if len(self.files) >= self.max_files:
            raise ApiError(Code.BAD_REQUEST, f"at most {self.max_files} files at once")
        path = self.folder / f"part{len(self.files)}"
        self.files.append((path, _display_name(filename.decode(errors="replace"))))
        self._out = path.open("wb")

    def _data(self, data: bytes, start: int, end: int) -> None:
        self._seen += end - start
        if self._out is None:
            if self._seen > _MAX_FIELD_BYTES:
                raise ApiError(Code.BAD_REQUEST, "a form field is too large")
        elif self._seen > self.max_bytes:
            raise ApiError(Code.TOO_LARGE, f"a file is larger than {self.max_bytes // MB} MB")
        else:
            self._out.write(data[start:end])

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


async def _receive_multipart(
    request: Request, folder: Path, max_bytes: int, max_files: int
) -> list[tuple[Path, str]]:
    """Stream a multipart body to disk chunk by chunk; the files of field `files`, with their names."""
    _, options = parse_options_header(request.headers["content-type"])
    boundary = options.get(b"boundary")
    if not boundary:
        raise ApiError(Code.BAD_REQUEST, "multipart body without a boundary")
    if int(request.headers.get("content-length") or 0) > max_files * (max_bytes + _MAX_FIELD_BYTES):
        raise ApiError(Code.TOO_LARGE, f"the upload is larger than {max_bytes // MB} MB")
    sink = _PartSink(folder, max_bytes, max_files)
    parser = MultipartParser(boundary, sink.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError:
        raise ApiError(Code.BAD_REQUEST, "the multipart body is malformed") from None
    finally:
        sink.close()
    return sink.files


async def _fetch_url(url: str, path: Path, settings: EngineSettings) -> tuple[Path, str]:
    """Download an http(s) URL to `path` under the upload size limit, re-checking every redirect hop."""
    async with httpx.AsyncClient(timeout=settings.url_fetch_timeout_s, trust_env=False) as client:
        for _ in range(settings.url_fetch_max_redirects + 1):
            pinned, host = await _pin(url, settings.url_fetch_allow_private)
            try:
                async with client.stream(
                    "GET", pinned, headers={"Host": host}, extensions={"sni_hostname": urlsplit(url).hostname}
                ) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    if response.status_code != 200:
                        raise ApiError(Code.URL_REFUSED, f"the URL answered HTTP {response.status_code}")
                    await _save(response, path, settings.upload_max_bytes)
            except httpx.HTTPError:
                raise ApiError(Code.URL_REFUSED, "the download from the URL failed") from None
            name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
            return path, _display_name(name or "download")
    raise ApiError(Code.URL_REFUSED, "the URL redirects too many times")


async def _pin(url: str, allow_private: bool) -> tuple[str, str]:
    """The URL with its host replaced by the address it resolves to (checked to be public), and the Host
    header to send. Connecting to the checked address, with the real name for Host and TLS, means a DNS
    answer that changes between the check and the connection cannot lead inside."""
    parts = urlsplit(url)
    default_port = 443 if parts.scheme == "https" else 80
    try:
        port = parts.port or default_port
    except ValueError:
        port = 0
    if parts.scheme not in ("http", "https") or not parts.hostname or not port:
        raise ApiError(Code.URL_REFUSED, "only http and https URLs can be uploaded")
    try:
        found = await anyio.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except OSError:
        raise ApiError(Code.URL_REFUSED, "the URL's host name does not resolve") from None
    addresses = [str(info[4][0]) for info in found]
    if not allow_private and not all(_is_public(address) for address in addresses):
        raise ApiError(Code.URL_REFUSED, "the URL points to a private or local address")
    address, name = (f"[{a}]" if ":" in a else a for a in (addresses[0], parts.hostname))
    host = name if port == default_port else f"{name}:{port}"
    return urlunsplit(parts._replace(netloc=f"{address}:{port}")), host


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def _save(response: httpx.Response, path: Path, max_bytes: int) -> None:
    too_large = ApiError(Code.TOO_LARGE, f"the file is larger than {max_bytes // MB} MB")
    if int(response.headers.get("content-length") or 0) > max_bytes:
        raise too_large
    written = 0
    with path.open("wb") as out:
        async for chunk in response.aiter_bytes():
            written += len(chunk)
            if written > max_bytes:
                raise too_large
            out.write(chunk)


def _display_name(name: str) -> str:
    """A client-supplied file name made safe to show and store: no folders, no control characters."""
    name = "".join(ch for ch in name.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable())
    return name[:200] or "upload"


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ApiError(Code.BAD_REQUEST, "the body must be a JSON object")
    return body


async def _api_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, SessionNotFoundError):  # it expired while the request was being handled
        exc = ApiError(Code.SESSION, "session not found")
    assert isinstance(exc, ApiError)
    body = {"msg": exc.msg} if exc.code is None else {"code": exc.code, "msg": exc.msg}
    return JSONResponse(body, status_code=exc.status)


def create_app(
    settings: EngineSettings, store: Store, run_turn: TurnRunner, enqueue_render: Callable[[str], None]
) -> Starlette:
    """The engine's ASGI app."""
    api = EngineApi(settings, store, run_turn, enqueue_render)
    files = settings.data_dir / "files"
    files.mkdir(parents=True, exist_ok=True)
    routes = [
        Route("/health", api.health),
        Route("/api/auth/anonymous-token", api.anonymous_token, methods=["POST"]),
        Route("/api/auth/claim-token", api.claim_token, methods=["POST"]),
        Route("/api/credits/balance/simple", api.credits),
        Route("/api/tasks/me/with-session/nemo_agent", api.create_session, methods=["POST"]),
        Route("/api/state/nemo_agent/me/{sid}/latest", api.state),
        Route("/api/upload-video/nemo_agent/me/{sid}", api.upload, methods=["POST"]),
        Route("/run_sse", api.run_sse, methods=["POST"]),
        Route("/api/render/proxy/lambda", api.submit_render, methods=["POST"]),
        Route("/api/render/proxy/lambda/{rid}", api.poll_render),
        Route("/api/render/proxy/{rid}/download", api.download_render),
        Mount("/files", StaticFiles(directory=files)),
    ]
    return Starlette(
        routes=routes, exception_handlers={ApiError: _api_error, SessionNotFoundError: _api_error}
    )
