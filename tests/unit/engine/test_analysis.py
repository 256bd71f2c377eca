"""Silence analysis: the pure core over level arrays, and the streaming decoder on a tiny WAV."""

import wave
from pathlib import Path

import numpy as np
import pytest

from engine.analysis import WINDOW_S, keep_spans, levels_db, spans_from_levels

LOUD, QUIET = -20.0, -80.0


def levels(*parts: tuple[float, float]) -> np.ndarray:
    """Levels from (seconds, dB) runs at the analysis window size."""
    return np.concatenate([np.full(round(seconds / WINDOW_S), db) for seconds, db in parts])


def test_long_pause_is_cut_with_margins_around_speech():
    spans = spans_from_levels(
        levels((1.0, QUIET), (1.0, LOUD), (2.0, QUIET), (1.0, LOUD), (1.0, QUIET)), WINDOW_S
    )
    assert spans == [(0.8, 2.2), (3.8, 5.2)]


def test_short_pause_inside_a_sentence_is_kept():
    spans = spans_from_levels(levels((1.0, LOUD), (0.4, QUIET), (1.0, LOUD)), WINDOW_S, margin_s=0.0)
    assert spans == [(0.0, 2.4)]


def test_pause_at_the_minimum_length_is_cut():
    spans = spans_from_levels(levels((1.0, LOUD), (0.5, QUIET), (1.0, LOUD)), WINDOW_S, margin_s=0.0)
    assert spans == [(0.0, 1.0), (1.5, 2.5)]


def test_click_shorter_than_min_clip_is_not_speech():
    spans = spans_from_levels(
        levels((1.0, LOUD), (1.0, QUIET), (0.1, LOUD), (1.0, QUIET)), WINDOW_S, margin_s=0.1
    )
    assert spans == [(0.0, 1.1)]


def test_margins_stop_at_the_clip_edges():
    assert spans_from_levels(levels((0.1, QUIET), (1.0, LOUD), (0.1, QUIET)), WINDOW_S) == [(0.0, 1.2)]


def test_all_silence_keeps_nothing_and_all_speech_keeps_everything():
    assert spans_from_levels(levels((3.0, QUIET)), WINDOW_S) == []
    assert spans_from_levels(levels((3.0, LOUD)), WINDOW_S) == [(0.0, 3.0)]


@pytest.mark.parametrize(("threshold", "expected"), [(-30.0, []), (-40.0, [(0.0, 1.0)])])
def test_threshold_decides_what_counts_as_speech(threshold, expected):
    assert spans_from_levels(levels((1.0, -35.0)), WINDOW_S, threshold_db=threshold) == expected


def test_levels_are_rms_in_dbfs():
    t = np.arange(1600) / 16000
    full_sine = np.sin(2 * np.pi * 1000 * t)
    assert levels_db(full_sine, 400) == pytest.approx([-3.01] * 4, abs=0.05)
    assert levels_db(np.zeros(800), 400).tolist() == [-120.0, -120.0]


def test_keep_spans_reads_a_file(tmp_path: Path):
    rate = 16000
    t = np.arange(rate) / rate
    tone = (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype(np.int16)
    samples = np.concatenate([tone, np.zeros(2 * rate, np.int16), tone])
    path = tmp_path / "speech.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    assert keep_spans(path) == [(0.0, 1.2), (2.8, 4.0)]
