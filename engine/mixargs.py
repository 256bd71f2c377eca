"""The audio passes and the final mux: the pieces' sound joined, the music mixed in (ducked under the voice),
loudness normalized in two passes (`measure_args` prints the mix's integrated loudness and true peak,
`final_args` applies one gain, so the level is exact without pumping) and the H.264 pieces copied into a
faststart MP4.

Why a pass of its own: loudness is a property of the whole mix, known only after every piece is rendered;
measuring costs an audio-only run (no video is decoded), a few percent of a video pass.

Why not loudnorm: it works at 192 kHz throughout, in the measuring pass and (whenever the gain would push the
true peak over its limit, which is most speech) in a dynamic final pass that also squeezes the loudness range:
3.6 s of CPU on 34 s of sound against 0.2 s for `ebur128`'s measurement and 0.4 s for a gain with a
true-peak limiter (`alimiter` on a 4x oversampled signal, the resampling only when a peak needs limiting).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.errors import RenderError
from engine.ffargs import SAMPLE_RATE
from engine.formats import PROTOCOLS, ffmpeg_input, format_of
from engine.operations.audio import VOICE_CHAIN, voice_clean
from engine.timeline import MusicSegment, Timeline

TARGET_LUFS = -14.0  # the integrated loudness social platforms play at
TRUE_PEAK_DBTP = -2.0  # with 0.5 dB headroom for the AAC encoder's overshoot
_OVERSAMPLED = 4 * SAMPLE_RATE  # true peaks are limited between the samples too, as ebur128 measures them
_SILENT_LUFS = -70.0  # ebur128's absolute gate: nothing but silence measures this low


@dataclass(frozen=True)
class Loudness:
    """The measuring pass's figures for the whole mix, fed to the final pass."""

    integrated: float  # LUFS
    true_peak: float  # dBTP


def concat_list(paths: Sequence[Path]) -> str:
    """A concat-demuxer list file's text naming `paths` in order."""
    quoted = (str(path).replace("'", "'\\''") for path in paths)
    return "".join(f"file '{path}'\n" for path in quoted)


def _concat_input(list_path: Path) -> list[str]:
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
    first: int,
) -> tuple[list[str], list[str]]:
    """Inputs and graph lines ending in `[mix]`: the voice at its volume plus the music, ducked under it."""
    canvas = timeline.canvas
    inputs: list[str] = []
    graph: list[str] = []
    if canvas.mute:
        graph.append(f"anullsrc=r={SAMPLE_RATE}:cl=stereo,atrim=end_sample={total_samples}[voice]")
    else:
        inputs += _concat_input(audio_list)
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
    """Measuring pass: the final mix's loudness and true peak, printed in ebur128's summary on stderr
    (`parse_loudness`; its per-100 ms lines stay at the verbose level), and the mix kept in `mix_out`
    (32-bit float WAV, the very samples measured) so that the final pass need not mix again."""
    inputs, graph = _mix(timeline, music, audio_list, total_samples, 0)
    graph.append("[mix]asplit=2[measured][kept]")
    graph.append("[measured]ebur128=peak=true:framelog=verbose[out]")
    return [
        "-loglevel", "info", "-y", *inputs, "-filter_complex", ";".join(graph),
        "-map", "[out]", "-f", "null", "-",
        "-map", "[kept]", "-c:a", "pcm_f32le", str(mix_out),
    ]  # fmt: skip


def parse_loudness(stderr: str) -> Loudness | None:
    """The figures of ebur128's summary; None when the mix is silent (nothing to normalize)."""
    summary = stderr[stderr.rfind("Summary:") :]
    integrated = re.search(r"\bI:\s+(-?[\d.]+|-?inf) LUFS", summary)
    peak = re.search(r"\bPeak:\s+(-?[\d.]+|-?inf) dBFS", summary)
    if "Summary:" not in stderr or integrated is None or peak is None:
        raise RenderError("loudness measurement printed no result")
    if float(integrated.group(1)) <= _SILENT_LUFS:
        return None
    return Loudness(integrated=float(integrated.group(1)), true_peak=float(peak.group(1)))


def normalize_chain(loudness: Loudness) -> str:
    """Filters bringing the measured mix to the target: one gain, so nothing pumps, and only where that gain
    would lift the true peak over its limit a limiter, on a 4x oversampled signal so that the peaks between
    samples are caught too (its lookahead delay compensated, so the sound stays on its pictures)."""
    gain = TARGET_LUFS - loudness.integrated
    chain = f"volume={gain:.2f}dB"
    if loudness.true_peak + gain > TRUE_PEAK_DBTP:
        limit = 10 ** (TRUE_PEAK_DBTP / 20)
        chain += (
            f",aresample={_OVERSAMPLED},alimiter=limit={limit:.4f}:level=0:latency=1,aresample={SAMPLE_RATE}"
        )
    return chain


def final_args(
    timeline: Timeline,
    music: Sequence[tuple[MusicSegment, Path]],
    video_list: Path,
    audio_list: Path,
    total_samples: int,
    loudness: Loudness | None,
    out_path: Path,
    mixed: Path | None = None,
) -> list[str]:
    """Final pass: the video pieces copied, the mix (`mixed`, the measuring pass's, else mixed here)
    normalized (if measured) and encoded, moov first."""
    if mixed is None:
        inputs, graph = _mix(timeline, music, audio_list, total_samples, 1)
    else:
        inputs, graph = ffmpeg_input("wav", mixed), ["[1:a]anull[mix]"]
    if loudness is not None and timeline.canvas.loudnorm:
        graph.append(f"[mix]{normalize_chain(loudness)}[normed]")
    else:
        graph.append("[mix]anull[normed]")
    # the resamplers may shift timestamps by a fraction of a sample: renumber the samples contiguously and
    # cut to the video's length.
    graph.append(f"[normed]asetpts=N/SR/TB,atrim=end_sample={total_samples}[aout]")
    return [
        "-loglevel", "error", "-y", *_concat_input(video_list), *inputs,
        "-filter_complex", ";".join(graph),
        "-map", "0:v", "-map", "[aout]", "-c:v", "copy",
        "-c:a", "aac", "-b:a", "192k", "-ar", str(SAMPLE_RATE), "-movflags", "+faststart", str(out_path),
    ]  # fmt: skip
