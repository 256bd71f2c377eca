"""Built-in background music, synthesized by FFmpeg itself (no downloads, no licences to track).

Each track is a short loop — soft chords plus, for two of them, a beat — written once into a cache folder and
looped by the renderer to the length it needs. The loop length is a whole number of bars, so the seam is
inaudible. Writes go to a temporary name and are renamed, so two renders never see half a file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from engine.errors import RenderError
from engine.ffrun import run_ffmpeg

BUILTIN_PREFIX = "builtin:"


@dataclass(frozen=True)
class _Track:
    chords: tuple[tuple[float, ...], ...]  # Hz, one chord per bar
    bar_s: float
    beat_s: float | None  # None: no drums


def _chord(freqs: tuple[float, ...]) -> str:
    """Sines with a slow tremolo, scaled so a chord never exceeds about half of full scale."""
    tones = "+".join(f"sin(2*PI*{f}*t)" for f in freqs)
    return f"({tones})*{0.5 / len(freqs):.3f}*(0.8+0.2*sin(2*PI*0.5*t))"


def _expression(track: _Track) -> str:
    loop = track.bar_s * len(track.chords)
    expr = "0"
    for index in reversed(range(len(track.chords))):
        expr = f"if(lt(mod(t,{loop}),{(index + 1) * track.bar_s}),{_chord(track.chords[index])},{expr})"
    if track.beat_s is not None:
        b = track.beat_s
        kick = f"0.6*sin(2*PI*55*t)*exp(-mod(t,{b})*14)"
        hat = f"0.08*(random(0)*2-1)*exp(-mod(t+{b / 2},{b})*45)"
        expr = f"0.6*({expr})+{kick}+{hat}"
    return expr


TRACKS: dict[str, _Track] = {
    # 80 bpm, Am7 - Fmaj7 - Cmaj7 - G
    "lofi": _Track(
        (
            (220.0, 261.6, 329.6, 392.0),
            (174.6, 220.0, 261.6, 329.6),
            (130.8, 164.8, 196.0, 246.9),
            (196.0, 246.9, 293.7),
        ),
        3.0,
        0.75,
    ),
    # 120 bpm, C - G - Am - F
    "upbeat": _Track(
        ((261.6, 329.6, 392.0), (196.0, 246.9, 293.7), (220.0, 261.6, 329.6), (174.6, 220.0, 261.6)), 2.0, 0.5
    ),
    # no drums, a slow pad: Dmaj7 - Gmaj7
    "calm": _Track(((146.8, 185.0, 220.0, 277.2), (196.0, 246.9, 293.7, 370.0)), 6.0, None),
}


def builtin_name(src: str) -> str | None:
    """`lofi` for `builtin:lofi`; None for anything that is not a built-in track."""
    return src.removeprefix(BUILTIN_PREFIX) if src.startswith(BUILTIN_PREFIX) else None


def loop_seconds(name: str) -> float:
    """The length of one loop of a built-in track."""
    return TRACKS[name].bar_s * len(TRACKS[name].chords)


def synth_args(name: str, out_path: Path) -> list[str]:
    """FFmpeg argv (without the binary) that writes one loop of a built-in track as 48 kHz stereo FLAC."""
    expr = _expression(TRACKS[name])
    return [
        "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"aevalsrc=exprs='{expr}':s=48000:d={loop_seconds(name)}",
        "-af", "aformat=channel_layouts=stereo,lowpass=f=6000",
        "-c:a", "flac", "-f", "flac", str(out_path),
    ]  # fmt: skip


def builtin_track(name: str, cache_dir: Path) -> Path:
    """The cached loop of a built-in track, synthesized on first use."""
    if name not in TRACKS:
        raise RenderError(f"unknown built-in music {name!r}")
    target = cache_dir / f"{name}.flac"
    if target.exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cache_dir / f".{name}.{os.getpid()}.flac"
    run_ffmpeg(synth_args(name, partial), timeout_s=120)
    partial.replace(target)
    return target
