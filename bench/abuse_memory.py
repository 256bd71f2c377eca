"""The engine's memory under the body and image bombs of issue 11, measured on real processes.

Run from the project root: `python bench/abuse_memory.py` (about a minute). It starts a private
redis-server and `python -m engine --with-worker` on a free loopback port, then sends, as an attacker would:

- a 300 MB JSON body with a Content-Length, and the same 300 MB chunked (no length to check first);
- 300 MB of multipart part headers;
- a flat 8192x8192 PNG (a few hundred KB) uploaded, then exported at the default 1080p canvas.

For each it prints the HTTP answer, the time, and the engine's resident memory: the HTTP server's peak
(`VmHWM`) and the peak sum of every process in the engine's process group (server, render worker, its work
horses and FFmpeg), sampled every 50 ms. Figures, never assertions (see bench/README.md).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.media import make_image  # noqa: E402
from tests.processes import RedisServer, free_port, wait_for  # noqa: E402

MB = 1024 * 1024
ATTRIBUTION = {"X-Skill-Source": "bench", "X-Skill-Version": "1", "X-Skill-Platform": "unknown"}


def _kb(pid: int, field: str) -> int:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _group(pgid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                if os.getpgid(int(entry)) == pgid:
                    pids.append(int(entry))
    return pids


class GroupPeak:
    """The peak of the summed RSS of a process group, sampled in a thread while a step runs."""

    def __init__(self, pgid: int) -> None:
        self.pgid, self.peak_kb, self._stop = pgid, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, sum(_kb(pid, "VmRSS") for pid in _group(self.pgid)))
            self._stop.wait(0.05)

    def __enter__(self) -> GroupPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _chunks(total: int, chunk: bytes) -> Iterator[bytes]:
    for _ in range(total // len(chunk)):
        yield chunk


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="abuse-bench-") as tmp:
        folder = Path(tmp)
        redis = RedisServer(folder)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "ENGINE_PORT": str(port),
            "ENGINE_PUBLIC_BASE_URL": url,
            "ENGINE_REDIS_URL": redis.url,
            "ENGINE_DATA_DIR": str(folder / "data"),
            "ENGINE_LOG_LEVEL": "WARNING",
        }
        engine = subprocess.Popen(
            [sys.executable, "-m", "engine", "--with-worker"], cwd=ROOT, env=env, start_new_session=True
        )
        http = httpx.Client(base_url=url, timeout=600)
        try:
            wait_for(lambda: _answers(http), 30, "the engine")
            _run(http, engine.pid, folder)
        finally:
            http.close()
            os.killpg(engine.pid, signal.SIGTERM)
            engine.wait(30)
            redis.stop()


def _answers(http: httpx.Client) -> bool:
    try:
        return http.get("/health").status_code == 200
    except httpx.HTTPError:
        return False


def _run(http: httpx.Client, pid: int, folder: Path) -> None:
    token = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "bench"}).json()["data"]["token"]
    auth = {"Authorization": f"Bearer {token}", **ATTRIBUTION}
    sid = http.post("/api/tasks/me/with-session/nemo_agent", json={}, headers=auth).json()["data"][
        "session_id"
    ]
    print(f"engine at rest: server {_kb(pid, 'VmRSS') / 1024:.0f} MB")
    print(f"{'attack':<44} {'answer':>14} {'time':>8} {'server peak':>12} {'all peak':>10}")
    spaces = b" " * MB
    head = b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.mp4"\r\nX-Pad: '
    steps = [
        (
            "300 MB JSON body, Content-Length",
            "/api/tasks/me/with-session/nemo_agent",
            b"{" + b" " * 300 * MB,
            {},
        ),
        ("300 MB JSON body, chunked", "/api/tasks/me/with-session/nemo_agent", _chunks(300 * MB, spaces), {}),
        (
            "300 MB of multipart part headers, chunked",
            f"/api/upload-video/nemo_agent/me/{sid}",
            (part for part in (head, *_chunks(300 * MB, b"a" * MB))),
            {"Content-Type": "multipart/form-data; boundary=b"},
        ),
    ]
    for name, path, body, extra in steps:
        with GroupPeak(pid) as peak:
            start = time.monotonic()
            try:
                reply = http.post(path, content=body, headers={**auth, **extra})
                answer = f"{reply.status_code} {reply.json().get('code', '')}"
            except httpx.HTTPError as exc:
                answer = type(exc).__name__
            took = time.monotonic() - start
        _row(name, answer, took, f"{_kb(pid, 'VmHWM') / 1024:.0f} MB", peak)

    bomb = make_image(folder / "bomb.png", width=8192, height=8192, pattern="color")
    with GroupPeak(pid) as peak:
        start = time.monotonic()
        files = [("files", ("bomb.png", bomb.read_bytes(), "image/png"))]
        reply = http.post(f"/api/upload-video/nemo_agent/me/{sid}", files=files, headers=auth).json()
        kept = reply["data"]["files"][0] if reply.get("code") == 0 else {}
        took = time.monotonic() - start
    size = f"{bomb.stat().st_size // 1024} KB 8192x8192 PNG upload"
    answer = f"-> {kept.get('width')}x{kept.get('height')}"
    _row(size, answer, took, f"{_kb(pid, 'VmHWM') / 1024:.0f} MB", peak)
    with GroupPeak(pid) as peak:
        start = time.monotonic()
        http.post("/api/render/proxy/lambda", json={"id": "bomb", "sessionId": sid}, headers=auth)
        status = wait_for(lambda: _ended(http, auth), 600, "the render")
        took = time.monotonic() - start
    _row("its export (default canvas)", status, took, "", peak)


def _row(name: str, answer: str, took: float, server: str, peak: GroupPeak) -> None:
    print(f"{name:<44} {answer:>14} {took:>7.1f}s {server:>12} {peak.peak_kb / 1024:>7.0f} MB")


def _ended(http: httpx.Client, auth: dict[str, str]) -> str | None:
    status = str(http.get("/api/render/proxy/lambda/bomb", headers=auth).json()["status"])
    return status if status in ("completed", "failed") else None


if __name__ == "__main__":
    main()
