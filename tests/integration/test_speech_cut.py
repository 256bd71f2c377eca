"""Speech-aware pause removal on espeak-ng speech under street noise at 10 dB SNR, with the real model."""

import itertools
from collections.abc import Iterable

import numpy as np
import pytest

from engine.analysis import keep_spans
from engine.media import MediaInfo
from engine.operations import fillers as filler_ops
from engine.operations.family import Inputs
from engine.operations.fillers import RemoveFillers
from engine.settings import EngineSettings
from engine.speech import transcribe_to_cache
from engine.speechcut import speech_keep_spans, speech_spans
from engine.timeline import Timeline
from tests import media as m

pytest.importorskip("faster_whisper", reason="the `captions` extra is not installed")
pytestmark = pytest.mark.media
PHRASES = [
    "hello friends welcome back",
    "today we travel to the mountains",
    "the road is long",
    "but the view is beautiful",
    "we will stop for tea",
    "and then climb higher",
    "the air is cold up here",
    "look at those clouds",
    "my legs are tired now",
    "but we are almost there",
    "thank you for watching",
]
BREATH_S = 0.4  # what may stay of a removed pause: the margins before and after the words


def kept_inside(keep: Iterable[tuple[float, float]], start: float, end: float) -> float:
    return sum(max(0.0, min(b, end) - max(a, start)) for a, b in keep)


@pytest.fixture(scope="module")
def noisy_talk(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("speechcut")
    clean = tmp / "clean.wav"
    spoken = m.synth_speech(clean, "en", PHRASES, pause_s=0.8)
    clip = m.make_video_for_audio(
        m.mix_noise(clean, tmp / "noisy.wav", spoken, snr_db=10.0), tmp / "noisy.mp4"
    )
    transcript = transcribe_to_cache(clip, "noisy", EngineSettings(data_dir=tmp, asr_model="tiny.en"))
    return clip, spoken, transcript


def test_pauses_are_cut_in_street_noise_where_a_loudness_threshold_cuts_nothing(noisy_talk):
    clip, spoken, transcript = noisy_talk
    keep = speech_keep_spans(transcript)
    pauses = [(a[1], b[0]) for a, b in itertools.pairwise(spoken)]
    removed = [kept_inside(keep, start, end) <= BREATH_S for start, end in pauses]
    assert sum(removed) / len(pauses) >= 0.9, keep
    loudness = keep_spans(clip)  # the fallback path, for contrast: the noise is as loud as speech's tails
    assert sum(kept_inside(loudness, s, e) <= BREATH_S for s, e in pauses) < len(pauses) / 2


def test_no_spoken_phrase_loses_more_than_40_ms_at_its_edges(noisy_talk):
    _, spoken, transcript = noisy_talk
    keep = speech_keep_spans(transcript)
    for start, end in spoken:
        lost = (end - start) - kept_inside(keep, start, end)
        assert lost <= 0.04, (start, end, keep)


def test_street_noise_and_music_alone_are_not_speech(tmp_path):
    seconds, rate = 8.0, m.ESPEAK_RATE
    t = np.arange(int(seconds * rate)) / rate
    melody = np.sin(2 * np.pi * np.where((t % 1.0) < 0.5, 330, 392) * t) + 0.5 * np.sin(2 * np.pi * 131 * t)
    sound = 0.25 * melody / np.abs(melody).max() + 0.05 * m.street_noise(seconds)[: len(t)]
    wav = tmp_path / "street.wav"
    m._write_wav(wav, sound * 20000, rate)
    clip = m.make_video_for_audio(wav, tmp_path / "street.mp4")
    transcript = transcribe_to_cache(clip, "street", EngineSettings(data_dir=tmp_path, asr_model="tiny.en"))
    heard = sum(b - a for a, b in speech_spans(transcript))
    assert heard < 0.1 * seconds, speech_spans(transcript)


def test_inserted_ums_and_uhs_are_cut_and_the_words_around_them_stay(tmp_path):
    phrases = ["today we travel", "umm", "to the mountains", "uh", "and the view", "ummm", "is beautiful"]
    wav = tmp_path / "fillers.wav"
    spoken = m.synth_speech(wav, "en", phrases, pause_s=0.3)
    clip = m.make_video_for_audio(wav, tmp_path / "fillers.mp4")
    transcript = transcribe_to_cache(clip, "f", EngineSettings(data_dir=tmp_path, asr_model="tiny.en"))
    info = MediaInfo("f", "fillers.mp4", "fillers.mp4", "video", "mp4", 1, transcript.duration_s, 320, 180)
    outcome = filler_ops.apply(
        RemoveFillers(), Inputs(Timeline().append_clip(info), "en", transcripts={"f": transcript})
    )
    assert outcome.key == "edit.fillers" and outcome.figures["count"] == 3
    assert outcome.timeline.canvas.extra["fillers_cut"] == 3  # what `status` tells
    keep = [(s.in_ms / 1000, s.out_ms / 1000) for s in outcome.timeline.video]
    for text, (start, end) in zip(phrases, spoken, strict=True):
        kept = kept_inside(keep, start, end)
        if text.startswith(("u", "e")):
            assert kept <= 0.2 * (end - start), (text, keep)
        else:
            assert (end - start) - kept <= 0.04, (text, keep)
