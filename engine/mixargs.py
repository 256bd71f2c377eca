"""The audio passes and the final mux: the pieces' sound joined, the music mixed in (ducked under the voice),
its loudness measured (`measure_args`, which keeps the mix it measured; `trial_args` measures it at a level
`engine.loudness` is settling), brought to its level and encoded to AAC (`sound_args`), and the H.264 pieces
and the AAC copied into a faststart MP4 (`mux_args`).

Why a pass of its own: loudness is a property of the whole mix, known only after every piece is rendered;
measuring costs an audio-only run (no video is decoded), a few percent of a video pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from engine.ffargs import SAMPLE_RATE
from engine.formats import PROTOCOLS, ffmpeg_input, format_of
from engine.loudness import MEASURE, Level
from engine.operations.audio import VOICE_CHAIN, voice_clean
from engine.timeline import MusicSegment, Timeline


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
    """The final mix measured, its summary printed on stderr (`engine.loudness.parse_loudness`), and kept in
    `mix_out` (32-bit float WAV, the very samples measured) so that the later passes need not mix again."""
    inputs, graph = _mix(timeline, music, audio_list, total_samples)
    graph.append("[mix]asplit=2[measured][kept]")
    graph.append(f"[measured]{MEASURE}[out]")
    return [
        "-loglevel", "info", "-y", *inputs, "-filter_complex", ";".join(graph),
        "-map", "[out]", "-f", "null", "-",
        "-map", "[kept]", "-c:a", "pcm_f32le", str(mix_out),
    ]  # fmt: skip


def trial_args(mixed: Path, level: Level) -> list[str]:
    """The kept mix at `level`, measured and thrown away: what the limiter took, for the next correction."""
    return [
        "-loglevel", "info", "-y", *ffmpeg_input("wav", mixed),
        "-af", f"{level.filters()},{MEASURE}", "-f", "null", "-",
    ]  # fmt: skip


def sound_args(
    timeline: Timeline,
    music: Sequence[tuple[MusicSegment, Path]],
    audio_list: Path,
    total_samples: int,
    level: Level | None,
    out_path: Path,
    mixed: Path | None = None,
) -> list[str]:
    """The delivered sound: the mix (`mixed`, the measuring pass's, else mixed here) at its `level` (if
    measured), cut to the picture's length and encoded to AAC in an M4A, which `mux_args` copies."""
    if mixed is None:
        inputs, graph = _mix(timeline, music, audio_list, total_samples)
    else:
        inputs, graph = ffmpeg_input("wav", mixed), ["[0:a]anull[mix]"]
    level_chain = level.filters() if level is not None and timeline.canvas.loudnorm else "anull"
    graph.append(f"[mix]{level_chain},atrim=end_sample={total_samples}[aout]")
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
