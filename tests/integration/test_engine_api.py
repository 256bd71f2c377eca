"""The engine as operators run it: `python -m engine --with-worker` on a private redis-server, over HTTP.

Real uploads of clips made here, the real probe, turns and renders by the real worker. The credit limit is on
(100 free credits, 50 per edit), so every test signs in with its own client id.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import httpx
import psutil
import pytest
import redis
from rq.command import send_stop_job_command
from rq.job import Job
from rq.serializers import JSONSerializer
from starlette.applications import Starlette
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from engine.jobs import render_lane
from engine.settings import EngineSettings
from tests.fakes.servers import ServerThread
from tests.media import make_tone_clip
from tests.processes import RedisServer, free_port, wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
ATTRIBUTION = {"X-Skill-Source": "tests", "X-Skill-Version": "1", "X-Skill-Platform": "unknown"}


def _answers(check: Callable[[], object]) -> bool:
    try:
        check()
    except (OSError, redis.ConnectionError, httpx.HTTPError):
        return False
    return True


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM a process we started (in its own group), as an operator would, and wait until it and
    everything it started are gone; SIGKILL what is left after the deadline. RQ's work horses leave the
    group (`setpgrp`), so they are found by descent first: one still rendering would outlive the module."""
    descendants = psutil.Process(process.pid).children(recursive=True)
    process.terminate()
    try:
        process.wait(timeout=15)
        wait_for(lambda: not _group_alive(process.pid), 15, "children to exit")
    except (subprocess.TimeoutExpired, AssertionError):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    for child in descendants:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        yield f"{server.url}?db=1"
    finally:
        server.stop()


@dataclass(frozen=True)
class RunningEngine:
    url: str
    data_dir: Path


@pytest.fixture(scope="module")
def running(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEngine]:
    port, data_dir = free_port(), tmp_path_factory.mktemp("engine") / "data"
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "ENGINE_HOST": "127.0.0.1",
        "ENGINE_PORT": str(port),
        "ENGINE_PUBLIC_BASE_URL": url,
        "ENGINE_REDIS_URL": redis_url,
        "ENGINE_DATA_DIR": str(data_dir),
        "ENGINE_URL_FETCH_ALLOW_PRIVATE": "true",  # the test's own file server is on loopback
        "ENGINE_CREDIT_LIMIT": "true",
        "ENGINE_LOG_LEVEL": "WARNING",
    }
    engine = subprocess.Popen(
        [sys.executable, "-m", "engine", "--with-worker"], cwd=ROOT, env=env, start_new_session=True
    )
    try:
        wait_for(lambda: engine.poll() is None and _answers(lambda: httpx.get(f"{url}/health")), 30, "engine")
        yield RunningEngine(url, data_dir)
    finally:
        _stop(engine)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tone_clip(tmp_path_factory.mktemp("media") / "trip.mp4", duration_s=3.0, width=160, height=90)


class Client:
    """What a NemoVideo client does, in plain httpx, for one anonymous user."""

    def __init__(self, running: RunningEngine, client_id: str) -> None:
        self.http = httpx.Client(
            base_url=running.url, timeout=60, limits=httpx.Limits(max_keepalive_connections=0)
        )
        signed_in = self.call("POST", "/api/auth/anonymous-token", headers={"X-Client-Id": client_id})
        token, self.user_id = signed_in["token"], str(signed_in["user_id"])
        self.http.headers.update({"Authorization": f"Bearer {token}", **ATTRIBUTION})
        self.sid = str(
            self.call("POST", "/api/tasks/me/with-session/nemo_agent", json={"language": "en"})["session_id"]
        )

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """A call that must succeed: its `data`."""
        reply = self.http.request(method, path, **kwargs).json()
        assert reply["code"] == 0, reply
        return dict(reply["data"])

    def upload(self, *paths: Path) -> dict[str, Any]:
        files = [("files", (path.name, path.read_bytes(), "application/octet-stream")) for path in paths]
        return dict(self.http.post(f"/api/upload-video/nemo_agent/me/{self.sid}", files=files).json())

    def say(self, text: str) -> list[dict[str, Any]]:
        body = {
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": self.sid,
            "new_message": {"parts": [{"text": text}]},
        }
        with self.http.stream(
            "POST", "/run_sse", json=body, headers={"Accept": "text/event-stream"}
        ) as reply:
            if not reply.headers["content-type"].startswith("text/event-stream"):
                return [json.loads(reply.read())]
            return [json.loads(line[6:]) for line in reply.iter_lines() if line.startswith("data: ")]

    def state(self) -> dict[str, Any]:
        return dict(self.call("GET", f"/api/state/nemo_agent/me/{self.sid}/latest")["state"])

    def export(self, render_id: str, draft: dict[str, Any]) -> dict[str, Any]:
        """Submit, then poll until the render ends; the last poll reply."""
        body = {
            "id": render_id,
            "sessionId": self.sid,
            "draft": draft,
            "output": {"format": "mp4", "quality": "high"},
        }
        self.call("POST", "/api/render/proxy/lambda", json=body)
        polls: list[dict[str, Any]] = []

        def ended() -> bool:
            polls.append(self.http.get(f"/api/render/proxy/lambda/{render_id}").json())
            return polls[-1]["status"] in ("completed", "failed")

        wait_for(ended, 90, "render")
        progress = [poll["progress"] for poll in polls]
        assert progress == sorted(progress)
        return polls[-1]


@pytest.fixture
def client(running: RunningEngine, request: pytest.FixtureRequest) -> Iterator[Client]:
    user = Client(running, client_id=request.node.name[:64])
    yield user
    user.http.close()


@pytest.mark.media
def test_upload_edit_export_and_download_round_trip(client: Client, clip: Path, tmp_path: Path) -> None:
    (file,) = client.upload(clip)["data"]["files"]
    assert (file["file_type"], file["width"], file["height"]) == ("video", 160, 90)

    events = client.say("make it 2 seconds")

    assert any(event.get("type") == "text" for event in events)
    draft = client.state()["draft"]
    assert draft["d"] == 2000
    assert client.call("GET", "/api/credits/balance/simple") == {
        "available": 50,
        "frozen": 0,
        "total": 50,
        "turn_cost": 50,
    }

    small = {**draft, "m": {**draft["m"], "width": 320, "height": 180}}  # keep the render quick
    done = client.export("render_trip", small)

    assert done["status"] == "completed" and done["progress"] == 100
    video = tmp_path / "out.mp4"
    video.write_bytes(httpx.get(done["output"]["url"]).content)
    assert video.stat().st_size == done["output"]["size"]
    with av.open(str(video)) as container:
        assert float(container.duration or 0) / av.time_base == pytest.approx(2.0, abs=0.15)
        assert (container.streams.video[0].width, container.streams.video[0].height) == (320, 180)
        assert container.streams.audio
    fallback = client.http.get("/api/render/proxy/render_trip/download")
    assert fallback.content == video.read_bytes()


def test_undo_says_what_it_took_back(client: Client, clip: Path) -> None:
    client.upload(clip)
    client.say("add background music")
    music = [part for part in _texts(client.say("undo")) if "Undid your last change" in part]
    assert music and "taken off: Background music: Lo-fi" in music[0]
    [clip_off] = _texts(client.say("undo"))  # the upload put the clip on the timeline: that is undone next
    assert "taken off: Video" in clip_off
    assert _texts(client.say("undo")) == ["Nothing to undo: this is the first version of your video."]


def _texts(events: list[dict[str, Any]]) -> list[str]:
    return [str(event["content"]) for event in events if event.get("type") == "text"]


def test_a_render_that_cannot_be_made_fails_with_a_reason(client: Client) -> None:
    draft = {
        "d": 1000,
        "m": {"width": 320, "height": 180},
        "t": [{"tt": 0, "sg": [{"src": "nope", "in": 0, "out": 1000}]}],
    }
    done = client.export("render_bad", draft)
    assert done["status"] == "failed"
    assert "nope" in done["error"]


def _unusable(kind: str, clip: Path) -> bytes:
    """The content of a file named clip.mp4 that is no usable media."""
    playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nhttp://127.0.0.1:9/seg.ts\n#EXT-X-ENDLIST\n"
    return {
        "pdf": b"%PDF-1.5\n1 0 obj << /Type /Catalog >> endobj\n" * 50,
        "hls-playlist": playlist.encode(),
        "empty": b"",
        "truncated": clip.read_bytes()[:20000],
    }[kind]


@pytest.mark.parametrize(
    ("kind", "words", "reason"),
    [
        ("pdf", "not supported", "pdf"),
        ("hls-playlist", "not supported", "text"),
        ("empty", "empty", "empty"),
        ("truncated", "incomplete", "truncated"),
    ],
)
def test_files_that_are_not_usable_media_are_refused(
    client: Client, clip: Path, tmp_path: Path, kind: str, words: str, reason: str
) -> None:
    """The profile's refusal (code 4001, the engine's English in `msg`) with the reason's code beside it."""
    bad = tmp_path / "clip.mp4"
    bad.write_bytes(_unusable(kind, clip))
    reply = client.upload(bad)
    assert reply["code"] == 4001
    assert words in reply["msg"] and reply["reason"] == reason
    assert client.state()["video_infos"] == []


def test_a_clip_can_be_uploaded_by_url_through_a_redirect(client: Client, clip: Path) -> None:
    async def serve(request: Any) -> Response:
        return FileResponse(clip)

    async def moved(request: Any) -> Response:
        return RedirectResponse("/media/trip.mp4", status_code=302)

    app = Starlette(routes=[Route("/media/trip.mp4", serve), Route("/share/abc", moved)])
    with ServerThread(app) as files:
        reply = client.http.post(
            f"/api/upload-video/nemo_agent/me/{client.sid}",
            json={"urls": [f"{files.url}/share/abc"], "source_type": "url"},
        ).json()

    assert reply["code"] == 0, reply
    (file,) = reply["data"]["files"]
    assert (file["filename"], file["file_type"]) == ("trip.mp4", "video")
    assert file["duration"] == pytest.approx(3.0, abs=0.1)


def test_edits_stop_at_2001_when_the_free_credits_are_spent(client: Client, clip: Path) -> None:
    client.upload(clip)
    client.say("make it 2 seconds")
    client.say("make it 1 second")

    (refusal,) = client.say("make it half a second")

    assert refusal["code"] == 2001
    assert client.call("GET", "/api/credits/balance/simple")["available"] == 0
    assert client.state()["draft"]["d"] == 1000


@pytest.mark.media
def test_a_draft_claiming_1e9_ms_renders_what_the_source_holds(client: Client, clip: Path) -> None:
    (file,) = client.upload(clip)["data"]["files"]  # 3 s
    segment = {"src": file["file_id"], "in": 0, "out": 10**9, "d": 10**9}
    lie = {"m": {"width": 320, "height": 180}, "t": [{"tt": 0, "sg": [segment]}]}
    done = client.export("render_lie", lie)
    assert done["status"] == "completed"
    assert done["output"]["duration"] == pytest.approx(3.0, abs=0.15)


@pytest.mark.media
def test_a_cancelled_render_ends_failed_and_leaves_no_files(
    client: Client, clip: Path, running: RunningEngine, redis_url: str
) -> None:
    (file,) = client.upload(clip)["data"]["files"]
    segment = {"src": file["file_id"], "in": 0, "out": 3000}
    long = {"m": {"width": 1280, "height": 720}, "t": [{"tt": 0, "sg": [segment] * 20}]}  # a minute of 720p
    body = {"id": "render_stop", "sessionId": client.sid, "draft": long}
    client.call("POST", "/api/render/proxy/lambda", json=body)
    work = running.data_dir / "tmp" / "render-render_stop"

    def poll() -> dict[str, Any]:
        return dict(client.http.get("/api/render/proxy/lambda/render_stop").json())

    wait_for(lambda: poll()["status"] == "processing" and work.exists(), 60, "the render to start")
    connection = redis.Redis.from_url(redis_url)
    send_stop_job_command(connection, "render-render_stop", serializer=JSONSerializer)
    wait_for(lambda: poll()["status"] == "failed", 30, "the cancelled render to be marked failed")
    assert "cancelled" in poll()["error"]
    assert not work.exists()
    assert not list((running.data_dir / "files" / "renders").rglob("render_stop.mp4"))
    connection.close()


@pytest.mark.media
def test_one_clients_renders_do_not_hold_back_anothers(
    running: RunningEngine, clip: Path, redis_url: str, request: pytest.FixtureRequest
) -> None:
    """Four long renders from one client kept another's 4 s render pending for a minute: now the client gets
    two at a time (429 past that), and the worker serves the clients' lanes in turn."""
    settings = EngineSettings(_env_file=None)  # type: ignore[call-arg]
    hog = Client(running, "hog-client")
    # Two clients may share a lane (then they share its turn); this test wants two lanes.
    other = next(
        c
        for c in (Client(running, f"other-client-{n}") for n in range(30))
        if render_lane(settings, c.user_id) != render_lane(settings, hog.user_id)
    )
    connection = redis.Redis.from_url(redis_url)
    try:
        (file,) = hog.upload(clip)["data"]["files"]
        segment = {"src": file["file_id"], "in": 0, "out": 3000}
        long = {"m": {"width": 1280, "height": 720}, "t": [{"tt": 0, "sg": [segment] * 20}]}
        for render_id in ("hog_1", "hog_2"):
            hog.call(
                "POST",
                "/api/render/proxy/lambda",
                json={"id": render_id, "sessionId": hog.sid, "draft": long},
            )
        third = hog.http.post(
            "/api/render/proxy/lambda", json={"id": "hog_3", "sessionId": hog.sid, "draft": long}
        )
        assert third.status_code == 429 and "Retry-After" in third.headers

        def status(client: Client, render_id: str) -> str:
            return str(client.http.get(f"/api/render/proxy/lambda/{render_id}").json()["status"])

        wait_for(lambda: status(hog, "hog_1") == "processing", 60, "the first long render to start")
        (mine,) = other.upload(clip)["data"]["files"]
        quick = {"src": mine["file_id"], "in": 0, "out": 1000}
        short = {"m": {"width": 320, "height": 180}, "t": [{"tt": 0, "sg": [quick]}]}
        other.call(
            "POST", "/api/render/proxy/lambda", json={"id": "quick_1", "sessionId": other.sid, "draft": short}
        )
        # The long render ends (cancelled here, to keep the test short); the next turn is the other client's.
        send_stop_job_command(connection, "render-hog_1", serializer=JSONSerializer)
        wait_for(lambda: status(other, "quick_1") == "completed", 60, "the other client's render")

        def quick_job() -> Job:
            return Job.fetch("render-quick_1", connection=connection, serializer=JSONSerializer)

        # The render records "completed" itself; RQ stamps the job's end a moment after the function returns.
        wait_for(lambda: quick_job().ended_at is not None, 30, "RQ to record that job's end")
        finished = quick_job()
        hog_2 = Job.fetch("render-hog_2", connection=connection, serializer=JSONSerializer)
        # The hog's second render was queued first but starts only after the other client's turn.
        assert finished.started_at is not None and finished.ended_at is not None
        assert hog_2.started_at is None or hog_2.started_at >= finished.ended_at
    finally:
        with contextlib.suppress(Exception):
            send_stop_job_command(connection, "render-hog_2", serializer=JSONSerializer)
        with contextlib.suppress(Exception):
            Job.fetch("render-hog_2", connection=connection, serializer=JSONSerializer).cancel()
        connection.close()
        hog.http.close()
        other.http.close()


def test_health_reports_each_dependency_and_the_engine_states_its_prices(client: Client) -> None:
    health = client.http.get("/health").json()
    assert health["data"] == {
        "status": "ok",
        "checks": {"redis": "ok", "data_dir": "ok", "ffmpeg": "ok", "fonts": "ok"},
    }
    # ENGINE_CREDIT_LIMIT is on in this engine: an edit costs ENGINE_TURN_COST, which the bot then says
    assert client.call("GET", "/api/credits/balance/simple")["turn_cost"] == 50
