"""`NemoClient`: one synchronous method per endpoint of the NemoVideo profile (`shared/nemo-protocol.md`).

The client sends exactly one documented form, reads every documented form into `worker.nemo.models`, and
turns every failure into a `NemoError`. It only speaks the protocol: no retries, no waiting, no decisions,
which belong to the jobs. It never logs a URL or a header, since both can carry secrets.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from .errors import (
    BadRequestError,
    ClientIdMissingError,
    DownloadTooLargeError,
    NemoError,
    ProtocolError,
    TransportError,
    error_from_response,
    scrub,
)
from .models import AnonymousToken, Credits, RenderStatus, SessionInfo, SessionState, UploadResult
from .stream import StreamEvent, iter_events, iter_lines

_AGENT = "nemo_agent"
_ModelT = TypeVar("_ModelT", bound=BaseModel)


class NemoClient:
    """A synchronous client of the NemoVideo agent API, or of the self-hosted engine that speaks it.

    `timeout_s` bounds every ordinary call; uploads and downloads wait up to `upload_timeout_s` for the
    next bytes, and a turn's stream up to `stream_read_timeout_s` between events.
    """

    def __init__(
        self,
        base_url: str,
        *,
        skill_source: str,
        skill_version: str,
        skill_platform: str,
        timeout_s: float = 30.0,
        upload_timeout_s: float = 600.0,
        stream_read_timeout_s: float = 600.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._transfer_timeout = httpx.Timeout(timeout_s, read=upload_timeout_s, write=upload_timeout_s)
        self._stream_timeout = httpx.Timeout(timeout_s, read=stream_read_timeout_s)
        self._http = httpx.Client(
            base_url=base_url,
            headers={
                "X-Skill-Source": skill_source,
                "X-Skill-Version": skill_version,
                "X-Skill-Platform": skill_platform,
            },
            timeout=httpx.Timeout(timeout_s),
            transport=transport,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    # --- endpoints -----------------------------------------------------------------------------

    def anonymous_token(self, client_id: str) -> AnonymousToken:
        """A new anonymous token for this client id (the only call without a bearer token)."""
        body = self._call(
            "anonymous-token",
            "POST",
            "/api/auth/anonymous-token",
            token=None,
            headers={"X-Client-Id": client_id},
            bad_request=ClientIdMissingError,
        )
        return _parse(AnonymousToken, _data("anonymous-token", body), "anonymous-token")

    def create_session(self, token: str, language: str) -> SessionInfo:
        """A new editing session whose agent answers in `language` (`en`, `hi`, `zh-CN`, …)."""
        body = self._call(
            "create-session",
            "POST",
            f"/api/tasks/me/with-session/{_AGENT}",
            token=token,
            json={"task_name": "project", "language": language},
        )
        return _parse(SessionInfo, _data("create-session", body), "create-session")

    def upload_file(
        self, token: str, session_id: str, path: Path, filename: str, content_type: str | None = None
    ) -> UploadResult:
        """Upload one file as multipart field `files`, streamed from disk (content type guessed if None)."""
        with path.open("rb") as file:
            body = self._call(
                "upload",
                "POST",
                _upload_path(session_id),
                token=token,
                files={"files": (filename, file, content_type)},
                timeout=self._transfer_timeout,
            )
        return _parse(UploadResult, _data("upload", body), "upload")

    def upload_urls(self, token: str, session_id: str, urls: list[str]) -> UploadResult:
        """Have the backend fetch files by URL into the session."""
        body = self._call(
            "upload-urls",
            "POST",
            _upload_path(session_id),
            token=token,
            json={"urls": urls, "source_type": "url"},
            timeout=self._transfer_timeout,
        )
        return _parse(UploadResult, _data("upload-urls", body), "upload-urls")

    @contextmanager
    def stream_turn(self, token: str, session_id: str, text: str) -> Iterator[Iterator[StreamEvent]]:
        """Send one message to the agent and iterate over its events until the backend closes the stream.

        Errors before the stream starts raise at `with`; a dropped connection raises `TransportError` from
        the iterator. The turn must never be re-sent on failure: it would run (and charge) twice.
        """
        body = {
            "app_name": _AGENT,
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"parts": [{"text": text}]},
        }
        request = self._request(
            "turn",
            "POST",
            "/run_sse",
            token=token,
            json=body,
            headers={"Accept": "text/event-stream"},
            timeout=self._stream_timeout,
        )
        response = self._send("turn", request, stream=True)
        try:
            _check_streamed_reply("turn", response, expected="an event stream")
            yield _turn_events(response)
        finally:
            response.close()

    def state(self, token: str, session_id: str) -> SessionState:
        """The latest state of the session (draft, media, analyses)."""
        path = f"/api/state/{_AGENT}/me/{quote(session_id, safe='')}/latest"
        body = self._call("state", "GET", path, token=token)
        data = _data("state", body)
        return _parse(SessionState, data.get("state") or {}, "state")

    def credits(self, token: str) -> Credits:
        """The account's credit balance."""
        body = self._call("credits", "GET", "/api/credits/balance/simple", token=token)
        return _parse(Credits, _data("credits", body), "credits")

    def submit_render(self, token: str, session_id: str, draft: dict[str, Any], render_id: str) -> None:
        """Start rendering `draft` as MP4 under `render_id`, which must be new (see `new_render_id`)."""
        self._call(
            "render",
            "POST",
            "/api/render/proxy/lambda",
            token=token,
            json={
                "id": render_id,
                "sessionId": session_id,
                "draft": draft,
                "output": {"format": "mp4", "quality": "high"},
            },
        )

    def render_status(self, token: str, render_id: str) -> RenderStatus:
        """Where the render is, read from any of the three documented reply shapes."""
        path = f"/api/render/proxy/lambda/{quote(render_id, safe='')}"
        return _parse(RenderStatus, self._call("render-status", "GET", path, token=token), "render-status")

    def download(self, url: str, dest: Path, token: str | None = None, limit: int | None = None) -> int:
        """Stream `url` into `dest` and return the number of bytes written.

        Bytes go to a `.part` file renamed at the end, so `dest` exists only when complete. Send `token`
        only to the backend itself: it is a bearer token. Past `limit` bytes the download stops with a
        `DownloadTooLargeError`.
        """
        return self._download("download", url, dest, token, limit)

    def download_render(self, token: str, render_id: str, dest: Path) -> int:
        """Download a finished render through the backend's proxy, the fallback when its URL fails."""
        path = f"/api/render/proxy/{quote(render_id, safe='')}/download"
        return self._download("download-render", path, dest, token)

    def claim_token(self, token: str, task_id: str, session_id: str) -> str:
        """A claim token that opens the session in NemoVideo's web editor (see `claim_url`)."""
        body = self._call(
            "claim-token",
            "POST",
            "/api/auth/claim-token",
            token=token,
            json={"task_id": task_id, "session_id": session_id},
        )
        claim = _data("claim-token", body).get("claim_token")
        if not isinstance(claim, str) or not claim:
            raise ProtocolError("claim-token: the reply has no claim_token")
        return claim

    # --- plumbing ------------------------------------------------------------------------------

    def _request(
        self,
        op: str,
        method: str,
        url: str,
        *,
        token: str | None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Request:
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        try:
            return self._http.build_request(method, url, headers=all_headers, **kwargs)
        except httpx.InvalidURL as exc:
            raise _transport_error(op, exc) from None

    def _send(self, op: str, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        try:
            return self._http.send(request, stream=stream, follow_redirects=True)
        except httpx.HTTPError as exc:
            raise _transport_error(op, exc) from None

    def _call(
        self,
        op: str,
        method: str,
        url: str,
        *,
        token: str | None,
        bad_request: type[NemoError] = BadRequestError,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Send a request, raise the error its reply stands for, and return the reply's JSON object."""
        response = self._send(op, self._request(op, method, url, token=token, **kwargs))
        body = _json_or_none(response)
        error = error_from_response(response.status_code, body, response.headers, bad_request=bad_request)
        if error is not None:
            raise error
        if not isinstance(body, dict):
            raise ProtocolError(f"{op}: the reply is not a JSON object", http_status=response.status_code)
        return body

    def _download(self, op: str, url: str, dest: Path, token: str | None, limit: int | None = None) -> int:
        request = self._request(op, "GET", url, token=token, timeout=self._transfer_timeout)
        response = self._send(op, request, stream=True)
        part = dest.with_name(dest.name + ".part")
        try:
            _check_streamed_reply(op, response, expected="media")
            written = 0
            with part.open("wb") as file:
                for chunk in response.iter_bytes():
                    written += file.write(chunk)
                    if limit is not None and written > limit:
                        raise DownloadTooLargeError(f"{op}: more than {limit} bytes")
            part.replace(dest)
            return written
        except httpx.HTTPError as exc:
            raise _transport_error(op, exc) from None
        finally:
            response.close()
            part.unlink(missing_ok=True)


def _turn_events(response: httpx.Response) -> Iterator[StreamEvent]:
    try:
        yield from iter_events(iter_lines(response.iter_text()))
    except httpx.HTTPError as exc:
        raise _transport_error("turn", exc) from None


def _check_streamed_reply(op: str, response: httpx.Response, *, expected: str) -> None:
    """Raise when a streamed reply is an error, or JSON where bytes of another kind were expected.

    Errors come as HTTP 200 with a JSON `code` too, so the content type is checked, not only the status.
    """
    is_json = "json" in response.headers.get("content-type", "")
    if response.is_success and not is_json:
        return
    try:
        response.read()
    except httpx.HTTPError as exc:
        raise _transport_error(op, exc) from None
    body = _json_or_none(response)
    error = error_from_response(response.status_code, body, response.headers)
    if error is not None:
        raise error
    raise ProtocolError(f"{op}: expected {expected}, got JSON", http_status=response.status_code)


def _upload_path(session_id: str) -> str:
    return f"/api/upload-video/{_AGENT}/me/{quote(session_id, safe='')}"


def _json_or_none(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def _data(op: str, body: Mapping[str, Any]) -> dict[str, Any]:
    data = body.get("data")
    if not isinstance(data, dict):
        raise ProtocolError(f"{op}: the reply has no data object")
    return data


def _parse(model: type[_ModelT], data: object, op: str) -> _ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # Never str(exc): pydantic quotes the input, which may hold a token.
        fields = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'reply'}: {e['msg']}"
            for e in exc.errors(include_url=False, include_input=False)
        )
        raise ProtocolError(f"{op}: unreadable reply ({fields})") from None


def _transport_error(op: str, exc: Exception) -> TransportError:
    # The cause is dropped ("from None") because httpx's messages may quote a URL, and download URLs can
    # carry secrets (signed CDN links, Telegram file links).
    detail = scrub(str(exc))
    return TransportError(f"{op}: {type(exc).__name__}" + (f": {detail}" if detail else ""))


def new_render_id() -> str:
    """A fresh render id, `render_<ms>_<random>`: the backend requires a new id for every submit."""
    return f"render_{time.time_ns() // 1_000_000}_{secrets.token_hex(3)}"


def claim_url(web_url: str, claim_token: str) -> str:
    """The browser link that opens a claimed session in NemoVideo's web editor."""
    return f"{web_url.rstrip('/')}/workspace/claim?ct={quote(claim_token, safe='')}"


def registration_url(web_url: str, user_id: str) -> str:
    """The registration link that binds an anonymous account's work to a new registered account."""
    return f"{web_url.rstrip('/')}/register?bind={quote(user_id, safe='')}"
