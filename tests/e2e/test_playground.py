"""The README's first command: a newcomer gets a real edited MP4 with no accounts and no Redis install."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import av
import psutil
import pytest
from rq.job import Job

from bot import keys
from bot.playground.chat import PlaygroundChat
from bot.playground.services import wait_for
from bot.playground.stack import start_stack
from tests.media import make_speech_clip, make_tone_clip

pytestmark = [pytest.mark.e2e, pytest.mark.media]
ROOT = Path(__file__).resolve().parents[2]


def run_playground(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.playground", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=os.environ | env if env else None,
    )


def test_the_temporary_folder_is_removed_at_the_end_unless_kept(tmp_path: Path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    done = run_playground("--say", "status", TMPDIR=str(temp))
    assert done.returncode == 0, done.stdout + done.stderr
    assert list(temp.iterdir()) == []  # nothing left behind
    done = run_playground("--say", "status", "--keep", TMPDIR=str(temp))
    assert done.returncode == 0, done.stdout + done.stderr
    [kept] = temp.iterdir()
    assert kept.name.startswith("playground-") and (kept / "logs" / "engine.log").is_file()
    assert f"are in {kept}" in done.stdout  # and it says where


def test_scripted_conversation_writes_the_delivered_mp4(tmp_path: Path):
    clip = make_speech_clip(
        tmp_path / "clip.mp4",
        "en",
        ["hello and welcome", "today we edit a video", "thanks for watching"],
        1.5,
    )
    out = tmp_path / "edited.mp4"
    done = run_playground(
        "--send", str(clip), "--say", "trim the silences and add background music", "--say", "export",
        "--out", str(out), "--folder", str(tmp_path / "pg"),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Removed" in done.stdout and "background music" in done.stdout
    with av.open(str(clip)) as source, av.open(str(out)) as edited:
        video = edited.streams.video[0]
        assert (video.codec_context.width, video.codec_context.height) == (1920, 1080)
        assert video.codec_context.name == "h264" and edited.streams.audio
        assert edited.duration is not None and source.duration is not None
        assert edited.duration < source.duration - 1.5 * av.time_base  # the pauses are gone


def test_hinglish_gets_hinglish_answers_in_roman_script(tmp_path: Path):
    done = run_playground(
        "--demo",
        "--say",
        "silence hata do aur music daalo",
        "--say",
        "status",
        "--say",
        "credits",
        "--folder",
        str(tmp_path / "pg"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pauses hata diye" in done.stdout and "Timeline" in done.stdout
    assert "Frame: 1920×1080 (16:9), aada" in done.stdout  # status says what frame the video will have
    # the engine charges nothing, and the bot says so rather than quoting the cloud's prices
    assert "self-hosted hai" in done.stdout and "50 credits" not in done.stdout


# --- following a render: patience measured in progress, not in polls --------------------------------------
class Terminal:
    """The playground's chat with what the bot said collected, and the engine's render worker at hand."""

    def __init__(self, folder: Path, **worker_env: str) -> None:
        self.stack = start_stack(folder, render_poll_interval_s=0.5, worker_env=worker_env)
        self.events: list[dict[str, Any]] = []
        self.chat = PlaygroundChat(self.stack.redis_server.client(), self.stack.settings, self.events.append)
        self.redis = self.chat.redis

    def texts(self) -> list[str]:
        return [e.get("text", "") for e in self.events]

    def engine_worker(self, sig: signal.Signals) -> None:
        """Freeze or thaw the engine's render worker and everything under it: a render that makes no
        progress. A work horse leaves the worker's process group (RQ's `setpgrp`), so the tree is walked,
        and a freeze is waited for until every process in it is stopped."""
        worker = next(s for s in self.stack.services if s.module == "engine.worker")
        tree = [psutil.Process(worker.process.pid)]
        tree += tree[0].children(recursive=True)
        for process in tree:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.send_signal(sig)
        if sig == signal.SIGSTOP:
            wait_for(lambda: all(_stopped(p) for p in tree), 10, "the engine's worker and horses to freeze")

    def render_of(self, request_id: str) -> str:
        render: bytes = wait_for(lambda: self.redis.get(keys.export_key(request_id)), 30, "the render")
        return render.decode()

    def wait_for_text(self, text: str, timeout: float = 60) -> None:
        def said() -> bool:
            self.chat.drain(0.2)
            return any(text in t for t in self.texts())

        wait_for(said, timeout, text)

    def wait_for_video(self, timeout: float = 120) -> None:
        def delivered() -> bool:
            self.chat.drain(0.2)
            return bool(self.chat.videos)

        wait_for(delivered, timeout, "the video")


@pytest.fixture
def terminal(tmp_path: Path):
    made: list[Terminal] = []

    def start(**worker_env: str) -> Terminal:
        made.append(Terminal(tmp_path / "pg", **worker_env))
        return made[-1]

    yield start
    for t in made:
        with contextlib.suppress(ProcessLookupError, psutil.NoSuchProcess):
            t.engine_worker(signal.SIGCONT)
        print(t.stack.logs())  # shown by pytest only when the test failed
        t.stack.stop()


def _stopped(process: psutil.Process) -> bool:
    try:
        return bool(process.status() in (psutil.STATUS_STOPPED, psutil.STATUS_ZOMBIE))
    except psutil.NoSuchProcess:
        return True


def _uploaded(t: Terminal, tmp_path: Path) -> None:
    clip = make_tone_clip(tmp_path / "clip.mp4", duration_s=2.0)
    request_id = t.chat.send_file(clip)
    assert request_id is not None
    t.chat.wait(request_id, 120)


def test_a_render_waiting_longer_than_ten_polls_is_delivered(terminal, tmp_path: Path):
    t = terminal(RENDER_STALL_TIMEOUT_S="120")
    _uploaded(t, tmp_path)
    t.engine_worker(signal.SIGSTOP)  # the engine's queue does not move: the render stays pending
    request_id = t.chat.say("export")
    assert request_id is not None
    render_id = t.render_of(request_id)
    wait_for(lambda: Job.exists(f"poll-{render_id}-12", connection=t.redis), 90, "a 12th poll")
    t.chat.drain(0.2)
    assert not any("not moved" in text for text in t.texts())
    assert not t.chat.videos  # the render really waited on the frozen worker
    t.engine_worker(signal.SIGCONT)
    t.chat.wait(request_id, 180)
    assert len(t.chat.videos) == 1, t.texts()


def test_a_stalled_render_is_given_up_then_retry_follows_the_same_render(terminal, tmp_path: Path):
    t = terminal(RENDER_STALL_TIMEOUT_S="2", RENDER_WAIT_PER_CLIP_S="0", RENDER_LATE_POLL_INTERVAL_S="1")
    _uploaded(t, tmp_path)
    t.engine_worker(signal.SIGSTOP)
    request_id = t.chat.say("export")
    assert request_id is not None
    render_id = t.render_of(request_id)
    t.wait_for_text("not moved for a long while")
    retried = t.chat.say("retry")  # typed, as the terminal has no buttons to tap
    assert retried is not None
    assert t.render_of(retried) == render_id  # the same render is followed, no second one submitted
    t.engine_worker(signal.SIGCONT)
    # On a busy machine the thawed render may pause past the 2 s stall timeout once more (its last pass):
    # then the late poll delivers it. Either way one render, one video.
    t.wait_for_video(180)
    t.chat.drain(1.0)
    assert len(t.chat.videos) == 1, t.texts()


def test_a_render_finishing_after_the_user_was_told_it_is_slow_is_delivered(terminal, tmp_path: Path):
    t = terminal(RENDER_STALL_TIMEOUT_S="2", RENDER_WAIT_PER_CLIP_S="0", RENDER_LATE_POLL_INTERVAL_S="1")
    _uploaded(t, tmp_path)
    t.engine_worker(signal.SIGSTOP)
    assert t.chat.say("export") is not None
    t.wait_for_text("not moved for a long while")
    t.engine_worker(signal.SIGCONT)
    t.wait_for_video()
    t.chat.drain(1.0)
    assert len(t.chat.videos) == 1
