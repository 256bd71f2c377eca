"""The README's first command: a newcomer gets a real edited MP4 with no accounts and no Redis install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av
import pytest

from tests.media import make_speech_clip

pytestmark = [pytest.mark.e2e, pytest.mark.media]
ROOT = Path(__file__).resolve().parents[2]


def run_playground(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.playground", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


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
        "--folder",
        str(tmp_path / "pg"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pauses hata diye" in done.stdout and "Timeline" in done.stdout
