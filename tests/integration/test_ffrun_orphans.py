"""FFmpeg dies with the process that started it: a render horse SIGKILLed mid-encode (RQ's timeout, a crash,
an operator) must not leave its FFmpeg running on, holding a core for the length of the render.

FFmpeg ignores SIGPIPE, so the closed progress pipe does not stop it: only the parent-death signal does. The
encode here reads its input at its own pace (`-re`, a 10-minute source) so it would outlive the test by far.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import wait_for

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
ENCODE = [
    "-re", "-f", "lavfi", "-i", "testsrc2=size=64x36:rate=5:duration=600",
    "-c:v", "libx264", "-preset", "ultrafast", "-f", "null", "-",
]  # fmt: skip
PARENT = f"from engine.ffrun import run_ffmpeg; run_ffmpeg({ENCODE!r}, timeout_s=900)"


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _encoder(pid: int) -> int | None:
    """The parent's FFmpeg that encodes (not imageio-ffmpeg's `-version` check), once past its start-up."""
    for child in _children(pid):
        with contextlib.suppress(FileNotFoundError, StopIteration):
            if b"testsrc2" in Path(f"/proc/{child}/cmdline").read_bytes() and _ignores_sigpipe(child):
                return child
    return None


def _ignores_sigpipe(pid: int) -> bool:
    """FFmpeg is past its start-up: it ignores SIGPIPE, so a closed progress pipe no longer stops it."""
    status = Path(f"/proc/{pid}/status").read_text()
    ignored = int(next(line for line in status.splitlines() if line.startswith("SigIgn:")).split()[1], 16)
    return bool(ignored & (1 << (signal.SIGPIPE - 1)))


def test_ffmpeg_dies_when_its_parent_is_killed_by_pid() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", PARENT], cwd=ROOT, env=env)
    ffmpeg = 0
    try:
        ffmpeg = wait_for(lambda: _encoder(parent.pid), 30, "FFmpeg to start encoding")
        os.kill(parent.pid, signal.SIGKILL)
        assert parent.wait(10) == -signal.SIGKILL  # the kill landed
        wait_for(lambda: not _alive(ffmpeg) or None, 10, "the orphaned FFmpeg to die")
    finally:
        if ffmpeg and _alive(ffmpeg):
            os.kill(ffmpeg, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
            parent.wait()
