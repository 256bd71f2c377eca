"""Start-up checks of the engine and its render workers, and the same checks behind `/health`.

The engine stops at start-up, in one line naming the setting or service and the fix, when it could not serve
a single request: Redis unreachable, the data folder not writable, FFmpeg missing, or no font for titles.
Never a traceback, and never a library's exception text (it may quote a URL with a password). `/health`
asks the same questions of a running engine (`dependencies`), so an operator sees a dependency that went
away later too; its public reply names only the dependency (`PUBLIC_PROBLEMS`: no host, no folder), the
details go to the log. FFmpeg is looked at once per process (a binary in the installed package does not
go away), so a health check every few seconds starts no process.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import imageio_ffmpeg
from pydantic import ValidationError
from redis import Redis
from redis.exceptions import RedisError

from engine.errors import EngineError
from engine.fonts import missing_glyphs, why_no_font

EXIT_STARTUP = 2
SAMPLES = {"Hindi": "नमस्ते", "Latin": "Hello"}  # a title in each script the engine promises
PUBLIC_PROBLEMS = {  # what anyone asking `/health` is told, by dependency
    "redis": "cannot reach Redis",
    "data_dir": "cannot write to the data folder",
    "ffmpeg": "FFmpeg does not run",
    "fonts": "no font draws the titles",
}


class StartupError(EngineError):
    """A failure the operator can fix; the message is the whole report."""


def run(name: str, main: Callable[[], None]) -> None:
    """Run `main`; report a start-up failure as `name: <one line>` on stderr and exit with status 2."""
    try:
        main()
    except StartupError as exc:
        _stop(name, str(exc))
    except ValidationError as exc:
        names = sorted({str(e["loc"][0]).upper() for e in exc.errors() if e["loc"]})
        _stop(name, f"invalid value for ENGINE_{', ENGINE_'.join(names)}: fix it in .env or the environment")
    except KeyboardInterrupt:
        sys.exit(130)


def _stop(name: str, line: str) -> None:
    print(f"{name}: {line}", file=sys.stderr, flush=True)
    sys.exit(EXIT_STARTUP)


def check_all(redis_url: str, data_dir: Path, font_dirs: tuple[Path, ...]) -> Redis:
    """Every check, in the order an operator would fix them; returns the Redis client."""
    problems = dependencies(redis_url, data_dir, font_dirs)
    if problems:
        raise StartupError(next(iter(problems.values())))
    return Redis.from_url(redis_url)


def listen(host: str, port: int) -> socket.socket:
    """The server's listening socket, bound before anything else starts: a port in use (an engine already
    running, most often) is a start-up failure in one line, not uvicorn's log lines and exit status 3."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        # create_server's own strerror quotes the address again; the errno's words are enough
        code = exc.errno or 0
        reason = os.strerror(code) if code > 0 else exc.strerror or type(exc).__name__
        raise StartupError(
            f"cannot listen on {host}:{port} ({reason}): stop the program using it (an engine already "
            "running?) or set ENGINE_PORT (and ENGINE_HOST) to a free address"
        ) from None


def dependencies(redis_url: str, data_dir: Path, font_dirs: tuple[Path, ...]) -> dict[str, str]:
    """What is wrong, by dependency (`redis`, `data_dir`, `ffmpeg`, `fonts`); empty when all is well."""
    found = {
        "redis": _redis(redis_url),
        "data_dir": _writable(data_dir),
        "ffmpeg": _ffmpeg(),
        "fonts": _fonts(font_dirs),
    }
    return {name: problem for name, problem in found.items() if problem is not None}


def _redis(url: str) -> str | None:
    try:
        Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except (RedisError, ValueError, OSError) as exc:
        parts = urlsplit(url)
        where = f"unix://{parts.path}" if parts.scheme == "unix" else f"{parts.hostname}:{parts.port or 6379}"
        return (
            f"cannot reach Redis at {where} ({type(exc).__name__}): start redis-server or set "
            "ENGINE_REDIS_URL to a running one"
        )
    return None


def _writable(folder: Path) -> str | None:
    probe = folder / ".write-check"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return f"cannot write to {folder} ({reason}): set ENGINE_DATA_DIR to a writable folder"
    return None


@cache
def _ffmpeg() -> str | None:
    try:
        exe = imageio_ffmpeg.get_ffmpeg_exe()
        subprocess.run([exe, "-version"], capture_output=True, check=True, timeout=30)
    except (RuntimeError, OSError, subprocess.SubprocessError):
        return (
            "FFmpeg is missing or does not run: reinstall the project (pip install -e .) to get the "
            "imageio-ffmpeg binary, or point IMAGEIO_FFMPEG_EXE at a working ffmpeg"
        )
    return None


def _fonts(font_dirs: tuple[Path, ...]) -> str | None:
    lacking = [script for script, sample in SAMPLES.items() if missing_glyphs(sample, font_dirs)]
    if not lacking:
        return None
    return (
        f"no font draws {' and '.join(lacking)} titles ({why_no_font(font_dirs)}): reinstall the project "
        "to restore engine/data/fonts, set ENGINE_FONT_DIRS to folders holding Noto Sans Devanagari and "
        "Noto Sans, or apt-get install fonts-noto-core"
    )
