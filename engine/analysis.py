"""Silence analysis: which parts of a clip to keep when the pauses are cut out, never cutting a word.

auto-editor's approach is the anchor: a loudness level per short window, silence = below a threshold for at
least `min_silence_s`, and a margin kept on both sides of every kept span so that word onsets and tails (quiet
consonants) are never clipped. What real speech taught us on top of it:

* Levels are 25 ms windows measured every 5 ms (overlapping), so a syllable straddling two windows is not
  halved into two quiet ones, and an edge is placed to 5 ms, not 25.
* Short pauses are bridged *before* short bursts are judged: a 0.1 s syllable next to speech is speech.
  Only a burst that stays shorter than `min_clip_s` after that (a click, a tap: tens of milliseconds) and
  stands alone is dropped. The default is below the shortest spoken syllable.

The core (`spans_from_levels`) is pure over an array of levels. `keep_spans` decodes in a stream whose memory
does not grow with the clip (one small level per 5 ms is kept, never the samples), and `keep_spans_in_child`
runs it in a child process under CPU-time, memory and wall-clock limits, as the probe does: an uploaded
file is untrusted, and a three-hour clip must not hold the HTTP process's core.

`python -m engine.analysis MEMORY_BYTES CPU_SECONDS PATH` is the child; it prints one JSON line.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np

from engine.errors import EngineError
from engine.formats import format_of, pyav_options

if TYPE_CHECKING:
    from engine.settings import EngineSettings

HOP_S = 0.005
WINDOW_S = 0.025
_ANALYSIS_RATE = 16000
_FLOOR_DB = -120.0

Span = tuple[float, float]


class AnalysisError(EngineError):
    """The silence analysis could not read a clip (damaged, too demanding, or too slow)."""


def levels_db(samples: np.ndarray, hop: int, window: int) -> np.ndarray:
    """RMS level (dBFS) of a `window`-sample window centred on each whole `hop` of mono float samples."""
    return levels_from_energy(block_energy(samples, hop), window // hop, hop)


def block_energy(samples: np.ndarray, hop: int) -> np.ndarray:
    """Sum of squares of each whole `hop` of samples (a partial last block is dropped)."""
    usable = samples[: len(samples) // hop * hop].astype(np.float64).reshape(-1, hop)
    energy: np.ndarray = np.sum(usable**2, axis=1)
    return energy


def levels_from_energy(energy: np.ndarray, blocks: int, hop: int) -> np.ndarray:
    """dBFS of the `blocks`-block window centred on each block; the windows at the ends are averaged over
    the blocks that exist, so the first and last syllables are not judged quieter than they are."""
    kernel = np.ones(blocks)
    total = np.convolve(energy, kernel, mode="same")
    counts = np.convolve(np.ones(len(energy)), kernel, mode="same") * hop
    rms = np.sqrt(total / np.maximum(counts, 1))
    levels: np.ndarray = np.maximum(20.0 * np.log10(np.maximum(rms, 1e-12)), _FLOOR_DB)
    return levels


def _runs(mask: np.ndarray, value: bool) -> Iterator[tuple[int, int]]:
    """[start, end) index ranges where `mask` equals `value`."""
    padded = np.concatenate([[False], mask == value, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    yield from zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True)


def spans_from_levels(
    levels: np.ndarray,
    step_s: float,
    *,
    threshold_db: float = -35.0,
    min_silence_s: float = 0.5,
    margin_s: float = 0.2,
    min_clip_s: float = 0.06,
) -> list[Span]:
    """Keep-spans (seconds) from levels measured every `step_s`: the pure core of `keep_spans`."""
    loud = levels > threshold_db
    for start, end in list(_runs(loud, False)):
        inner = start > 0 and end < len(loud)
        if inner and (end - start) * step_s < min_silence_s:
            loud[start:end] = True  # a natural pause inside a sentence stays, and joins its neighbours
    for start, end in list(_runs(loud, True)):
        if (end - start) * step_s < min_clip_s:
            loud[start:end] = False  # alone and shorter than any syllable: a click or a tap
    margin = round(margin_s / step_s)
    kept = loud.copy()
    for start, end in _runs(loud, True):
        kept[max(0, start - margin) : end + margin] = True
    total = len(levels) * step_s
    return [(round(s * step_s, 3), round(min(e * step_s, total), 3)) for s, e in _runs(kept, True)]


def _mono_chunks(path: Path) -> Iterator[np.ndarray]:
    """The first audio stream as mono float32 chunks at the analysis rate, decoded in a stream."""
    demuxer, options = pyav_options(format_of(path))
    with av.open(str(path), format=demuxer, options=options) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=_ANALYSIS_RATE)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                yield out.to_ndarray().reshape(-1)
        for out in resampler.resample(None):
            yield out.to_ndarray().reshape(-1)


def _stream_levels(path: Path) -> np.ndarray:
    hop = round(HOP_S * _ANALYSIS_RATE)
    energies: list[np.ndarray] = []
    carry = np.zeros(0, np.float32)
    for chunk in _mono_chunks(path):
        carry = np.concatenate([carry, chunk])
        whole = len(carry) // hop * hop
        energies.append(block_energy(carry[:whole], hop))
        carry = carry[whole:]
    if len(carry):
        energies.append(block_energy(np.pad(carry, (0, hop - len(carry))), hop))
    if not energies:
        return np.zeros(0)
    return levels_from_energy(np.concatenate(energies), round(WINDOW_S / HOP_S), hop)


def keep_spans(
    path: Path,
    *,
    threshold_db: float = -35.0,
    min_silence_s: float = 0.5,
    margin_s: float = 0.2,
    min_clip_s: float = 0.06,
) -> list[Span]:
    """The spans (seconds) of `path` to keep so that pauses longer than `min_silence_s` are cut out.

    `path` must be a file the engine stored (`<id>.<format>`): it is opened with that format's demuxer.
    """
    demuxer, options = pyav_options(format_of(path))
    with av.open(str(path), format=demuxer, options=options) as container:
        has_audio = bool(container.streams.audio)
        duration = float(container.duration or 0) / av.time_base
    if not has_audio:
        return [(0.0, round(duration, 3))] if duration > 0 else []
    spans = spans_from_levels(
        _stream_levels(path),
        HOP_S,
        threshold_db=threshold_db,
        min_silence_s=min_silence_s,
        margin_s=margin_s,
        min_clip_s=min_clip_s,
    )
    return [(start, min(end, round(duration, 3))) for start, end in spans if start < duration]


def keep_spans_in_child(path: Path, settings: EngineSettings) -> list[Span]:
    """`keep_spans` in a child process limited in memory, CPU time and wall time (AnalysisError past them)."""
    command = [
        sys.executable,
        "-m",
        "engine.analysis",
        str(settings.analysis_memory_bytes),
        str(settings.analysis_cpu_s),
        str(path.resolve()),
    ]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=settings.analysis_timeout_s,
            cwd=Path(__file__).resolve().parents[1],  # where `engine` is importable from
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise AnalysisError("Finding the pauses took too long for this clip.") from None
    try:
        reply = json.loads(done.stdout)
    except ValueError:
        reply = {"error": "Finding the pauses needed more than this server allows for one clip."}
    if "error" in reply:
        raise AnalysisError(reply["error"])
    return [(float(start), float(end)) for start, end in reply["spans"]]


def _main(argv: list[str]) -> int:
    memory_bytes, cpu_s, path = int(argv[1]), int(argv[2]), Path(argv[3])
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))  # past it the kernel ends the child (SIGXCPU)
    os.nice(5)  # analysis yields to the HTTP process and the renders beside it
    try:
        reply: dict[str, object] = {"spans": keep_spans(path)}
    except (av.FFmpegError, ValueError, IndexError):
        reply = {"error": "The clip's sound could not be read (it may be damaged)."}
    except MemoryError:
        reply = {"error": "Finding the pauses needed more than this server allows for one clip."}
    print(json.dumps(reply))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
