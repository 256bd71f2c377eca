"""Silence analysis: the pure core over level arrays, the streaming decoder, and the limited child process."""

import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from engine.analysis import (
    HOP_S,
    AnalysisError,
    keep_spans,
    keep_spans_in_child,
    levels_db,
    spans_from_levels,
)
from engine.settings import EngineSettings
from tests.media import make_syllable_speech, mono_samples

LOUD, QUIET = -20.0, -80.0


def levels(*parts: tuple[float, float]) -> np.ndarray:
    """Levels from (seconds, dB) runs at the analysis hop."""
    return np.concatenate([np.full(round(seconds / HOP_S), db) for seconds, db in parts])


def _settings(**overrides: object) -> EngineSettings:
    return EngineSettings(_env_file=None, **overrides)  # type: ignore[call-arg, arg-type]


def test_long_pause_is_cut_with_margins_around_speech():
    spans = spans_from_levels(
        levels((1.0, QUIET), (1.0, LOUD), (2.0, QUIET), (1.0, LOUD), (1.0, QUIET)), HOP_S
    )
    assert spans == [(0.8, 2.2), (3.8, 5.2)]


def test_short_pause_inside_a_sentence_is_kept():
    spans = spans_from_levels(levels((1.0, LOUD), (0.4, QUIET), (1.0, LOUD)), HOP_S, margin_s=0.0)
    assert spans == [(0.0, 2.4)]


def test_pause_at_the_minimum_length_is_cut():
    spans = spans_from_levels(levels((1.0, LOUD), (0.5, QUIET), (1.0, LOUD)), HOP_S, margin_s=0.0)
    assert spans == [(0.0, 1.0), (1.5, 2.5)]


def test_a_lone_syllable_between_long_pauses_is_kept_whole_with_margins():
    spans = spans_from_levels(levels((1.0, QUIET), (0.1, LOUD), (1.0, QUIET)), HOP_S)
    assert spans == [(0.8, 1.3)]


def test_a_short_burst_just_before_a_word_joins_it():
    """The plosive of "Background" is 60 ms of sound, 0.3 s before the rest of the word."""
    spans = spans_from_levels(
        levels((1.0, QUIET), (0.03, LOUD), (0.3, QUIET), (0.8, LOUD), (1.0, QUIET)), HOP_S, margin_s=0.1
    )
    assert spans == [(0.9, 2.23)]


def test_a_lone_click_shorter_than_any_syllable_is_not_speech():
    spans = spans_from_levels(
        levels((1.0, LOUD), (1.0, QUIET), (0.03, LOUD), (1.0, QUIET)), HOP_S, margin_s=0.1
    )
    assert spans == [(0.0, 1.1)]


def test_margins_stop_at_the_clip_edges():
    assert spans_from_levels(levels((0.1, QUIET), (1.0, LOUD), (0.1, QUIET)), HOP_S) == [(0.0, 1.2)]


def test_all_silence_keeps_nothing_and_all_speech_keeps_everything():
    assert spans_from_levels(levels((3.0, QUIET)), HOP_S) == []
    assert spans_from_levels(levels((3.0, LOUD)), HOP_S) == [(0.0, 3.0)]


@pytest.mark.parametrize(("threshold", "expected"), [(-30.0, []), (-40.0, [(0.0, 1.0)])])
def test_threshold_decides_what_counts_as_speech(threshold, expected):
    assert spans_from_levels(levels((1.0, -35.0)), HOP_S, threshold_db=threshold) == expected


def test_levels_are_rms_in_dbfs_over_overlapping_windows():
    t = np.arange(1600) / 16000
    full_sine = np.sin(2 * np.pi * 1000 * t)
    assert levels_db(full_sine, 80, 400) == pytest.approx([-3.01] * 20, abs=0.05)
    assert levels_db(np.zeros(800), 80, 400).tolist() == [-120.0] * 10


def test_a_burst_straddling_two_windows_is_not_judged_quieter():
    """40 ms at -30 dBFS across a 25 ms window boundary: every window it touches would read about -33 dB
    averaged over fixed windows; a centred window sees it whole."""
    samples = np.zeros(16000)
    samples[7800:8440] = 10 ** (-30 / 20) * np.sqrt(2) * np.sin(np.arange(640) * 0.3)
    assert levels_db(samples, 80, 400).max() == pytest.approx(-30.0, abs=0.5)


def _write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype(np.int16).tobytes())
    return path


def test_keep_spans_reads_a_file(tmp_path: Path):
    rate = 16000
    t = np.arange(rate) / rate
    tone = (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype(np.int16)
    path = _write_wav(
        tmp_path / "speech.wav", np.concatenate([tone, np.zeros(2 * rate, np.int16), tone]), rate
    )
    assert keep_spans(path) == [(0.0, 1.21), (2.79, 4.0)]


@pytest.fixture(scope="module")
def syllables(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[float, float, float]]]:
    path = tmp_path_factory.mktemp("syllables") / "syllables.wav"
    return path, make_syllable_speech(path, count=10)


def test_no_syllable_between_pauses_is_removed_or_clipped(syllables):
    """Each burst is checked against the audio: it lies inside a kept span with the margin around it, and
    every removed stretch is quiet (nothing above the threshold's level was thrown away)."""
    path, bursts = syllables
    spans = keep_spans(path)
    assert len(spans) == len(bursts), "each lone syllable keeps its own span; the pauses between are cut"
    for start, end, _ in bursts:
        assert any(s <= start - 0.15 and end + 0.15 <= e for s, e in spans), (start, end, spans)
    samples = mono_samples(path, rate=16000)
    edges = [0.0, *[x for span in spans for x in span], len(samples) / 16000]
    for cut_start, cut_end in zip(edges[::2], edges[1::2], strict=True):
        removed = samples[int(cut_start * 16000) : int(cut_end * 16000)]
        if len(removed):
            assert 20 * np.log10(np.abs(removed).max() + 1e-12) < -35, (cut_start, cut_end)


def test_the_child_process_gives_the_same_spans(syllables):
    path, _ = syllables
    assert keep_spans_in_child(path, _settings()) == keep_spans(path)


def test_a_wav_holding_a_dash_manifest_is_never_read_as_dash(tmp_path: Path):
    """The engine stored it as `.wav` (what its first bytes said): it is opened as WAV or not at all."""
    manifest = tmp_path / "clip.wav"
    manifest.write_text(
        '<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static">'
        '<Period><AdaptationSet><Representation id="1" bandwidth="1">'
        "<BaseURL>http://127.0.0.1:9/secret.wav</BaseURL></Representation></AdaptationSet></Period></MPD>"
    )
    with pytest.raises(AnalysisError, match="could not be read"):
        keep_spans_in_child(manifest, _settings())


def test_an_mp3_holding_a_concat_script_never_opens_the_files_it_names(tmp_path: Path, syllables):
    victim, _ = syllables
    script = tmp_path / "song.mp3"
    script.write_text(f"ffconcat version 1.0\nfile '{victim}'\n")
    with pytest.raises(AnalysisError, match="could not be read"):
        keep_spans_in_child(script, _settings())


def test_analysis_past_its_memory_limit_fails_cleanly(syllables, tmp_path: Path):
    path = tmp_path / "clip.wav"
    shutil.copy(syllables[0], path)
    with pytest.raises(AnalysisError, match="more than this server allows"):
        keep_spans_in_child(path, _settings(analysis_memory_bytes=64 * 1024 * 1024))
