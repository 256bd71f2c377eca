"""Abuse of the engine's HTTP face, against the real app on uvicorn: oversized and endless bodies, bloated
multipart headers, a URL that trickles one byte at a time. Each is refused, and nothing is left behind."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import av
import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

from engine.retention import sweep_expired
from tests.fakes.servers import ServerThread
from tests.media import make_image
from tests.processes import wait_for
from tests.unit.engine.apphost import Engine

KB = 1024


def _chunks(total: int, size: int = 64 * KB) -> Iterator[bytes]:
    """A body sent chunked (no Content-Length), as a client that wants to skip the size check would."""
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


def test_a_json_body_over_the_cap_is_refused_declared_or_chunked(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(json_max_bytes=16 * KB)
    auth = engine.sign_in()
    url = "/api/tasks/me/with-session/nemo_agent"
    declared = engine.client.post(url, content=b'{"language": "en"' + b" " * 32 * KB + b"}", headers=auth)
    chunked = engine.client.post(url, content=_chunks(8 * 1024 * KB), headers=auth)
    assert declared.json()["code"] == 4002
    assert chunked.json()["code"] == 4002
    # A body within the cap still works.
    assert engine.client.post(url, json={"language": "en"}, headers=auth).json()["code"] == 0


def test_multipart_part_headers_and_chunked_uploads_are_bounded(
    make_engine: Callable[..., Engine], media: Path
) -> None:
    engine = make_engine(upload_max_bytes=1024 * KB, upload_max_files=1)
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    url = f"/api/upload-video/nemo_agent/me/{sid}"
    boundary = "xyz"
    headers = {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"}

    bloated = b"--xyz\r\n" + b"X-Pad: " + b"a" * 256 * KB + b"\r\n"
    bloated += b'Content-Disposition: form-data; name="files"; filename="a.mp4"\r\n\r\nabc\r\n--xyz--\r\n'
    assert engine.client.post(url, content=bloated, headers=headers).json()["code"] == 4000

    def endless() -> Iterator[bytes]:
        yield b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.mp4"\r\n\r\n'
        yield from _chunks(4 * 1024 * KB)

    assert engine.client.post(url, content=endless(), headers=headers).json()["code"] == 4002
    assert engine.state(auth, sid)["video_infos"] == []
    assert not list((engine.settings.data_dir / "tmp").iterdir())


def test_a_url_that_trickles_bytes_is_given_up_at_the_deadline(make_engine: Callable[..., Engine]) -> None:
    async def trickle(request: Request) -> StreamingResponse:
        async def body() -> AsyncIterator[bytes]:
            for _ in range(10_000):  # one byte every 0.1 s: within any per-read timeout, never done
                yield b"\0"
                await asyncio.sleep(0.1)

        return StreamingResponse(body(), media_type="video/mp4")

    with ServerThread(Starlette(routes=[Route("/clip.mp4", trickle)])) as slow:
        engine = make_engine(url_fetch_allow_private=True, url_fetch_deadline_s=1.0, url_fetch_timeout_s=5.0)
        auth = engine.sign_in()
        sid = engine.new_session(auth)
        body = {"urls": [f"{slow.url}/clip.mp4"], "source_type": "url"}
        reply = engine.client.post(f"/api/upload-video/nemo_agent/me/{sid}", json=body, headers=auth).json()
    assert reply["code"] == 4003 and "too long" in reply["msg"]
    assert not list((engine.settings.data_dir / "tmp").iterdir())


def test_free_accounts_from_one_address_stop_at_the_quota_with_429(
    make_engine: Callable[..., Engine],
) -> None:
    engine = make_engine(tokens_per_address_per_hour=5, free_credits=100)
    replies = [
        engine.client.post("/api/auth/anonymous-token", headers={"X-Client-Id": f"farm-{n}"})
        for n in range(8)
    ]
    assert [r.status_code for r in replies] == [200] * 5 + [429] * 3
    assert int(replies[-1].headers["Retry-After"]) > 0
    assert "token" not in replies[-1].json()  # the refusal carries no account


def test_one_client_id_cannot_mint_tokens_without_end(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine(tokens_per_client_per_hour=3)
    codes = [
        engine.client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "same"}).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_uploads_per_hour_and_stored_bytes_are_bounded_per_client(
    make_engine: Callable[..., Engine], media: Path
) -> None:
    engine = make_engine(uploads_per_client_per_hour=2)
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    assert engine.upload(auth, sid, media / "still.png")["code"] == 0
    assert engine.upload(auth, sid, media / "still.png")["code"] == 0
    files = [("files", ("still.png", (media / "still.png").read_bytes(), "image/png"))]
    third = engine.client.post(f"/api/upload-video/nemo_agent/me/{sid}", files=files, headers=auth)
    assert third.status_code == 429 and "Retry-After" in third.headers

    small = make_engine(stored_bytes_per_client=(media / "clip.mp4").stat().st_size + 10)
    auth = small.sign_in("client-2")
    sid = small.new_session(auth)
    assert small.upload(auth, sid, media / "clip.mp4")["code"] == 0
    files = [("files", ("clip.mp4", (media / "clip.mp4").read_bytes(), "video/mp4"))]
    full = small.client.post(f"/api/upload-video/nemo_agent/me/{sid}", files=files, headers=auth)
    assert full.status_code == 429
    assert len(small.state(auth, sid)["video_infos"]) == 1
    assert not list((small.settings.data_dir / "tmp").iterdir())


def test_renders_at_once_are_bounded_per_client(make_engine: Callable[..., Engine], media: Path) -> None:
    engine = make_engine(renders_active_per_client=2)
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    engine.upload(auth, sid, media / "still.png")

    def submit(render_id: str) -> int:
        body = {"id": render_id, "sessionId": sid}
        return engine.client.post("/api/render/proxy/lambda", json=body, headers=auth).status_code

    assert [submit("r1"), submit("r2"), submit("r3")] == [200, 200, 429]
    engine.store.update_render("r1", status="completed")  # one finishes: room for the next
    assert submit("r4") == 200
    assert engine.queued == ["r1", "r2", "r4"]


@contextlib.contextmanager
def _from_address(engine: Engine, address: str) -> Iterator[Engine]:
    """The same engine as seen from another loopback address (a different host on the network)."""
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=engine.client.base_url, timeout=30, transport=transport) as client:
        yield dataclasses.replace(engine, client=client)


def _submit(engine: Engine, auth: dict[str, str], sid: str, render_id: str) -> int:
    body = {"id": render_id, "sessionId": sid}
    return engine.client.post("/api/render/proxy/lambda", json=body, headers=auth).status_code


def test_renders_at_once_are_bounded_per_address_while_another_address_renders(
    make_engine: Callable[..., Engine], media: Path
) -> None:
    """Many client ids from one script share their address's limit; another host is not held back."""
    engine = make_engine(renders_active_per_address=2, renders_active_per_client=5)
    sessions = []
    for n in range(3):
        auth = engine.sign_in(f"farm-{n}")
        sid = engine.new_session(auth)
        engine.upload(auth, sid, media / "still.png")
        sessions.append((auth, sid))
    codes = [_submit(engine, auth, sid, f"farm_{n}") for n, (auth, sid) in enumerate(sessions)]
    assert codes == [200, 200, 429]
    with _from_address(engine, "127.0.0.2") as elsewhere:
        auth = elsewhere.sign_in("elsewhere")
        sid = elsewhere.new_session(auth)
        elsewhere.upload(auth, sid, media / "still.png")
        assert _submit(elsewhere, auth, sid, "elsewhere_1") == 200
    engine.store.update_render("farm_0", status="completed")  # one finishes: room for the next
    auth, sid = sessions[2]
    assert _submit(engine, auth, sid, "farm_2b") == 200
    assert engine.queued == ["farm_0", "farm_1", "elsewhere_1", "farm_2b"]


def test_stored_bytes_are_bounded_per_address_while_another_address_uploads(
    make_engine: Callable[..., Engine], media: Path
) -> None:
    clip = media / "clip.mp4"
    engine = make_engine(stored_bytes_per_address=clip.stat().st_size + 10)
    first, second = engine.sign_in("farm-1"), engine.sign_in("farm-2")
    first_sid, second_sid = engine.new_session(first), engine.new_session(second)
    assert engine.upload(first, first_sid, clip)["code"] == 0
    files = [("files", ("clip.mp4", clip.read_bytes(), "video/mp4"))]
    url = f"/api/upload-video/nemo_agent/me/{second_sid}"
    full = engine.client.post(url, files=files, headers=second)
    assert full.status_code == 429 and "address" in full.json()["msg"]
    assert engine.state(second, second_sid)["video_infos"] == []
    with _from_address(engine, "127.0.0.2") as elsewhere:
        auth = elsewhere.sign_in("elsewhere")
        sid = elsewhere.new_session(auth)
        assert elsewhere.upload(auth, sid, clip)["code"] == 0
    assert not list((engine.settings.data_dir / "tmp").iterdir())


def test_a_huge_picture_is_scaled_down_at_upload(engine: Engine, tmp_path: Path) -> None:
    bomb = make_image(tmp_path / "bomb.png", width=4096, height=3072, pattern="color")  # 12 Mpixels
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    [kept] = engine.upload(auth, sid, bomb)["data"]["files"]
    assert (kept["width"], kept["height"]) == (2048, 1536)
    stored = next((engine.settings.data_dir / "files" / "media").iterdir())
    with av.open(str(stored)) as container:
        assert container.streams.video[0].codec_context.width == 2048


def test_a_clip_costing_too_many_pixel_seconds_is_refused(
    make_engine: Callable[..., Engine], media: Path
) -> None:
    engine = make_engine(max_pixel_seconds=160 * 90 * 0.5)  # the 1 s 160x90 clip is twice that
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    reply = engine.upload(auth, sid, media / "clip.mp4")
    assert reply["code"] == 4001 and "too large to edit" in reply["msg"]
    assert engine.state(auth, sid)["video_infos"] == []


def test_uploads_expire_with_their_session_and_are_deleted(
    make_engine: Callable[..., Engine], media: Path
) -> None:
    engine = make_engine(retention_days=5 / 86400)  # five seconds
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    [kept] = engine.upload(auth, sid, media / "still.png")["data"]["files"]
    stored = engine.settings.data_dir / kept["cdn_url"].removeprefix(engine.settings.public_base_url + "/")
    assert stored.exists() and sweep_expired(engine.store, engine.settings.data_dir) == 0
    # what was heard in the clip is the user's too: its transcript and .srt go with it
    heard = [
        engine.settings.data_dir / "speech" / f"{kept['file_id']}.tiny.en.json",
        engine.settings.data_dir / "files" / "captions" / f"{kept['file_id']}-0123abcd.srt",
    ]
    for path in heard:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}", encoding="utf-8")

    wait_for(lambda: engine.store.expired_files() or None, 30, "the retention to run out")
    assert sweep_expired(engine.store, engine.settings.data_dir) == 1  # what render workers run
    assert not stored.exists() and not any(path.exists() for path in heard)
    assert engine.store.session(sid) is None
    account = engine.store.account(auth["Authorization"].removeprefix("Bearer "))
    assert account is not None and engine.store.stored_bytes(account.user_id) == 0
