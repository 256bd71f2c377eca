"""Every process that cannot start says why in one line naming the setting or service, and exits non-zero.

No traceback, and no secret: the token Telegram rejects and a Redis password never appear in the output.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.telegram_api import FakeTelegram
from tests.processes import RedisServer, free_port

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
UNWRITABLE = "/sys/nemo-bot-data"  # sysfs: nobody, root included, can make a folder there


def start(module: str, tmp_path: Path, *args: str, **env: str) -> tuple[int, str]:
    """Run `python -m module` to its end; its exit status and everything it printed."""
    full_env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(ROOT), **env}
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=tmp_path,  # no .env here: only what the test sets
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr


def assert_one_clear_line(status: int, output: str, *words: str) -> None:
    assert status != 0, output
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 2, output
    for word in words:
        assert word in output, output


def test_bot_without_a_token(tmp_path: Path):
    status, output = start("bot", tmp_path)
    assert_one_clear_line(status, output, "TELEGRAM_BOT_TOKEN is not set", ".env")


def test_bot_with_a_token_telegram_rejects(tmp_path: Path):
    rejected = "5550001:AAH-a-token-nobody-issued"
    with FakeTelegram() as fake:
        env = fake.env() | {"TELEGRAM_BOT_TOKEN": rejected}
        status, output = start("bot", tmp_path, **env)
    assert_one_clear_line(status, output, "TELEGRAM_BOT_TOKEN was rejected by Telegram")
    assert rejected not in output and "AAH" not in output


def test_bot_when_the_bot_api_is_unreachable(tmp_path: Path):
    url = f"http://127.0.0.1:{free_port()}/bot"
    status, output = start(
        "bot", tmp_path, TELEGRAM_BOT_TOKEN="5550001:AAH-secret", TELEGRAM_API_BASE_URL=url
    )
    assert_one_clear_line(status, output, "cannot reach the Telegram Bot API", "TELEGRAM_API_BASE_URL")
    assert "AAH-secret" not in output


def test_bot_without_redis(tmp_path: Path):
    with FakeTelegram() as fake:
        env = fake.env() | {"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
        status, output = start("bot", tmp_path, **env)
    assert_one_clear_line(status, output, "cannot reach Redis", "REDIS_URL")


def test_worker_without_redis_never_shows_the_password(tmp_path: Path):
    status, output = start("worker", tmp_path, REDIS_URL=f"redis://:hunter2@127.0.0.1:{free_port()}/0")
    assert_one_clear_line(status, output, "cannot reach Redis", "REDIS_URL")
    assert "hunter2" not in output


def test_worker_without_ffmpeg(tmp_path: Path, redis_server: RedisServer):
    env = {"REDIS_URL": redis_server.url, "IMAGEIO_FFMPEG_EXE": str(tmp_path / "no-ffmpeg")}
    status, output = start("worker", tmp_path, **env)
    assert_one_clear_line(status, output, "FFmpeg", "IMAGEIO_FFMPEG_EXE")


def test_worker_with_an_unwritable_work_dir(tmp_path: Path, redis_server: RedisServer):
    status, output = start("worker", tmp_path, REDIS_URL=redis_server.url, WORK_DIR=UNWRITABLE)
    assert_one_clear_line(status, output, "cannot write to", "WORK_DIR")


def test_engine_without_redis(tmp_path: Path):
    env = {"ENGINE_REDIS_URL": f"redis://127.0.0.1:{free_port()}/1", "ENGINE_DATA_DIR": str(tmp_path)}
    status, output = start("engine", tmp_path, **env)
    assert_one_clear_line(status, output, "engine:", "cannot reach Redis", "ENGINE_REDIS_URL")


def test_engine_with_a_read_only_data_folder(tmp_path: Path, redis_server: RedisServer):
    env = {"ENGINE_REDIS_URL": redis_server.url, "ENGINE_DATA_DIR": UNWRITABLE}
    status, output = start("engine", tmp_path, **env)
    assert_one_clear_line(status, output, "cannot write to", "ENGINE_DATA_DIR")


def test_engine_worker_without_ffmpeg(tmp_path: Path, redis_server: RedisServer):
    env = {
        "ENGINE_REDIS_URL": redis_server.url,
        "ENGINE_DATA_DIR": str(tmp_path / "data"),
        "IMAGEIO_FFMPEG_EXE": str(tmp_path / "no-ffmpeg"),
    }
    status, output = start("engine.worker", tmp_path, **env)
    assert_one_clear_line(status, output, "engine.worker:", "FFmpeg", "IMAGEIO_FFMPEG_EXE")


def test_playground_in_a_folder_it_cannot_write(tmp_path: Path):
    status, output = start("bot.playground", tmp_path, "--folder", UNWRITABLE, "--say", "status")
    assert_one_clear_line(status, output, "playground:", "cannot write to", "--folder")


def test_engine_with_its_fonts_folder_missing(tmp_path: Path, redis_server: RedisServer):
    fonts = tmp_path / "fonts"
    env = {"ENGINE_REDIS_URL": redis_server.url, "ENGINE_DATA_DIR": str(tmp_path / "data")}
    status, output = start("engine", tmp_path, **env, ENGINE_FONT_DIRS=str(fonts))
    assert_one_clear_line(
        status, output, "engine:", "no font draws", f"{fonts}: no such folder", "ENGINE_FONT_DIRS"
    )


def test_engine_worker_with_unreadable_fonts(tmp_path: Path, redis_server: RedisServer):
    """A clone made without Git LFS: the font files are text pointers, not fonts."""
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    for name in ("NotoSansDevanagari-Bold.ttf", "NotoSans-Bold.ttf"):
        (fonts / name).write_text("version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 1\n")
    env = {"ENGINE_REDIS_URL": redis_server.url, "ENGINE_DATA_DIR": str(tmp_path / "data")}
    status, output = start("engine.worker", tmp_path, **env, ENGINE_FONT_DIRS=str(fonts))
    assert_one_clear_line(status, output, "engine.worker:", "cannot be read", "ENGINE_FONT_DIRS")


def test_engine_on_a_port_already_in_use(tmp_path: Path, redis_server: RedisServer):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {"ENGINE_REDIS_URL": redis_server.url, "ENGINE_DATA_DIR": str(tmp_path / "data")}
        status, output = start("engine", tmp_path, **env, ENGINE_PORT=str(port), ENGINE_HOST="127.0.0.1")
    assert_one_clear_line(status, output, f"cannot listen on 127.0.0.1:{port}", "in use", "ENGINE_PORT")


def test_bot_webhook_on_a_port_already_taken(tmp_path: Path, redis_server: RedisServer):
    with socket.socket() as taken, FakeTelegram() as fake:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        webhook = {"TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}", "TELEGRAM_WEBHOOK_SECRET": "a-secret"}
        env = (
            fake.env()
            | webhook
            | {"TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1", "TELEGRAM_WEBHOOK_PORT": str(port)}
        )
        status, output = start("bot", tmp_path, **env, REDIS_URL=redis_server.url)
        assert fake.calls("setWebhook") == []  # Telegram keeps sending to the bot that is running
    assert_one_clear_line(status, output, f"cannot listen on 127.0.0.1:{port}", "TELEGRAM_WEBHOOK_PORT")
    assert status == 2


def test_whatsapp_without_its_token(tmp_path: Path, redis_server: RedisServer):
    env = {
        "REDIS_URL": redis_server.url,
        "WHATSAPP_APP_SECRET": "s3cret-app",
        "WHATSAPP_PHONE_NUMBER_ID": "106",
    }
    status, output = start("bot.whatsapp", tmp_path, **env)
    assert status == 2
    assert_one_clear_line(status, output, "WHATSAPP_ACCESS_TOKEN not set", ".env")
    assert "s3cret-app" not in output


def test_whatsapp_on_a_port_already_taken(tmp_path: Path, redis_server: RedisServer):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        env = {
            "REDIS_URL": redis_server.url,
            "WHATSAPP_ACCESS_TOKEN": "EAAG-a-token-to-keep",
            "WHATSAPP_APP_SECRET": "s3cret-app",
            "WHATSAPP_PHONE_NUMBER_ID": "106",
            "WHATSAPP_LISTEN_HOST": "127.0.0.1",
            "WHATSAPP_LISTEN_PORT": str(taken.getsockname()[1]),
        }
        status, output = start("bot.whatsapp", tmp_path, **env)
    assert status == 2
    assert_one_clear_line(status, output, "cannot listen on 127.0.0.1:", "WHATSAPP_LISTEN_PORT")
    assert "EAAG-a-token-to-keep" not in output and "s3cret-app" not in output
