"""The engine's only process launcher: runs FFmpeg argv lists (never a shell) with progress, timeout and kill.

Builders (`engine.ffargs`) return argv lists without the binary; this module adds the binary from
imageio-ffmpeg and `-progress pipe:1`, turns the progress lines into seconds of output for a callback, drains
stderr in a thread into a bounded tail (so a chatty FFmpeg can neither block nor grow memory), and turns
failures into `FfmpegError`. FFmpeg dies with the thread that started it (Linux's parent-death signal):
a render's work horse killed by pid (a crash, RQ's timeout, an operator) must not leave its FFmpeg running.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from functools import cache

import imageio_ffmpeg

from engine.errors import FfmpegError

_TAIL_LINES = 60
_PR_SET_PDEATHSIG = 1
# Looked up once here: the child between fork and exec should only call, not load.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None


def _die_with_parent(parent_pid: int, niceness: int) -> None:
    """In the child before exec: SIGKILL when the parent goes, and at once if it went already; then step
    back by `niceness`."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os.kill(os.getpid(), signal.SIGKILL)
    if niceness:
        os.nice(niceness)


@cache
def ffmpeg_exe() -> str:
    """Path of the FFmpeg binary shipped in the imageio-ffmpeg wheel."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def progress_seconds(line: str) -> float | None:
    """Seconds of output written, from one `-progress` line (`out_time_us=…`), else None."""
    key, _, value = line.strip().partition("=")
    if key in ("out_time_us", "out_time_ms") and value.lstrip("-").isdigit():
        return max(0.0, int(value) / 1_000_000)  # both keys are microseconds, despite the name
    return None


def _drain(lines: Iterable[str], tail: deque[str]) -> None:
    for line in lines:
        tail.append(line.rstrip("\n"))


def run_ffmpeg(
    args: Sequence[str],
    *,
    timeout_s: float,
    on_progress: Callable[[float], None] | None = None,
    niceness: int = 0,
) -> str:
    """Run FFmpeg with `args`; return its stderr tail; raise `FfmpegError` on failure or timeout. A
    `niceness` above 0 lets the run take only the CPU that runs beside it leave over."""
    argv = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-progress", "pipe:1", *args]
    parent_pid = os.getpid()
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            preexec_fn=lambda: _die_with_parent(parent_pid, niceness),  # takes no locks: safe beside threads
        )
    except OSError as exc:
        raise FfmpegError(f"ffmpeg could not start: {exc.strerror}") from exc
    assert proc.stdout is not None and proc.stderr is not None
    tail: deque[str] = deque(maxlen=_TAIL_LINES)
    drainer = threading.Thread(target=_drain, args=(proc.stderr, tail), daemon=True)
    drainer.start()
    timed_out = threading.Event()

    def _kill() -> None:
        timed_out.set()
        proc.kill()

    timer = threading.Timer(timeout_s, _kill)
    timer.start()
    try:
        for line in proc.stdout:
            seconds = progress_seconds(line)
            if seconds is not None and on_progress is not None:
                on_progress(seconds)
        returncode = proc.wait()
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        drainer.join()
        proc.stdout.close()
        proc.stderr.close()
    stderr_tail = "\n".join(tail)
    if timed_out.is_set():
        raise FfmpegError(f"ffmpeg timed out after {timeout_s:.0f}s", stderr_tail=stderr_tail)
    if returncode != 0:
        raise FfmpegError(
            f"ffmpeg failed with exit code {returncode}", returncode=returncode, stderr_tail=stderr_tail
        )
    return stderr_tail
