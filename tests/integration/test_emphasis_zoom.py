"""Punch-ins on emphasis, end to end: espeak-ng sentences in which one word is spoken 12 dB louder than the
rest → the real transcription (Whisper tiny.en, word loudness) → "zoom on emphasis" → the real renderer; the
zoom is measured in the output frames: on the loud words, and not on the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.interpret import interpret
from engine.operations import frame
from engine.operations.family import Inputs
from engine.settings import EngineSettings
from engine.speech import transcribe_to_cache
from engine.timeline import Timeline
from tests import media as m
from tests.integration.test_reframe import cv2, frames_gray, measured_zoom, probed, render

pytest.importorskip("faster_whisper", reason="the `captions` extra is not installed")
pytestmark = pytest.mark.media
QUIET_DB = -12.0
GAP_S = 0.06  # between the parts of one sentence: the words run on
SENTENCES = [
    [m.Spoken("this is", gain_db=QUIET_DB, pause_s=GAP_S), m.Spoken("really", pause_s=GAP_S),
     m.Spoken("good food for everyone", gain_db=QUIET_DB)],
    [m.Spoken("and you will", gain_db=QUIET_DB, pause_s=GAP_S), m.Spoken("love", pause_s=GAP_S),
     m.Spoken("this little place", gain_db=QUIET_DB)],
]  # fmt: skip


def test_the_zoom_lands_on_the_louder_words_and_not_on_the_others(tmp_path: Path):
    wav = tmp_path / "stress.wav"
    spans = m.synth_speech(wav, "en", [part for sentence in SENTENCES for part in sentence], pause_s=1.5)
    still = m.make_image(tmp_path / "pattern.png", 640, 360, pattern="testsrc2")
    clip = m.make_still_clip(tmp_path / "a.mp4", still, audio=wav)
    info = probed(clip, "a")
    transcript = transcribe_to_cache(clip, "a", EngineSettings(data_dir=tmp_path, asr_model="tiny.en"))
    (asked,) = interpret("zoom on emphasis")
    assert isinstance(asked, frame.ZoomEmphasis)
    timeline = Timeline().append_clip(info)
    outcome = frame.apply(asked, Inputs(timeline, "en", [info], transcripts={"a": transcript}))
    assert outcome.ok and outcome.figures["count"] == 2

    frames = frames_gray(render(tmp_path, outcome.timeline, {"a": info}, (640, 360)))
    source = cv2.cvtColor(cv2.imread(str(still)), cv2.COLOR_BGR2GRAY)

    def zoom_at(seconds: float) -> float:
        return measured_zoom(frames[round(seconds * 30)], source)

    loud = [spans[1], spans[4]]
    quiet_before = [spans[0], spans[3]]  # the words leading up to each loud one
    quiet_after = [spans[2], spans[5]]  # the sentence's last words, after the punch-in's hold
    assert [zoom_at((a + b) / 2) for a, b in loud] == pytest.approx([1.1, 1.1], abs=0.011)
    assert [zoom_at((a + b) / 2) for a, b in quiet_before] == pytest.approx([1.0, 1.0], abs=0.011)
    assert [zoom_at(b - 0.15) for _, b in quiet_after] == pytest.approx([1.0, 1.0], abs=0.011)
    assert zoom_at(spans[2][1] + 0.75) == pytest.approx(1.0, abs=0.011)  # the pause between sentences
