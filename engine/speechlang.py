"""The language of each stretch of speech, so that a Hindi vlogger who switches to English mid-clip gets
both halves transcribed in the language they were spoken in (issue 13).

Why per segment: Whisper decodes in one language per call. Given the session's language as a hint for the
whole clip, it writes English sentences as Hindi (or Devanagari gibberish), and without a hint it guesses one
language from the first 30 seconds. So the voice-activity model's segments (pauses split them) are each
given a language by faster-whisper's own detector, runs of one language are decoded together (one decoder
call per run, not per phrase), and every word carries its segment's language.

Why a prior: detection on a short phrase is a guess. Measured on espeak-ng phrases with Whisper `base`
(bench/README.md, speech section), right answers mostly came with probabilities above 0.5 and wrong ones
below (a Hindi phrase: Italian 0.28), though a few wrong ones were sure (French read as Thai, 0.86). Below
`THRESHOLD` the session's language is taken instead: the user told us what they speak.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

THRESHOLD = 0.5  # below this detection probability, the session's language wins (measured, see above)
MIN_DETECT_S = 1.0  # shorter phrases ("ok", "haan") are too short to detect: they keep the language before
_MIN_FRAMES, _MAX_FRAMES = 1000, 3000  # features (10 ms each) the detector sees: 10-30 s
_SAME_AS = {"ur": "hi"}  # spoken Hindi and Urdu are one language to Whisper's ear; the session says which


@dataclass(frozen=True)
class LanguageRun:
    """Consecutive speech (sample offsets at 16 kHz) in one language."""

    start: int
    end: int
    language: str


def choose_language(detected: str, probability: float, prior: str, threshold: float = THRESHOLD) -> str:
    """The detected language when detection is sure (or there is no prior), else the session's."""
    detected = _SAME_AS.get(detected, detected) if prior == _SAME_AS.get(detected) else detected
    if not prior or detected == prior or probability >= threshold:
        return detected
    return prior


def language_runs(
    spans: Sequence[tuple[int, int]],
    detect: Callable[[int, int], tuple[str, float]],
    prior: str,
    rate: int = 16000,
) -> list[LanguageRun]:
    """Speech spans (sample offsets) grouped into runs of one language; `detect(start, end)` names the
    language of one span and how sure it is. A span too short to detect joins the run before it (the first
    one, the prior's language, or the next detected language when there is no prior)."""
    runs: list[LanguageRun] = []
    pending: list[tuple[int, int]] = []  # short spans before any language is known
    for start, end in spans:
        if end - start < MIN_DETECT_S * rate and (runs or prior):
            language = runs[-1].language if runs else prior
        elif end - start < MIN_DETECT_S * rate:
            pending.append((start, end))
            continue
        else:
            language = choose_language(*detect(start, end), prior)
        if pending:
            start, pending = pending[0][0], []
        if runs and runs[-1].language == language:
            runs[-1] = LanguageRun(runs[-1].start, end, language)
        else:
            runs.append(LanguageRun(start, end, language))
    if pending:  # only short phrases and no prior: one run, the detector decides when decoding
        runs.append(LanguageRun(pending[0][0], pending[-1][1], ""))
    return runs


def detector(model: Any, audio: np.ndarray) -> Callable[[int, int], tuple[str, float]]:
    """`detect(start, end)` over one clip's samples with Whisper's language head (`model`: faster-whisper's
    `WhisperModel`). faster-whisper's own `detect_language` pads every phrase to 30 s of features, so one
    detection costs a full encoder pass (2.2-2.9 s of CPU with `base`); the encoder takes shorter input, and
    on 10 s (1000 frames) it is six times cheaper (0.3-0.5 s) and, on the measured phrases, as often right."""
    import ctranslate2  # with faster-whisper (the `captions` extra)

    def detect(start: int, end: int) -> tuple[str, float]:
        features = model.feature_extractor(audio[start:end])[:, :_MAX_FRAMES]
        frames = min(max(features.shape[1], _MIN_FRAMES), _MAX_FRAMES)
        padded = np.zeros((features.shape[0], frames), np.float32)
        padded[:, : features.shape[1]] = features
        encoded = model.model.encode(ctranslate2.StorageView.from_array(padded[None]), to_cpu=False)
        token, probability = max(model.model.detect_language(encoded)[0], key=lambda pair: pair[1])
        return token.strip("<|>"), float(probability)

    return detect
