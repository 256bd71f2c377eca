"""The audio passes and the final mux: the pieces' sound joined, the music mixed in (ducked under the voice),
loudness normalized in two passes (`measure_args` prints loudnorm's measurements, `sound_args` applies them
linearly, so the level is exact without pumping, and encodes the AAC), and the H.264 pieces and the AAC
copied into a faststart MP4 (`mux_args`).

Why a pass of its own: loudness is a property of the whole mix, known only after every piece is rendered;
measuring costs an audio-only run (no video is decoded), a few percent of a video pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.errors import RenderError
from engine.ffargs import SAMPLE_RATE
from engine.formats import PROTOCOLS, ffmpeg_input, format_of
from engine.operations.audio import VOICE_CHAIN, voice_clean
from engine.timeline import MusicSegment, Timeline

LOUDNESS = "I=-14:TP=-2:LRA=11"  # TP with 0.5 dB headroom for the AAC encoder's overshoot


@dataclass(frozen=True)
class Loudness:
    """The first loudnorm pass's measurements, fed to the second."""

    input_i: float
    input_tp: float
    input_lra: float
    input_thresh: float
    target_offset: float


def concat_list(paths: Sequence[Path]) -> str:
    """A concat-demuxer list file's text naming `paths` in order."""
    quoted = (str(path).replace("'", "'\\''") for path in paths)
    return "".join(f"file '{path}'\n" for path in quoted)


def concat_input(list_path: Path) -> list[str]:
    """The engine's own list of its own pieces: the only place the concat demuxer is ever used."""
    return ["-f", "concat", "-safe", "0", "-protocol_whitelist", PROTOCOLS, "-i", str(list_path)]


def _music_chain(index: int, segment: MusicSegment, input_index: int) -> str:
    d = segment.d / 1000
    fade_out_at = max(d - segment.fo / 1000, 0)
    return (
        f"[{input_index}:a]aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,"
        f"atrim=end_sample={round(d * SAMPLE_RATE)},asetpts=PTS-STARTPTS,volume={segment.vol:.4g},"
        f"afade=t=in:d={segment.fi / 1000:.3f},afade=t=out:st={fade_out_at:.3f}:d={segment.fo / 1000:.3f},"
        f"adelay={segment.st}:all=1[m{index}]"
    )


def _mix(
    timeline: Timeline,
    music: Sequence[tuple[MusicSegment, Path]],
    audio_list: Path,
    total_samples: int,
) -> tuple[list[str], list[str]]:
    """Inputs and graph lines ending in `[mix]`: the voice at its volume plus the music, ducked under it."""
    canvas = timeline.canvas
    first = 0  # the run's input number of the voice, then of each track
    inputs: list[str] = []
    graph: list[str] = []
    if canvas.mute:
        graph.append(f"anullsrc=r={SAMPLE_RATE}:cl=stereo,atrim=end_sample={total_samples}[voice]")
    else:
        inputs += concat_input(audio_list)
        clean = f"{VOICE_CHAIN}," if voice_clean(timeline) else ""
        graph.append(f"[{first}:a]{clean}volume={canvas.volume:.4g}[voice]")
        first += 1
    ducked = [i for i, (segment, _) in enumerate(music) if segment.duck and not canvas.mute]
    if ducked:
        keys = "".join(f"[key{i}]" for i in ducked)
        graph.append(f"[voice]asplit={len(ducked) + 1}[voicemix]{keys}")
    else:
        graph.append("[voice]anull[voicemix]")
    layers = ["[voicemix]"]
    for i, (segment, path) in enumerate(music):
        inputs += ["-stream_loop", "-1", *ffmpeg_input(format_of(path), path)]  # an upload or a built-in loop
        graph.append(_music_chain(i, segment, first + i))
        if i in ducked:
            graph.append(
                f"[m{i}][key{i}]sidechaincompress=threshold=0.02:ratio=12:attack=15:release=350[m{i}d]"
            )
            layers.append(f"[m{i}d]")
        else:
            layers.append(f"[m{i}]")
    if len(layers) > 1:
        graph.append(f"{''.join(layers)}amix=inputs={len(layers)}:duration=first:normalize=0[mix]")
    else:
        graph.append("[voicemix]anull[mix]")
    return inputs, graph


def measure_args(
    timeline: Timeline,
    music: Sequence[tuple[MusicSegment, Path]],
    audio_list: Path,
    total_samples: int,
    mix_out: Path,
) -> list[str]:
    """First loudnorm pass: the final mix measured, printed as JSON on stderr (`parse_loudness`), and kept
    in `mix_out` (32-bit float WAV, the very samples measured) so that the final pass need not mix again."""
    inputs, graph = _mix(timeline, music, audio_list, total_samples)
    graph.append("[mix]asplit=2[measured][kept]")
    graph.append(f"[measured]loudnorm={LOUDNESS}:print_format=json[out]")
    return [
        "-loglevel", "info", "-y", *inputs, "-filter_complex", ";".join(graph),
        "-map", "[out]", "-f", "null", "-",
        "-map", "[kept]", "-c:a", "pcm_f32le", str(mix_out),
    ]  # fmt: skip


def parse_loudness(stderr: str) -> Loudness | None:
    """The measurements from loudnorm's JSON; None when the mix is silent (nothing to normalize)."""
    match = re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", stderr)
    if match is None:
        raise RenderError("loudness measurement printed no result")
    values = json.loads(match.group(0))
    if values["input_i"] in ("-inf", "inf") or float(values["input_i"]) < -70:
        return None
    return Loudness(
        input_i=float(values["input_i"]),
        input_tp=float(values["input_tp"]),
        input_lra=float(values["input_lra"]),
        input_thresh=float(values["input_thresh"]),
        target_offset=float(values["target_offset"]),
    )


def sound_args(
    timeline: Timeline,
    music: Sequence[tuple[MusicSegment, Path]],
    audio_list: Path,
    total_samples: int,
    loudness: Loudness | None,
    out_path: Path,
    mixed: Path | None = None,
) -> list[str]:
    """The delivered sound: the mix (`mixed`, the measuring pass's, else mixed here) normalized (if
    measured), cut to the picture's length and encoded to AAC in an M4A, which `mux_args` copies."""
    if mixed is None:
        inputs, graph = _mix(timeline, music, audio_list, total_samples)
    else:
        inputs, graph = ffmpeg_input("wav", mixed), ["[0:a]anull[mix]"]
    if loudness is not None and timeline.canvas.loudnorm:
        graph.append(
            f"[mix]loudnorm={LOUDNESS}:measured_I={loudness.input_i}:measured_TP={loudness.input_tp}"
            f":measured_LRA={loudness.input_lra}:measured_thresh={loudness.input_thresh}"
            f":offset={loudness.target_offset}:linear=true,aresample={SAMPLE_RATE}[normed]"
        )
    else:
        graph.append("[mix]anull[normed]")
    # loudnorm leaves a hole in its output timestamps (not in its samples) and pads its last 100 ms block:
    # renumber the samples contiguously and cut to the video's length.
    graph.append(f"[normed]asetpts=N/SR/TB,atrim=end_sample={total_samples}[aout]")
    return [
        "-loglevel", "error", "-y", *inputs, "-filter_complex", ";".join(graph),
        "-map", "[aout]", "-c:a", "aac", "-b:a", "192k", "-ar", str(SAMPLE_RATE), str(out_path),
    ]  # fmt: skip


def mux_args(video_list: Path, sound: Path, out_path: Path) -> list[str]:
    """The MP4: the H.264 pieces and the AAC sound copied (the encoder's priming is kept, sample for
    sample), moov first."""
    return [
        "-loglevel", "error", "-y", *concat_input(video_list), *ffmpeg_input("m4a", sound),
        "-map", "0:v", "-map", "1:a", "-c", "copy", "-movflags", "+faststart", str(out_path),
    ]  # fmt: skip
