"""Redis killed for a few seconds while `python -m engine.worker` renders: the same worker process carries on,
and the render it was making is delivered as completed.

RQ's worker quits when a heartbeat of a running job finds Redis gone; the shared supervisor
(`engine.supervisor`) waits for Redis and starts a fresh worker in the same process, and the render records
its outcome once Redis answers again.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import av
import httpx
import pytest

from tests.integration.test_engine_api import Client, RunningEngine
from tests.media import make_tone_clip
from tests.processes import RedisServer, Service, wait_for

pytestmark = [pytest.mark.e2e]
OUTAGE_S = 5.0
T = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def test_the_engine_worker_outlives_a_redis_restart_mid_render_and_completes_it(
    durable_redis: RedisServer, tmp_path: Path
) -> None:
    port, data_dir = _free_port(), tmp_path / "data"
    url = f"http://127.0.0.1:{port}"
    env = {
        "ENGINE_HOST": "127.0.0.1",
        "ENGINE_PORT": str(port),
        "ENGINE_PUBLIC_BASE_URL": url,
        "ENGINE_REDIS_URL": durable_redis.url,
        "ENGINE_DATA_DIR": str(data_dir),
        "ENGINE_JOB_MONITORING_INTERVAL_S": "1",
        "ENGINE_LOG_LEVEL": "INFO",
    }
    engine = Service("engine", env, tmp_path / "engine.log")
    worker = Service("engine.worker", env, tmp_path / "engine-worker.log")
    try:
        wait_for(lambda: _answers(f"{url}/health"), T, "the engine")
        client = Client(RunningEngine(url, data_dir), client_id="redis-blink")
        clip = make_tone_clip(tmp_path / "clip.mp4", duration_s=3.0, width=160, height=90)
        (file,) = client.upload(clip)["data"]["files"]
        segment = {"src": file["file_id"], "in": 0, "out": 3000}
        # Half a minute of 640×360: long enough for several of the worker's heartbeats while it renders.
        draft = {"m": {"width": 640, "height": 360}, "t": [{"tt": 0, "sg": [segment] * 10}]}
        client.call(
            "POST", "/api/render/proxy/lambda", json={"id": "blink", "sessionId": client.sid, "draft": draft}
        )

        def poll() -> dict[str, Any]:
            return dict(client.http.get("/api/render/proxy/lambda/blink").json())

        wait_for(lambda: poll()["status"] == "processing", T, "the render to start")
        logged = len(worker.log())
        durable_redis.kill()
        down_at = time.monotonic()
        # The fault landed: the worker's heartbeat for the running render found Redis gone.
        wait_for(
            lambda: "Error 111" in worker.log()[logged:] or worker.process.poll() is not None,
            T,
            "the worker to lose Redis",
        )
        assert poll_refused(client), "the engine still reached Redis: the kill did not land"
        time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - down_at)))  # the rest of the outage
        durable_redis.restart()

        def ended() -> dict[str, Any] | None:
            reply = poll()
            return reply if reply["status"] in ("completed", "failed") else None

        done = wait_for(ended, T, "the render to end")
        assert done["status"] == "completed", done
        # The work horse may record the render before the supervisor's back-off lets it start a new worker.
        wait_for(lambda: "starting a new worker" in worker.log()[logged:], T, "the supervisor to restart it")
        assert worker.process.poll() is None, worker.log()[-3000:]
        video = tmp_path / "out.mp4"
        video.write_bytes(client.http.get(done["output"]["url"]).content)
        with av.open(str(video)) as container:  # the whole render, not a file cut short by the outage
            assert float(container.duration or 0) / av.time_base == pytest.approx(30.0, abs=0.5)
    finally:
        worker.stop()
        engine.stop()


def poll_refused(client: Client) -> bool:
    """The engine answers a poll with an error while Redis is down (it reads the render from Redis)."""
    try:
        reply = client.http.get("/api/render/proxy/lambda/blink")
    except httpx.TransportError:
        return True
    return reply.status_code >= 500 or reply.json().get("code", 0) != 0
