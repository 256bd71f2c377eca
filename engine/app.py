"""The engine's HTTP face: every endpoint of the NemoVideo profile, in its canonical shapes.

Routes are thin: check the token and the session, then hand over to the store, the upload receiver
(`engine.uploads`), the turn relay (`engine.relay`) or the render queue, and reply in the profile's envelope
(`engine.replies`). Uploaded media and finished renders are served under `/files/` by unguessable paths.
"""

from __future__ import annotations

import logging
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import anyio.to_thread
from redis.exceptions import RedisError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from engine.clamp import DraftRefusedError, clamp_draft
from engine.media import MediaInfo
from engine.probe import ProbeError, probe
from engine.relay import TurnRelay, TurnRunner
from engine.replies import ApiError, Code, api_error, json_body, ok, over_quota
from engine.settings import EngineSettings
from engine.startup import PUBLIC_PROBLEMS, dependencies
from engine.store import Account, RenderRecord, SessionNotFoundError, SessionRecord, Store, by_address
from engine.timeline import Timeline
from engine.uploads import fetch_url, receive_multipart
from engine.workload import check_workload, needs_prescale, prescale_image
from engine.workspace import claim_page

log = logging.getLogger(__name__)
ATTRIBUTION_HEADERS = ("x-skill-source", "x-skill-version", "x-skill-platform")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?")
_RENDER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_HOUR_S = 3600
RenderQueue = Callable[[RenderRecord, int], None]  # queue a render with its time budget (s)
UploadHook = Callable[[list[MediaInfo], str], object]  # stored uploads and the session's language


def _nothing(infos: list[MediaInfo], language: str) -> None:
    """No work starts at upload (an engine without speech tools)."""


@dataclass(frozen=True)
class EngineApi:
    """The route handlers, over one store, one turn runner and one way to queue a render (by id)."""

    settings: EngineSettings
    store: Store
    run_turn: TurnRunner
    enqueue_render: RenderQueue
    on_upload: UploadHook = _nothing  # e.g. queue each clip's transcription (engine.transcribe)

    # ---- accounts -------------------------------------------------------------------------------
    async def anonymous_token(self, request: Request) -> Response:
        client_id = request.headers.get("x-client-id", "").strip()
        if not client_id or len(client_id) > 64 or not client_id.isprintable():
            raise ApiError(None, "X-Client-Id header (at most 64 characters) is required", status=400)
        settings = self.settings
        hour = 3600
        if not self.store.take(
            "token-address", _address(request), settings.tokens_per_address_per_hour, hour
        ):
            raise over_quota("new accounts from this address", hour)
        if not self.store.take("token-client", client_id, settings.tokens_per_client_per_hour, hour):
            raise over_quota("new tokens for this client", hour)
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
        # Beyond the profile: what an edit turn costs here (0 unless ENGINE_CREDIT_LIMIT), so the bot can say
        # what is true for this backend rather than the cloud's prices.
        turn_cost = self.settings.turn_cost if self.settings.credit_limit else 0
        balance = {"available": credits.available, "frozen": credits.frozen, "total": credits.total}
        return ok({**balance, "turn_cost": turn_cost})

    async def claim_token(self, request: Request) -> Response:
        account = self._account(request)
        body = await json_body(request, self.settings.json_max_bytes)
        session = self._session(str(body.get("session_id", "")), account)
        if str(body.get("task_id", "")) != session.task_id:
            raise ApiError(Code.SESSION, "session not found")
        return ok({"claim_token": self.store.create_claim(session)})

    # ---- sessions -------------------------------------------------------------------------------
    async def create_session(self, request: Request) -> Response:
        account = self._account(request)
        body = await json_body(request, self.settings.json_max_bytes)
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
        self._check_upload_quota(request, account)
        folder = self.settings.data_dir / "tmp" / secrets.token_hex(8)
        folder.mkdir(parents=True)
        try:
            received = await self._receive(request, folder)
            if not received:
                raise ApiError(Code.BAD_REQUEST, "no file in the request (multipart field `files`)")
            probed = [await anyio.to_thread.run_sync(self._probe, path, name) for path, name in received]
            self._check_stored_bytes(request, account, sum(info.size for _, info in probed))
            infos = [self._keep(path, info, account.user_id, _address(request)) for path, info in probed]
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        self.store.update_session(session.session_id, lambda current: _with_uploads(current, infos))
        await anyio.to_thread.run_sync(self.on_upload, infos, session.language)
        return ok({"files": [self._file_json(info) for info in infos], "session_state_applied": True})

    async def _receive(self, request: Request, folder: Path) -> list[tuple[Path, str]]:
        limits = (self.settings.upload_max_bytes, self.settings.upload_max_files)
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            return await receive_multipart(request, folder, *limits)
        body = await json_body(request, self.settings.json_max_bytes)
        urls = body.get("urls")
        if not isinstance(urls, list) or not all(isinstance(url, str) for url in urls):
            raise ApiError(Code.BAD_REQUEST, 'send multipart `files`, or JSON {"urls": [...]}')
        if len(urls) > self.settings.upload_max_files:
            raise ApiError(Code.BAD_REQUEST, f"at most {self.settings.upload_max_files} files at once")
        return [await fetch_url(url, folder / f"url{i}", self.settings) for i, url in enumerate(urls)]

    def _probe(self, path: Path, name: str) -> tuple[Path, MediaInfo]:
        """Probe an upload, shrink a huge picture (probing the result), and refuse a resource bomb."""
        try:
            info = probe(path, self.settings)
            if needs_prescale(info, self.settings):
                path = prescale_image(path, self.settings)
                info = probe(path, self.settings)
            check_workload(info, self.settings)
        except ProbeError as error:
            raise ApiError(Code.UNSUPPORTED, f"{name}: {error}", reason=error.reason) from None
        return path, replace(info, filename=name)

    def _check_upload_quota(self, request: Request, account: Account) -> None:
        settings, hour = self.settings, 3600
        if not self.store.take("upload-client", account.user_id, settings.uploads_per_client_per_hour, hour):
            raise over_quota("uploads", hour)
        if not self.store.take(
            "upload-address", _address(request), settings.uploads_per_address_per_hour, hour
        ):
            raise over_quota("uploads from this address", hour)
        self._check_stored_bytes(request, account, 1)

    def _check_stored_bytes(self, request: Request, account: Account, incoming: int) -> None:
        """Room for `incoming` more bytes, for the client and for its address (old files expire)."""
        settings, address = self.settings, _address(request)
        if self.store.stored_bytes(account.user_id) + incoming > settings.stored_bytes_per_client:
            raise over_quota("stored files (old ones expire)", _HOUR_S)
        if self.store.stored_bytes(by_address(address)) + incoming > settings.stored_bytes_per_address:
            raise over_quota("stored files from this address (old ones expire)", _HOUR_S)

    def _keep(self, path: Path, info: MediaInfo, user_id: str, address: str) -> MediaInfo:
        """Move a probed upload to its public, unguessable place (named by a random id, not by its name),
        recorded so that it expires with the retention and counts towards the owner's stored bytes."""
        file_id = secrets.token_hex(16)
        relative = f"files/media/{file_id}.{info.format}"
        target = self.settings.data_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
        self.store.track_file(user_id, relative, info.size, address=address)
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
        body = await json_body(request, self.settings.json_max_bytes)
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
        turn = TurnRelay(self.settings, self.store, self.run_turn, session, text, held)
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
        body = await json_body(request, self.settings.json_max_bytes)
        session = self._session(str(body.get("sessionId", "")), account)
        render_id = str(body.get("id", ""))
        if not _RENDER_ID.fullmatch(render_id):
            raise ApiError(Code.BAD_REQUEST, "id must be 1-64 letters, digits, '_' or '-'")
        sent = body.get("draft")
        draft: dict[str, Any] = sent if isinstance(sent, dict) and sent else session.draft
        if not any(track.get("sg") for track in draft.get("t") or [] if isinstance(track, dict)):
            raise ApiError(Code.BAD_REQUEST, "the timeline is empty: nothing to export")
        if self.store.active_renders(account.user_id) >= self.settings.renders_active_per_client:
            raise over_quota("renders at once: wait for one to finish", 30)
        if (
            self.store.active_renders(by_address(_address(request)))
            >= self.settings.renders_active_per_address
        ):
            raise over_quota("renders at once from this address: wait for one to finish", 30)
        limits = self.settings.draft_limits()
        try:  # the client's draft is re-timed against the real sources before anything trusts it
            timeline = clamp_draft(draft, session.media, limits)
        except DraftRefusedError as error:
            raise ApiError(Code.BAD_REQUEST, str(error)) from None
        except (ValueError, TypeError, AttributeError, KeyError):
            raise ApiError(Code.BAD_REQUEST, "the draft is malformed") from None
        record = RenderRecord(
            render_id=render_id,
            user_id=account.user_id,
            session_id=session.session_id,
            draft=timeline.to_draft(),
            output_path=f"files/renders/{secrets.token_hex(16)}/{render_id}.mp4",
            address=_address(request),
        )
        if not self.store.create_render(record):
            raise ApiError(Code.CONFLICT, "this render id is taken; use a new one")
        self.enqueue_render(record, limits.budget_s(timeline))
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
        """Whether the engine can work: Redis, a writable data folder, FFmpeg and fonts (HTTP 503 if not);
        anyone may ask, so the reply names what is wrong and the log says where."""
        problems = await anyio.to_thread.run_sync(
            dependencies, self.settings.redis_url, self.settings.data_dir, self.settings.font_folders
        )
        for problem in problems.values():
            log.warning("health: %s", problem)
        checks = {name: PUBLIC_PROBLEMS[name] if name in problems else "ok" for name in PUBLIC_PROBLEMS}
        if problems:
            first = PUBLIC_PROBLEMS[next(iter(problems))]
            body = {"msg": first, "data": {"status": "unavailable", "checks": checks}}
            return JSONResponse(body, status_code=503)
        return ok({"status": "ok", "checks": checks})

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


def _address(request: Request) -> str:
    """The client's network address, for per-address quotas (the peer: run behind a proxy that sets it)."""
    return request.client.host if request.client else "unknown"


def _with_uploads(session: SessionRecord, infos: list[MediaInfo]) -> SessionRecord:
    """The session with new uploads known, and their pictures appended to the video track."""
    timeline = Timeline.from_draft(session.draft)
    for info in infos:
        if info.kind != "audio":  # sound files wait to be used as music
            timeline = timeline.append_clip(info)
    media = {**session.media, **{info.file_id: info for info in infos}}
    changed = any(info.kind != "audio" for info in infos)
    return replace(session.with_draft(timeline.to_draft()) if changed else session, media=media)


def create_app(
    settings: EngineSettings,
    store: Store,
    run_turn: TurnRunner,
    enqueue_render: RenderQueue,
    on_upload: UploadHook = _nothing,
) -> Starlette:
    """The engine's ASGI app; `on_upload` is told of every stored upload (it must not raise)."""
    api = EngineApi(settings, store, run_turn, enqueue_render, on_upload)
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
        Route("/workspace/claim", partial(claim_page, store)),
        Mount("/files", StaticFiles(directory=files)),
    ]
    handlers = {
        ApiError: api_error,
        SessionNotFoundError: api_error,
        RedisError: _unavailable,
        Exception: _failed,
    }
    return Starlette(routes=routes, exception_handlers=handlers)


async def _unavailable(request: Request, exc: Exception) -> Response:
    """Redis went away: the profile's error shape with HTTP 503, never a bare 500."""
    return await api_error(request, ApiError(None, "the engine's storage is unavailable; try again", 503))


async def _failed(request: Request, exc: Exception) -> Response:
    """Anything unforeseen: a JSON error body (the traceback goes to the log, not to the client)."""
    return await api_error(request, ApiError(None, "internal error", 500))
