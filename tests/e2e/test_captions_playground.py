"""The README's offline captions command: the real bot, engine, worker and bundled model, no network."""

from __future__ import annotations

from pathlib import Path

import pytest
import srt

from tests import media as m
from tests.e2e.test_playground import run_playground
from tests.integration.test_captions import PHRASES, REFERENCE, ocr, wer

pytest.importorskip("faster_whisper", reason="the `captions` extra is not installed")
pytestmark = [pytest.mark.e2e, pytest.mark.media]


def test_captions_lagao_then_srt_then_export_gives_a_captioned_mp4_and_an_srt(tmp_path: Path):
    wav = tmp_path / "talk.wav"
    m.synth_speech(wav, "en", PHRASES, pause_s=0.8)
    clip = m.make_video_for_audio(wav, tmp_path / "talk.mp4", width=640, height=360, picture="color=c=black")
    out = tmp_path / "captioned.mp4"
    done = run_playground(
        "--send", str(clip), "--say", "captions lagao", "--say", "srt bhi bhejo", "--say", "export",
        "--out", str(out), "--folder", str(tmp_path / "pg"),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Captions lag gaye" in done.stdout and ".srt" in done.stdout  # Hinglish asked, Hinglish told
    (srt_file,) = (tmp_path / "pg").rglob("files/captions/*.srt")
    cues = list(srt.parse(srt_file.read_text(encoding="utf-8")))
    assert wer(REFERENCE, " ".join(cue.content for cue in cues)) <= 0.15
    middles = [(cue.start.total_seconds() + cue.end.total_seconds()) / 2 for cue in cues]
    read = [ocr(m.frame_gray(out, at), tmp_path) for at in middles]
    assert wer(REFERENCE, " ".join(read)) <= 0.15, read
