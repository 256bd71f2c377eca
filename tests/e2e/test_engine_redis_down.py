"""A running engine whose Redis dies: `/health` says so (503), API calls get the profile's JSON error shape
(never a bare 500, never a traceback), and once Redis is back the same engine process serves again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.processes import RedisServer, Service, free_port, wait_for

pytestmark = pytest.mark.e2e
T = 30.0


def _health(base: str) -> httpx.Response | None:
    try:
        return httpx.get(f"{base}/health", timeout=5)
    except httpx.TransportError:
        return None


def _new_session(base: str, token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    body = {"task_name": "project", "language": "en"}
    return httpx.post(f"{base}/api/tasks/me/with-session/nemo_agent", json=body, headers=headers, timeout=10)


def _refusal(reply: httpx.Response) -> dict[str, Any]:
    """The profile's error shape: JSON with a `msg`, no traceback."""
    assert reply.headers["content-type"].startswith("application/json"), reply.text
    body: dict[str, Any] = reply.json()
    assert isinstance(body.get("msg"), str) and body["msg"], body
    assert "Traceback" not in reply.text and 'File "' not in reply.text, reply.text
    return body


def test_the_engine_reports_redis_down_and_serves_again_when_it_is_back(
    tmp_path: Path, durable_redis: RedisServer
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "ENGINE_REDIS_URL": durable_redis.url,
        "ENGINE_DATA_DIR": str(tmp_path / "data"),
        "ENGINE_PORT": str(port),
        "ENGINE_PUBLIC_BASE_URL": base,
    }
    engine = Service("engine", env, tmp_path / "engine.log")
    try:
        wait_for(lambda: (r := _health(base)) is not None and r.status_code == 200, T, "the engine to start")
        signed_in = httpx.post(f"{base}/api/auth/anonymous-token", headers={"X-Client-Id": "asha-phone"})
        token = signed_in.json()["data"]["token"]
        assert _new_session(base, token).json()["code"] == 0

        durable_redis.kill()
        health = _health(base)
        assert health is not None and health.status_code == 503
        checks = _refusal(health)["data"]["checks"]
        assert "cannot reach Redis" in checks["redis"] and checks["data_dir"] == "ok"
        refused = _new_session(base, token)
        assert refused.status_code == 503  # not a bare 500: "try again", as the body says
        assert "try again" in _refusal(refused)["msg"] and "Error" not in refused.text  # no library words
        fresh = httpx.post(f"{base}/api/auth/anonymous-token", headers={"X-Client-Id": "ravi-phone"})
        assert fresh.status_code == 503 and _refusal(fresh)

        durable_redis.restart()
        wait_for(lambda: (r := _health(base)) is not None and r.status_code == 200, T, "health to recover")
        again = _new_session(base, token)  # the same token: the account survived in Redis
        assert again.status_code == 200 and again.json()["code"] == 0, again.text
        assert engine.process.poll() is None  # the very process that started, never restarted
    finally:
        print(engine.log())  # shown by pytest only when the test failed
        engine.stop()
