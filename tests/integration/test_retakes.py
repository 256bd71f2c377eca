"""Bad-take removal on espeak-ng speech with the real model: the last take stays, the words around it too."""

import re

import pytest

from engine.media import MediaInfo
from engine.operations import takes
from engine.operations.family import Inputs
from engine.render import RenderOptions, render_draft
from engine.settings import EngineSettings
from engine.speech import transcribe_to_cache
from engine.timeline import Timeline
from tests import media as m

pytest.importorskip("faster_whisper", reason="the `captions` extra is not installed")
pytestmark = pytest.mark.media
TAKE = "so today we are going to the market to buy fresh vegetables"


def words_of(text: str) -> str:
    return " ".join(re.sub(r"[^a-z ]+", " ", text.lower()).split())


def nearly_in(phrase: str, heard: str) -> bool:
    """The phrase's words in a row in what was heard, one word misheard at most (tiny.en hears "buy" as
    "my" now and then, cut or not)."""
    want, got = words_of(phrase).split(), heard.split()
    windows = (got[i : i + len(want)] for i in range(len(got) - len(want) + 1))
    return any(sum(a == b for a, b in zip(want, window, strict=True)) >= len(want) - 1 for window in windows)


def test_a_sentence_said_again_after_a_cut_off_take_is_heard_once(tmp_path):
    phrases = ["hello friends welcome back", "so today we are going to", TAKE, "thank you for watching"]
    wav = tmp_path / "takes.wav"
    m.synth_speech(wav, "en", phrases, pause_s=0.5)
    clip = m.make_video_for_audio(wav, tmp_path / "takes.mp4")
    settings = EngineSettings(data_dir=tmp_path, asr_model="tiny.en")
    transcript = transcribe_to_cache(clip, "t", settings)
    assert words_of(transcript.text).count("today we are going") == 2, transcript.text  # both takes heard
    info = MediaInfo("t", "takes.mp4", "takes.mp4", "video", "mp4", 1, transcript.duration_s, 320, 180,
                     25.0, True, True)  # fmt: skip
    outcome = takes.apply(
        takes.RemoveRetakes(), Inputs(Timeline().append_clip(info), "en", transcripts={"t": transcript})
    )
    assert outcome.key == "edit.retakes" and outcome.figures["count"] == 1
    assert outcome.timeline.canvas.extra["retakes_cut"] == 1  # what `status` tells
    out = tmp_path / "out.mp4"
    render_draft(
        outcome.timeline.to_draft(),
        {"t": info},
        tmp_path,
        out,
        lambda _: None,
        options=RenderOptions("ultrafast"),
    )
    heard = words_of(transcribe_to_cache(out, "out", settings).text)
    assert heard.count("today we are going") == 1, heard
    for phrase in (
        "hello friends welcome back",
        "to the market to buy fresh vegetables",
        "thank you for watching",
    ):
        assert nearly_in(phrase, heard), heard
