import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from worker.nemo import (
    AuthExpiredError,
    BadRequestError,
    ClientIdMissingError,
    Credits,
    FileTooLargeError,
    HeartbeatEvent,
    NemoClient,
    NemoError,
    OutOfCreditsError,
    PlanRequiredError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    SessionNotFoundError,
    TextEvent,
    ToolCallEvent,
    TransportError,
    UnsupportedFileError,
    claim_url,
    new_render_id,
    registration_url,
)

BASE = "https://api.nemo.test"
TOKEN = "nmv_usr_s3cret"
ATTRIBUTION = {"x-skill-source": "test-bot", "x-skill-version": "9.9", "x-skill-platform": "pytest"}
SSE = {"content-type": "text/event-stream"}
Handler = Callable[[httpx.Request], httpx.Response]


def ok(data: object) -> httpx.Response:
    return httpx.Response(200, json={"code": 0, "msg": "success", "data": data})


def canonical(request: httpx.Request) -> httpx.Response:
    """The canonical reply of every endpoint, as the profile marks it."""
    path = request.url.path
    if request.url.host == "cdn.test":
        return httpx.Response(200, content=b"cdn-bytes", headers={"content-type": "video/mp4"})
    if path == "/api/auth/anonymous-token":
        return ok(
            {
                "token": "nmv_usr_new",
                "credits": 100,
                "user_id": "anon_1",
                "expires_at": "2030-01-01T00:00:00Z",
            }
        )
    if path == "/api/tasks/me/with-session/nemo_agent":
        return ok({"task_id": "task_1", "session_id": "1234567", "user_id": "anon_1"})
    if path == "/run_sse":
        return httpx.Response(200, headers=SSE, content=b'data: {"type": "text", "content": "Done."}\n\n')
    if path.startswith("/api/upload-video/nemo_agent/me/"):
        return ok({"files": [{"filename": "clip.mp4", "duration": 5.0}], "session_state_applied": True})
    if path == "/api/credits/balance/simple":
        return ok({"available": 70, "frozen": 30, "total": 100})
    if path.endswith("/latest"):
        return ok({"state": {"draft": {"t": [{"tt": 0, "sg": [{"d": 5000}]}]}, "video_infos": [{"id": 1}]}})
    if path == "/api/render/proxy/lambda":
        return ok({"id": json.loads(request.content)["id"]})
    if path.startswith("/api/render/proxy/lambda/"):
        return httpx.Response(200, json={"status": "processing", "progress": 50})
    if path.endswith("/download"):
        return httpx.Response(200, content=b"render-bytes", headers={"content-type": "video/mp4"})
    if path == "/api/auth/claim-token":
        return ok({"claim_token": "clm_abc"})
    return httpx.Response(404)


class Backend:
    """A mock transport that records every request and answers with `handler`."""

    def __init__(self, handler: Handler = canonical) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def client(self) -> NemoClient:
        return NemoClient(
            BASE,
            skill_source="test-bot",
            skill_version="9.9",
            skill_platform="pytest",
            transport=httpx.MockTransport(self),
        )


def answer(response: httpx.Response) -> Backend:
    return Backend(lambda _request: response)


@pytest.fixture
def backend() -> Backend:
    return Backend()


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "clip.mp4"
    path.write_bytes(os.urandom(200_000))
    return path


def run_turn(client: NemoClient) -> list[object]:
    with client.stream_turn(TOKEN, "1234567", "trim") as events:
        return list(events)


CALLS: dict[str, Callable[[NemoClient, Path], object]] = {
    "anonymous_token": lambda c, _: c.anonymous_token("client-1"),
    "create_session": lambda c, _: c.create_session(TOKEN, "hi"),
    "upload_file": lambda c, p: c.upload_file(TOKEN, "1234567", p, "clip.mp4"),
    "upload_urls": lambda c, _: c.upload_urls(TOKEN, "1234567", ["https://cdn.test/a.mp4"]),
    "stream_turn": lambda c, _: run_turn(c),
    "state": lambda c, _: c.state(TOKEN, "1234567"),
    "credits": lambda c, _: c.credits(TOKEN),
    "submit_render": lambda c, _: c.submit_render(TOKEN, "1234567", {"t": []}, "render_1"),
    "render_status": lambda c, _: c.render_status(TOKEN, "render_1"),
    "download": lambda c, p: c.download(BASE + "/files/x.mp4", p.with_name("out.mp4"), TOKEN),
    "download_render": lambda c, p: c.download_render(TOKEN, "render_1", p.with_name("out.mp4")),
    "claim_token": lambda c, _: c.claim_token(TOKEN, "task_1", "1234567"),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_every_call_carries_attribution_and_the_bearer_token(backend: Backend, clip: Path, call: Any) -> None:
    if call is CALLS["download"]:
        backend.handler = lambda _r: httpx.Response(200, content=b"bytes")
    with backend.client() as client:
        call(client, clip)

    request = backend.last
    assert {name: request.headers.get(name) for name in ATTRIBUTION} == ATTRIBUTION
    if call is CALLS["anonymous_token"]:
        assert "authorization" not in request.headers
    else:
        assert request.headers["authorization"] == f"Bearer {TOKEN}"


def test_anonymous_token_sends_the_client_id_and_no_body(backend: Backend) -> None:
    token = backend.client().anonymous_token("client-1")

    request = backend.last
    assert (request.method, request.url.path) == ("POST", "/api/auth/anonymous-token")
    assert request.headers["x-client-id"] == "client-1"
    assert request.content == b""
    assert token.token.get_secret_value() == "nmv_usr_new"
    assert (token.credits, token.user_id, token.is_anonymous) == (100, "anon_1", True)


def test_anonymous_token_with_only_the_token() -> None:
    token = answer(ok({"token": "nmv_usr_new"})).client().anonymous_token("client-1")

    assert (token.credits, token.user_id, token.expires_at) == (None, None, None)
    assert token.is_anonymous


def test_anonymous_token_http_400_means_the_client_id_is_missing() -> None:
    with pytest.raises(ClientIdMissingError) as caught:
        answer(httpx.Response(400, json={"msg": "X-Client-Id required"})).client().anonymous_token("")

    assert caught.value.http_status == 400


def test_other_calls_map_http_400_to_bad_request() -> None:
    with pytest.raises(BadRequestError):
        answer(httpx.Response(400)).client().credits(TOKEN)


def test_create_session_sends_the_documented_body(backend: Backend) -> None:
    info = backend.client().create_session(TOKEN, "hi")

    request = backend.last
    assert (request.method, request.url.path) == ("POST", "/api/tasks/me/with-session/nemo_agent")
    assert json.loads(request.content) == {"task_name": "project", "language": "hi"}
    assert (info.task_id, info.session_id, info.user_id) == ("task_1", "1234567", "anon_1")


def test_create_session_accepts_a_numeric_session_id() -> None:
    info = answer(ok({"task_id": "t", "session_id": 1234567})).client().create_session(TOKEN, "en")

    assert info.session_id == "1234567"


class ChunkRecorder(httpx.BaseTransport):
    """Reads the request body chunk by chunk, as a real socket would, and answers like the backend."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.request: httpx.Request | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        self.chunks = list(request.stream)
        self.request = request
        return canonical(request)


def test_upload_file_streams_the_file_as_multipart_field_files(clip: Path) -> None:
    transport = ChunkRecorder()
    client = NemoClient(BASE, skill_source="s", skill_version="v", skill_platform="p", transport=transport)

    result = client.upload_file(TOKEN, "1234567", clip, "clip.mp4")

    assert transport.request is not None
    assert transport.request.url.path == "/api/upload-video/nemo_agent/me/1234567"
    body = b"".join(transport.chunks)
    assert b'Content-Disposition: form-data; name="files"; filename="clip.mp4"' in body
    assert b"Content-Type: video/mp4" in body
    assert clip.read_bytes() in body
    assert transport.request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert int(transport.request.headers["content-length"]) == len(body)
    # streamed from disk in chunks, not read whole into memory
    assert max(len(chunk) for chunk in transport.chunks) < clip.stat().st_size
    assert result.files[0].filename == "clip.mp4"
    assert result.session_state_applied is True


def test_upload_file_sends_the_given_name_and_content_type(backend: Backend, clip: Path) -> None:
    backend.client().upload_file(TOKEN, "1234567", clip, "मेरा वीडियो.mov", "video/quicktime")

    assert b"Content-Type: video/quicktime" in backend.last.content
    assert "मेरा वीडियो.mov".encode() in backend.last.content


def test_upload_urls_sends_the_documented_body(backend: Backend) -> None:
    result = backend.client().upload_urls(TOKEN, "1234567", ["https://cdn.test/a.mp4"])

    request = backend.last
    assert (request.method, request.url.path) == ("POST", "/api/upload-video/nemo_agent/me/1234567")
    assert json.loads(request.content) == {"urls": ["https://cdn.test/a.mp4"], "source_type": "url"}
    assert result.files[0].duration == 5.0


@pytest.mark.parametrize(
    ("code", "error"), [(4001, UnsupportedFileError), (4002, FileTooLargeError), (2001, OutOfCreditsError)]
)
def test_upload_errors_are_typed(clip: Path, code: int, error: type[NemoError]) -> None:
    client = answer(httpx.Response(200, json={"code": code})).client()

    with pytest.raises(error):
        client.upload_file(TOKEN, "1", clip, "clip.mp4")


def test_upload_through_a_proxy_that_refuses_the_size(clip: Path) -> None:
    with pytest.raises(FileTooLargeError):
        answer(httpx.Response(413, text="<html>Request Entity Too Large</html>")).client().upload_file(
            TOKEN, "1", clip, "clip.mp4"
        )


def test_state_reads_the_draft_and_parts(backend: Backend) -> None:
    state = backend.client().state(TOKEN, "1234567")

    request = backend.last
    assert (request.method, request.url.path) == ("GET", "/api/state/nemo_agent/me/1234567/latest")
    assert state.draft == {"t": [{"tt": 0, "sg": [{"d": 5000}]}]}
    assert state.video_infos == [{"id": 1}]
    assert state.generated_media == []
    assert state.is_exportable


@pytest.mark.parametrize(
    "data", [{}, {"state": None}, {"state": {}}, {"state": {"draft": {}, "video_infos": None}}]
)
def test_state_of_a_fresh_session_is_empty(data: dict[str, object]) -> None:
    state = answer(ok(data)).client().state(TOKEN, "1")

    assert (state.draft, state.video_infos, state.canvas_config) == (None, [], None)
    assert not state.is_exportable


def test_credits(backend: Backend) -> None:
    assert backend.client().credits(TOKEN) == Credits(available=70, frozen=30, total=100)
    assert (backend.last.method, backend.last.url.path) == ("GET", "/api/credits/balance/simple")


def test_submit_render_sends_the_documented_body(backend: Backend) -> None:
    draft = {"t": [{"tt": 0, "sg": [{"d": 5000, "opaque": {"x": 1}}]}]}

    backend.client().submit_render(TOKEN, "1234567", draft, "render_1_abc")

    request = backend.last
    assert (request.method, request.url.path) == ("POST", "/api/render/proxy/lambda")
    assert json.loads(request.content) == {
        "id": "render_1_abc",
        "sessionId": "1234567",
        "draft": draft,
        "output": {"format": "mp4", "quality": "high"},
    }


def test_submit_render_on_the_free_plan_needs_a_plan() -> None:
    with pytest.raises(PlanRequiredError):
        answer(httpx.Response(402)).client().submit_render(TOKEN, "1", {}, "render_1")


@pytest.mark.parametrize(
    "reply",
    [
        {
            "status": "completed",
            "progress": 100,
            "output": {"url": "https://cdn.test/r.mp4", "duration": 5, "size": 9},
        },
        {
            "success": True,
            "data": {
                "id": "render_1",
                "status": "completed",
                "progress": 100,
                "outputUrl": "https://cdn.test/r.mp4",
                "createdAt": "x",
                "completedAt": "y",
            },
        },
        {"status": "completed", "progress": 100, "outputUrl": "https://cdn.test/r.mp4", "error": None},
    ],
    ids=["canonical", "success-data", "top-level-outputUrl"],
)
def test_render_status_reads_all_three_shapes(reply: dict[str, object]) -> None:
    backend = answer(httpx.Response(200, json=reply))

    status = backend.client().render_status(TOKEN, "render_1")

    assert (backend.last.method, backend.last.url.path) == ("GET", "/api/render/proxy/lambda/render_1")
    assert status.is_done
    assert status.url == "https://cdn.test/r.mp4"


def test_render_status_without_a_status_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        answer(httpx.Response(200, json={"progress": 5})).client().render_status(TOKEN, "render_1")


def test_claim_token(backend: Backend) -> None:
    claim = backend.client().claim_token(TOKEN, "task_1", "1234567")

    assert claim == "clm_abc"
    assert json.loads(backend.last.content) == {"task_id": "task_1", "session_id": "1234567"}
    assert (backend.last.method, backend.last.url.path) == ("POST", "/api/auth/claim-token")


def test_claim_token_missing_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        answer(ok({})).client().claim_token(TOKEN, "t", "s")


ERROR_REPLIES = [
    (httpx.Response(200, json={"code": 1001, "msg": "token expired"}), AuthExpiredError),
    (httpx.Response(401, json={"code": 1001, "msg": "token expired"}), AuthExpiredError),
    (httpx.Response(200, json={"code": 1002, "msg": "session not found"}), SessionNotFoundError),
    (httpx.Response(404, json={"code": 1002}), SessionNotFoundError),
    (httpx.Response(200, json={"code": 2001, "msg": "insufficient credits"}), OutOfCreditsError),
    (httpx.Response(403, json={"code": 2001}), OutOfCreditsError),
    (httpx.Response(200, json={"code": 5555, "msg": "?"}), ServerError),
    (httpx.Response(500, text="Internal Server Error"), ServerError),
    (httpx.Response(503), ServerError),
    (httpx.Response(404, text="<html>not found</html>"), BadRequestError),
    (httpx.Response(429, headers={"Retry-After": "30"}), RateLimitedError),
    (httpx.Response(200, text="<html>maintenance</html>"), ProtocolError),
    (httpx.Response(200, json={"code": 0}), ProtocolError),
    (httpx.Response(200, json=["not", "an", "object"]), ProtocolError),
    (httpx.Response(200, json={"code": 0, "data": {"available": "plenty"}}), ProtocolError),
]


@pytest.mark.parametrize(("reply", "error"), ERROR_REPLIES, ids=lambda v: getattr(v, "__name__", ""))
def test_error_replies_raise_typed_errors(reply: httpx.Response, error: type[NemoError]) -> None:
    with pytest.raises(NemoError) as caught:
        answer(reply).client().credits(TOKEN)

    assert type(caught.value) is error
    assert caught.value.http_status in (None, reply.status_code)


def test_rate_limit_carries_retry_after() -> None:
    with pytest.raises(RateLimitedError) as caught:
        answer(httpx.Response(429, headers={"Retry-After": "30"})).client().credits(TOKEN)

    assert caught.value.retry_after == 30.0


def test_unreadable_reply_never_quotes_the_token() -> None:
    reply = ok({"token": TOKEN, "credits": "a lot"})

    with pytest.raises(ProtocolError) as caught:
        answer(reply).client().anonymous_token("client-1")

    assert "credits" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def refuse(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError(f"cannot reach {request.url}", request=request)


def test_network_failure_is_a_transport_error_without_secrets(tmp_path: Path) -> None:
    client = Backend(refuse).client()
    url = "https://api.telegram.test/file/bot123456:SECRETBOTTOKEN/videos/a.mp4"

    with pytest.raises(TransportError) as caught:
        client.download(url, tmp_path / "a.mp4")

    assert "ConnectError" in str(caught.value)
    assert "SECRETBOTTOKEN" not in str(caught.value)
    assert caught.value.__cause__ is None
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("url", ["http://[::1/x.mp4", "ftp://cdn.test/x.mp4", "x.mp4?sig=SECRET"])
def test_unusable_download_url_is_a_transport_error(tmp_path: Path, url: str) -> None:
    client = NemoClient("", skill_source="s", skill_version="v", skill_platform="p")

    with pytest.raises(TransportError) as caught:
        client.download(url, tmp_path / "x.mp4")

    assert "SECRET" not in str(caught.value)


def test_timeout_is_a_transport_error() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(TransportError, match="ReadTimeout"):
        Backend(slow).client().credits(TOKEN)


@pytest.mark.parametrize(
    ("call", "read_timeout"),
    [("credits", 3.0), ("upload_file", 40.0), ("stream_turn", 50.0), ("download", 40.0)],
)
def test_long_calls_wait_longer_for_the_next_bytes(
    backend: Backend, clip: Path, call: str, read_timeout: float
) -> None:
    if call == "download":
        backend.handler = lambda _r: httpx.Response(200, content=b"bytes")
    client = NemoClient(
        BASE,
        skill_source="s",
        skill_version="v",
        skill_platform="p",
        timeout_s=3.0,
        upload_timeout_s=40.0,
        stream_read_timeout_s=50.0,
        transport=httpx.MockTransport(backend),
    )

    CALLS[call](client, clip)

    assert backend.last.extensions["timeout"]["read"] == read_timeout
    assert backend.last.extensions["timeout"]["connect"] == 3.0


# --- the stream ----------------------------------------------------------------------------------


def test_stream_turn_sends_the_documented_request_and_yields_events(backend: Backend) -> None:
    events = run_turn(backend.client())

    request = backend.last
    assert (request.method, request.url.path) == ("POST", "/run_sse")
    assert request.headers["accept"] == "text/event-stream"
    assert json.loads(request.content) == {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": "1234567",
        "new_message": {"parts": [{"text": "trim"}]},
    }
    assert events == [TextEvent("Done.")]


def test_stream_turn_reads_both_families_and_heartbeats() -> None:
    body = (
        ": ping\n\n"
        "data:\n\n"
        'data: {"type": "tool_call", "name": "cut", "args": {"at": 1}}\n\n'
        'data: {"content": {"role": "model", "parts": [{"text": "Cut."}]}, "partial": false}\n\n'
    )

    events = run_turn(answer(httpx.Response(200, headers=SSE, text=body)).client())

    assert events == [HeartbeatEvent(), HeartbeatEvent(), ToolCallEvent("cut", {"at": 1}), TextEvent("Cut.")]


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (httpx.Response(200, json={"code": 1001, "msg": "expired"}), AuthExpiredError),
        (httpx.Response(404, json={"code": 1002}), SessionNotFoundError),
        (httpx.Response(200, json={"code": 2001}), OutOfCreditsError),
        (httpx.Response(429, headers={"Retry-After": "5"}), RateLimitedError),
        (httpx.Response(502, text="Bad Gateway"), ServerError),
        (httpx.Response(200, json={"code": 0, "data": {}}), ProtocolError),
    ],
    ids=["200+1001", "404+1002", "200+2001", "429", "502", "json-instead-of-stream"],
)
def test_stream_errors_before_the_stream_raise_at_with(reply: httpx.Response, error: type[NemoError]) -> None:
    client = answer(reply).client()

    with pytest.raises(error), client.stream_turn(TOKEN, "1", "trim"):
        pytest.fail("the stream must not start")


class DroppingStream(httpx.SyncByteStream):
    """A response body that delivers some chunks and then loses the connection."""

    def __init__(self, chunks: list[bytes], drop: bool = True) -> None:
        self.chunks = chunks
        self.drop = drop
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks
        if self.drop:
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")

    def close(self) -> None:
        self.closed = True


def test_dropped_connection_mid_stream_raises_transport_error_after_the_events_so_far() -> None:
    stream = DroppingStream(
        [b'data: {"type": "text", "content": "Working on it."}\n\n', b'data: {"type": "te']
    )
    client = answer(httpx.Response(200, headers=SSE, stream=stream)).client()
    seen: list[object] = []

    with (
        pytest.raises(TransportError, match="RemoteProtocolError"),
        client.stream_turn(TOKEN, "1", "x") as events,
    ):
        seen.extend(events)

    assert seen == [TextEvent("Working on it.")]
    assert stream.closed


def test_leaving_the_turn_early_closes_the_connection() -> None:
    stream = DroppingStream([b": ping\n\n", b": ping\n\n"], drop=False)
    client = answer(httpx.Response(200, headers=SSE, stream=stream)).client()

    with client.stream_turn(TOKEN, "1", "x") as events:
        assert next(events) == HeartbeatEvent()

    assert stream.closed


# --- downloads -----------------------------------------------------------------------------------


def test_download_writes_the_bytes_and_sends_no_token_unless_asked(tmp_path: Path) -> None:
    backend = Backend()
    dest = tmp_path / "video.mp4"

    size = backend.client().download("https://cdn.test/r.mp4", dest)

    assert size == len(b"cdn-bytes") == dest.stat().st_size
    assert dest.read_bytes() == b"cdn-bytes"
    assert "authorization" not in backend.last.headers
    assert sorted(p.name for p in tmp_path.iterdir()) == ["video.mp4"]


def test_download_render_uses_the_proxy_path_and_follows_a_redirect_without_leaking_the_token(
    tmp_path: Path,
) -> None:
    def redirect(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.nemo.test":
            return httpx.Response(302, headers={"location": "https://cdn.test/r.mp4"})
        return canonical(request)

    backend = Backend(redirect)

    size = backend.client().download_render(TOKEN, "render_1", tmp_path / "out.mp4")

    first, second = backend.requests
    assert first.url.path == "/api/render/proxy/render_1/download"
    assert first.headers["authorization"] == f"Bearer {TOKEN}"
    assert "authorization" not in second.headers
    assert size == len(b"cdn-bytes")


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (httpx.Response(404, text="<Error>NoSuchKey</Error>"), BadRequestError),
        (httpx.Response(200, json={"code": 1001}), AuthExpiredError),
        (httpx.Response(200, json={"code": 0, "data": {}}), ProtocolError),
        (httpx.Response(200, stream=DroppingStream([b"partial"])), TransportError),
    ],
    ids=["404", "json-error", "json-not-media", "dropped"],
)
def test_failed_download_leaves_no_file(
    tmp_path: Path, reply: httpx.Response, error: type[NemoError]
) -> None:
    with pytest.raises(error):
        answer(reply).client().download_render(TOKEN, "render_1", tmp_path / "out.mp4")

    assert not list(tmp_path.iterdir())


# --- links and ids -------------------------------------------------------------------------------


def test_render_ids_are_unique_and_keep_the_documented_prefix() -> None:
    ids = {new_render_id() for _ in range(200)}

    assert len(ids) == 200
    assert all(re.fullmatch(r"render_\d{13}_[0-9a-f]{6}", render_id) for render_id in ids)


def test_links() -> None:
    assert (
        claim_url("https://nemovideo.com/", "clm_a+b") == "https://nemovideo.com/workspace/claim?ct=clm_a%2Bb"
    )
    assert (
        registration_url("https://nemovideo.com", "anon_42") == "https://nemovideo.com/register?bind=anon_42"
    )
