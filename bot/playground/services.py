"""Processes the playground starts (and the tests reuse): a private redis-server and our own services.

Each process runs in its own session (process group), so it can be stopped, or killed as a crash would,
together with its children (an RQ work horse, a scheduler), and nothing is left behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from redis import Redis

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]


def wait_for(probe: Callable[[], T | None], timeout: float, what: str, interval: float = 0.05) -> T:
    """Poll `probe` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class RedisServer:
    """A throw-away redis-server on a unix socket in `folder` (no port to collide with).

    Without persistence by default; `appendonly=True` makes it durable, so a test can kill it and
    `restart` it with its data, as a production Redis comes back.
    """

    def __init__(self, folder: Path, binary: str | None = None, *, appendonly: bool = False) -> None:
        self.folder = folder
        self.socket = folder / "redis.sock"
        self.url = f"unix://{self.socket}"
        self.binary = binary or shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.appendonly = appendonly
        self.process = self._launch()

    def _launch(self) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [
                str(self.binary),
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--save",
                "",
                "--appendonly",
                "yes" if self.appendonly else "no",
                "--appendfsync",
                "always",
                "--dir",
                str(self.folder),
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._ping, 10, "redis-server to accept connections")
        return process

    def kill(self) -> None:
        """SIGKILL the server, as a crash would."""
        self.process.kill()
        self.process.wait(10)

    def restart(self) -> None:
        """Start the server again on the same socket and data folder."""
        self.process = self._launch()

    def _ping(self) -> bool:
        try:
            return bool(Redis.from_url(self.url).ping())
        except Exception:
            return False

    def client(self) -> Redis:
        """A new client (bytes replies, as RQ needs)."""
        return Redis.from_url(self.url)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class Service:
    """`python -m <module>` with an environment, its output in a log file."""

    def __init__(
        self, module: str, env: Mapping[str, str], log_path: Path, args: tuple[str, ...] = ()
    ) -> None:
        self.module = module
        self.log_path = log_path
        self._log = log_path.open("ab")
        full_env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), **env}
        full_env["PYTHONPATH"] = str(ROOT)
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        """Everything the process printed so far."""
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash would."""
        self._signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after a grace period."""
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(8)
        except subprocess.TimeoutExpired:
            self.kill()
        self._signal(signal.SIGKILL)  # stray work horses or schedulers
        self._log.close()

    def _signal(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
