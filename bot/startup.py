"""Start-up checks of the bot and the workers: what an operator must fix, in one line, before anything runs.

A process that cannot work (no token, a token Telegram rejects, no Redis, no FFmpeg, a folder it cannot
write) stops at once with one line naming the setting or service and the fix, and a non-zero exit status.
Never a traceback: a traceback is noise to a newcomer, and python-telegram-bot's own exceptions quote the
token. So no exception text from a library reaches these lines, only our words and the exception's type;
URLs are shown without their credentials.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import imageio_ffmpeg
from pydantic import ValidationError
from redis import Redis
from redis.exceptions import RedisError

from bot.durability import RedisDurabilityError
from bot.settings import Settings

EXIT_STARTUP = 2


class StartupError(Exception):
    """A failure the operator can fix; the message is the whole report (no secret, no traceback)."""


def run(name: str, main: Callable[[], None], secrets: Callable[[], Sequence[str]] = tuple) -> None:
    """Run `main`; report a start-up failure as `name: <one line>` on stderr and exit with status 2.

    An unexpected exception is reported the same way, by type and message with every configured secret
    blanked out, rather than by Python's default hook (which prints whatever the exception quotes).
    """
    try:
        main()
    except (StartupError, RedisDurabilityError) as exc:
        _stop(name, str(exc))
    except ValidationError as exc:
        _stop(name, settings_problem(exc))
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        _stop(name, f"stopped by an unexpected {type(exc).__name__}: {redact(str(exc), secrets())}")


def _stop(name: str, line: str) -> None:
    print(f"{name}: {line}", file=sys.stderr, flush=True)
    sys.exit(EXIT_STARTUP)


def settings_problem(exc: ValidationError) -> str:
    """Which settings have values that cannot be read (never the values: one may be a token)."""
    names = sorted({str(error["loc"][0]).upper() for error in exc.errors() if error["loc"]})
    return f"invalid value for {', '.join(names)}: fix it in .env or the environment (see .env.example)"


def redact(text: str, secrets: Sequence[str]) -> str:
    """`text` with every secret replaced by `***`."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def safe_url(url: str) -> str:
    """A URL as it may be shown: without user name and password."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"unix://{parts.path}"
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def check_redis(url: str, setting: str) -> None:
    """Redis answers, or a StartupError naming the setting."""
    try:
        with Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5) as client:
            client.ping()
    except (RedisError, ValueError, OSError) as exc:
        raise StartupError(
            f"cannot reach Redis at {safe_url(url)} ({type(exc).__name__}): start redis-server "
            f"or set {setting} to a running one"
        ) from None


def check_writable(folder: Path, setting: str) -> None:
    """The folder exists (or can be made) and accepts files."""
    probe = folder / ".write-check"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise StartupError(
            f"cannot write to {folder} ({exc.strerror or type(exc).__name__}): set {setting} to a "
            "writable folder"
        ) from None


def check_ffmpeg() -> None:
    """FFmpeg runs (the imageio-ffmpeg wheel's binary, or IMAGEIO_FFMPEG_EXE)."""
    try:
        exe = imageio_ffmpeg.get_ffmpeg_exe()
        subprocess.run([exe, "-version"], capture_output=True, check=True, timeout=30)
    except (RuntimeError, OSError, subprocess.SubprocessError):
        raise StartupError(
            "FFmpeg is missing or does not run: reinstall the project (pip install -e .) to get the "
            "imageio-ffmpeg binary, or point IMAGEIO_FFMPEG_EXE at a working ffmpeg"
        ) from None


def check_telegram(settings: Settings) -> None:
    """A token is set and Telegram accepts it (`getMe`)."""
    token = settings.telegram_bot_token.get_secret_value().strip()
    if not token:
        raise StartupError(
            "TELEGRAM_BOT_TOKEN is not set: put the token @BotFather gave you in .env "
            "(copy .env.example) or in the environment"
        )
    base = settings.telegram_api_base_url
    try:
        reply = httpx.get(f"{base}{token}/getMe", timeout=settings.telegram_request_timeout_s)
    except httpx.HTTPError as exc:
        raise StartupError(
            f"cannot reach the Telegram Bot API at {safe_url(base)} ({type(exc).__name__}): check the "
            "network, or TELEGRAM_API_BASE_URL"
        ) from None
    if reply.status_code in (401, 404):
        raise StartupError(
            "TELEGRAM_BOT_TOKEN was rejected by Telegram: copy the token from @BotFather again"
        )
    if reply.status_code != 200:
        raise StartupError(
            f"the Telegram Bot API at {safe_url(base)} answered HTTP {reply.status_code} to getMe: "
            "check TELEGRAM_API_BASE_URL, or try again later"
        )


def listen(host: str, port: int, port_setting: str, host_setting: str) -> socket.socket:
    """A server's socket, bound before anything else starts: a port already taken is one line naming the
    settings to change (uvicorn would only log it, and exit 1 or 3)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise StartupError(
            f"cannot listen on {host}:{port} ({exc.strerror or type(exc).__name__}): stop what uses the "
            f"port or set {port_setting} (or {host_setting}) to a free one"
        ) from None
    return sock
