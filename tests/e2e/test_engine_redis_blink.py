"""Redis killed for a few seconds while `python -m engine.worker` renders: the same worker process carries on,
and the render it was making (its FFmpeg still running when Redis died) is delivered as completed.

RQ's worker quits when a heartbeat of a running job finds Redis gone; the shared supervisor
(`engine.supervisor`) waits for Redis and starts a fresh worker in the same process, and the render records
its outcome once Redis answers again.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Any

import av
import httpx
import psutil
import pytest

from tests.integration.test_engine_api import Client, RunningEngine
from tests.media import make_tone_clip
from tests.processes import RedisServer, Service, answers, engine_settings_env, free_port, wait_for

pytestmark = [pytest.mark.e2e]
OUTAGE_S = 5.0
T = 60.0


def _ffmpeg_under(worker: Service) -> list[psutil.Process]:
    """The FFmpeg processes the worker's work horse runs now (the horse leaves the group, not the tree)."""
    processes = []
    for process in psutil.Process(worker.process.pid).children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            if "ffmpeg" in process.name():
                processes.append(process)
    return processes


def _running(process: psutil.Process) -> bool:
    try:
        return bool(process.status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


def test_the_engine_worker_outlives_a_redis_restart_mid_render_and_completes_it(
    durable_redis: RedisServer, tmp_path: Path
) -> None:
    port, data_dir = free_port(), tmp_path / "data"
    url = f"http://127.0.0.1:{port}"
    env = engine_settings_env(durable_redis.url, data_dir, port, log_level="INFO")
    env["ENGINE_JOB_MONITORING_INTERVAL_S"] = "1"
    engine = Service("engine", env, tmp_path / "engine.log")
    worker = Service("engine.worker", env, tmp_path / "engine-worker.log")
    try:
        wait_for(lambda: answers(url), T, "the engine")
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
        rendering = wait_for(lambda: _ffmpeg_under(worker), T, "FFmpeg to render")
        logged = len(worker.log())
        durable_redis.kill()
        down_at = time.monotonic()
        # Mid-render when Redis died: the FFmpeg that was rendering before the kill still runs after it.
        assert any(_running(process) for process in rendering), "the render ended before Redis died"
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
