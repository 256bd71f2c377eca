"""Silence analysis: which parts of a clip to keep when the pauses are cut out.

auto-editor's approach is the anchor: a loudness level per short window, silence = below a threshold for
at least `min_silence_s`, loud bursts shorter than `min_clip_s` ignored, and a margin kept on both sides of
speech so that word onsets and tails (quiet consonants) are never clipped. The core works on an array of
levels and is pure; `keep_spans` adds a streaming PyAV decoder whose memory does not grow with the clip's
length (only one small level per window is kept, never the samples).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

WINDOW_S = 0.025
_ANALYSIS_RATE = 16000
_FLOOR_DB = -120.0

Span = tuple[float, float]


def levels_db(samples: np.ndarray, window: int) -> np.ndarray:
    """RMS level (dBFS) of each whole `window` of mono float samples; a partial last window is dropped."""
    usable = samples[: len(samples) // window * window].astype(np.float64).reshape(-1, window)
    rms = np.sqrt(np.mean(usable**2, axis=1))
    levels: np.ndarray = np.maximum(20.0 * np.log10(np.maximum(rms, 1e-12)), _FLOOR_DB)
    return levels


def _runs(mask: np.ndarray, value: bool) -> Iterator[tuple[int, int]]:
    """[start, end) index ranges where `mask` equals `value`."""
    padded = np.concatenate([[False], mask == value, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    yield from zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True)


def spans_from_levels(
    levels: np.ndarray,
    window_s: float,
    *,
    threshold_db: float = -35.0,
    min_silence_s: float = 0.5,
    margin_s: float = 0.2,
    min_clip_s: float = 0.2,
) -> list[Span]:
    """Keep-spans (seconds) from per-window levels: the pure core of `keep_spans`."""
    loud = levels > threshold_db
    for start, end in list(_runs(loud, True)):
        if (end - start) * window_s < min_clip_s:
            loud[start:end] = False  # a click or a breath, not speech
    for start, end in list(_runs(loud, False)):
        inner = start > 0 and end < len(loud)
        if inner and (end - start) * window_s < min_silence_s:
            loud[start:end] = True  # a natural pause inside a sentence stays
    margin = round(margin_s / window_s)
    kept = loud.copy()
    for start, end in _runs(loud, True):
        kept[max(0, start - margin) : end + margin] = True
    total = len(levels) * window_s
    return [(round(s * window_s, 3), round(min(e * window_s, total), 3)) for s, e in _runs(kept, True)]


def _mono_chunks(path: Path) -> Iterator[np.ndarray]:
    """The first audio stream as mono float32 chunks at the analysis rate, decoded in a stream."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=_ANALYSIS_RATE)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                yield out.to_ndarray().reshape(-1)
        for out in resampler.resample(None):
            yield out.to_ndarray().reshape(-1)


def _stream_levels(path: Path, window: int) -> np.ndarray:
    levels: list[np.ndarray] = []
    carry = np.zeros(0, np.float32)
    for chunk in _mono_chunks(path):
        carry = np.concatenate([carry, chunk])
        whole = len(carry) // window * window
        levels.append(levels_db(carry[:whole], window))
        carry = carry[whole:]
    if len(carry):
        levels.append(levels_db(np.pad(carry, (0, window - len(carry))), window))
    return np.concatenate(levels) if levels else np.zeros(0)


def keep_spans(
    path: Path,
    *,
    threshold_db: float = -35.0,
    min_silence_s: float = 0.5,
    margin_s: float = 0.2,
    min_clip_s: float = 0.2,
) -> list[Span]:
    """The spans (seconds) of `path` to keep so that pauses longer than `min_silence_s` are cut out."""
    with av.open(str(path)) as container:
        has_audio = bool(container.streams.audio)
        duration = float(container.duration or 0) / av.time_base
    if not has_audio:
        return [(0.0, round(duration, 3))] if duration > 0 else []
    window = int(WINDOW_S * _ANALYSIS_RATE)
    spans = spans_from_levels(
        _stream_levels(path, window),
        WINDOW_S,
        threshold_db=threshold_db,
        min_silence_s=min_silence_s,
        margin_s=margin_s,
        min_clip_s=min_clip_s,
    )
    return [(start, min(end, round(duration, 3))) for start, end in spans if start < duration]
