"""Abuse of the engine's HTTP face, against the real app on uvicorn: oversized and endless bodies, bloated
multipart headers, a URL that trickles one byte at a time. Each is refused, and nothing is left behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

from tests.fakes.servers import ServerThread
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
