"""A draft of one video source read in order, in few FFmpeg runs: its picture in runs of a few transitions
each, and its sound in one run beside them.

Why: rendering piece by piece seeks each piece from the keyframe before it and starts a process and an encoder
per piece. Here a picture run seeks once and decodes its stretch of the source front to back: `select` keeps
the frames of its pieces (on whole output frames, counted after `fps` on the source's own clock, so every
piece starts on the frame grid exactly as a seek would give), each piece side is a `trim` branch of that one
stream (a `trim` by timestamps ends its branch as soon as a later frame passes; a `select` would hold it open
to the source's end, and the concat would queue every later frame meanwhile), a transition's two sides are
blended in place, and the branches are concatenated. Because the pieces follow the source's order, a branch's
frames arrive just when the concat needs them. One x264 encoder uses both cores.

Why runs of at most `BLENDS_PER_RUN` transitions: every filter that makes pictures keeps a few of them until
its graph ends, so a graph's memory grows with its number of transitions (at 1080p about 17 MB for a fade,
40 MB for another kind with its sides paired by `hstack`, 115 MB with an xfade left to wait for its second
side; bench/README.md). Each run ends its graph, so memory stays that of one short run whatever the clip's
length; the runs' H.264 files are copied one after the other into the MP4 (`engine.mixargs.mux_args`), as
the pieces' are.

The sound is a run of its own (`sound_graph`): the source's audio decoded once, each piece's sound an `atrim`
branch, joined as in `engine.ffargs.join_sides` (the click guards, a transition's short switch between its
sides) and concatenated, to a WAV of exactly the picture's length. It costs no video decoding, so it and the
music, loudness and AAC passes after it (`engine.mixargs`) run in the core the encoder leaves idle, while the
picture renders, instead of after it. Both cut on the same sample-exact counts as a piece, so sync holds by
construction.

The graphs go to FFmpeg as script files (`-/filter_complex`): a hundred cuts make them longer than one
command-line argument may be. Titles and captions are drawn on each run's joined picture, on its clock.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from engine import ffargs, reframe
from engine.captions import CaptionFile
from engine.ffargs import SAMPLE_RATE, Cut, Output, Piece
from engine.formats import ffmpeg_input
from engine.media import MediaInfo
from engine.timeline import TitleSegment

_TERMS_PER_LEVEL = 50
BLENDS_PER_RUN = 2  # transitions in one run: each keeps a few pictures until its run ends (bench/README.md)
LEAD_S = 0.2  # decode from a little before a run's first frame, so the frame rate filter's grid is settled
_END_SLACK_S = 1.0  # a probed duration can overstate the last frame's time by this much


def _sides(piece: Piece) -> list[tuple[str, Cut]]:
    return [(name, cut) for name, cut in (("a", piece.a), ("b", piece.b)) if cut is not None]


def _audio_sides(piece: Piece) -> list[tuple[str, Cut]]:
    """The sides whose sound a piece reads: its own, and the far side of a blended cut (`x`)."""
    far = [("x", piece.fade_into)] if piece.fade_into is not None else []
    return _sides(piece) + far


def single_source(pieces: Sequence[Piece], media: Mapping[str, MediaInfo]) -> str | None:
    """The one video source every piece reads (both sides of every transition too), front to back; else
    None (render piece by piece: several sources, a still, or a cut back to an earlier moment)."""
    cuts = [cut for piece in pieces for _, cut in _audio_sides(piece)]
    sources = {cut.src for cut in cuts}
    if len(sources) != 1:
        return None
    (src,) = sources
    starts = [cut.start_s for cut in cuts]
    in_order = starts == sorted(starts)
    return src if media[src].kind == "video" and in_order else None


def _first_frame(cut: Cut, o: Output) -> int:
    """The output-rate frame (after `setpts=PTS/speed,fps`) at which a side starts reading its source: the
    first at or after its start, as a seek to that point would give (its sound starts at that point)."""
    return math.ceil(cut.start_s / o.speed * o.fps - 1e-6)


def _any(terms: list[str]) -> str:
    """The terms' sum, in groups: FFmpeg's expression parser takes at most about 100 terms per level."""
    if len(terms) <= _TERMS_PER_LEVEL:
        return "+".join(terms)
    groups = range(0, len(terms), _TERMS_PER_LEVEL)
    return _any([f"({'+'.join(terms[at : at + _TERMS_PER_LEVEL])})" for at in groups])


def video_graph(numbered: Sequence[tuple[int, Piece]], info: MediaInfo, o: Output) -> list[str]:
    """Lines from `[0:v]` to one `[{k}av]` (and `[{k}bv]`) per piece `k`, each exactly its piece's frames."""
    spans = [
        (_first_frame(cut, o), piece.frames, f"{k}{name}v", cut.zoom)
        for k, piece in numbered
        for name, cut in _sides(piece)
    ]
    if not spans:
        return []
    kept = _any([f"between(pts,{first},{first + frames - 1})" for first, frames, *_ in spans])
    graph = [
        f"[0:v]setpts=PTS/{o.speed:.6g},fps={o.fps},select={ffargs.escape_value(kept)}[kept]",
        ffargs.fit_chain("kept", "fit", info, o),
        f"[fit]format=yuv420p,split={len(spans)}" + "".join(f"[{label}s]" for _, _, label, _ in spans),
    ]
    furthest = max(first + frames for first, frames, *_ in spans)
    for first, frames, label, zoom in spans:
        hold = "tpad=stop=-1:stop_mode=clone," if _may_run_out(first + frames, furthest, info, o) else ""
        graph.append(
            f"[{label}s]trim=start_pts={first}:end_pts={first + frames},setpts=PTS-STARTPTS,"
            f"{reframe.zoom_filter(zoom, o)}{hold}trim=end_frame={frames}[{label}]"
        )  # PTS-STARTPTS, not N/FRAME_RATE/TB: FFmpeg 9 numbers a branch's last frame like the one before
    return graph


def _may_run_out(end: int, furthest: int, info: MediaInfo, o: Output) -> bool:
    """Whether a stretch ending at output frame `end` may read past the source's last frame, so that a
    `tpad` holds that frame to fill it. Only such stretches get one: a `tpad` keeps its last frame until the
    graph ends (one picture per stretch: a hundred stretches of 9:16 video held 300 MB, bench/README.md)."""
    near_end = end / o.fps * o.speed > info.duration_s - _END_SLACK_S
    return end == furthest or near_end


def audio_graph(numbered: Sequence[tuple[int, Piece]], info: MediaInfo, o: Output) -> list[str]:
    """Lines from `[0:a]` (or silence) to one `[{k}aa]` (and `[{k}ba]`) per piece `k`, exactly matching its
    frames in samples."""
    sides = [(k, name, cut, piece) for k, piece in numbered for name, cut in _audio_sides(piece)]
    graph: list[str] = []
    if info.has_audio and sides:
        graph.append(f"[0:a]asplit={len(sides)}" + "".join(f"[{k}{n}as]" for k, n, *_ in sides))
    for k, name, cut, piece in sides:
        samples = piece.fade_samples if name == "x" else piece.frames * SAMPLE_RATE // o.fps
        if info.has_audio:
            read_s = samples / SAMPLE_RATE * o.speed + ffargs.SOURCE_SLACK_S
            graph.append(
                f"[{k}{name}as]atrim=start={cut.start_s:.4f}:duration={read_s:.4f},"
                f"{ffargs.side_audio(o.speed, samples)}[{k}{name}a]"
            )
        else:
            graph.append(f"anullsrc=r={SAMPLE_RATE}:cl=stereo,atrim=end_sample={samples}[{k}{name}a]")
    return graph


def picture_runs(pieces: Sequence[Piece]) -> list[list[tuple[int, Piece]]]:
    """The numbered pieces in consecutive runs of at most `BLENDS_PER_RUN` transitions each."""
    runs: list[list[tuple[int, Piece]]] = [[]]
    blends = 0
    for k, piece in enumerate(pieces):
        if piece.b is not None:
            if blends == BLENDS_PER_RUN:
                runs.append([])
                blends = 0
            blends += 1
        runs[-1].append((k, piece))
    return runs


def _blend(k: int, piece: Piece, o: Output) -> list[str]:
    """A transition's picture. A fade's `overlay` queues the first side until the second comes. An xfade
    left to wait for its second side kept about 30 pictures until the run ended (bench/README.md), so for
    the other kinds the sides are first paired frame by frame side by side (`hstack` waits without keeping
    memory), then cut apart and blended."""
    if piece.transition == "fade":
        return [ffargs.blend_chain(piece, o, f"{k}av", f"{k}bv") + f"[{k}vout]"]
    w, h = o.width, o.height
    return [
        f"[{k}av][{k}bv]hstack=inputs=2,split[{k}al][{k}br]",
        f"[{k}al]crop={w}:{h}:0:0[{k}ap]",
        f"[{k}br]crop={w}:{h}:{w}:0[{k}bp]",
        ffargs.blend_chain(piece, o, f"{k}ap", f"{k}bp") + f"[{k}vout]",
    ]


def picture_graph(
    numbered: Sequence[tuple[int, Piece]],
    info: MediaInfo,
    o: Output,
    titles: Sequence[tuple[TitleSegment, Path]],
    captions: CaptionFile | None = None,
) -> str:
    """A run's picture: its pieces from one decode of input 0 (on the source's own clock), each transition
    blended in place, joined into `[vout]`, the titles and the captions (an ASS file) drawn on the joined
    picture on the run's clock."""
    graph = video_graph(numbered, info, o)
    for k, piece in numbered:
        graph += _blend(k, piece, o) if piece.b is not None else [f"[{k}av]null[{k}vout]"]
    joined = "".join(f"[{k}vout]" for k, _ in numbered)
    graph.append(f"{joined}concat=n={len(numbered)}:v=1:a=0[joined]")
    first = numbered[0][1].start_frame
    frames = sum(piece.frames for _, piece in numbered)
    overlays = ffargs.overlays_for(first, frames, titles, captions, o)
    graph.append(",".join(["[joined]null", *overlays]) + "[vout]")
    return ";\n".join(graph)


def picture_args(
    numbered: Sequence[tuple[int, Piece]],
    info: MediaInfo,
    data_dir: Path,
    o: Output,
    graph_path: Path,
    video_out: Path,
) -> list[str]:
    """A run of the picture: one seek, a little before the first frame its pieces read, and one decode to
    past the last (`-copyts -start_at_zero` keep the source's own timestamps, which the graph's selection
    counts on), the graph from `graph_path`, H.264 out."""
    reads = [
        (cut.start_s, piece.frames / o.fps * o.speed) for _, piece in numbered for _, cut in _sides(piece)
    ]
    seek = max(min(start for start, _ in reads) - LEAD_S, 0.0)
    end = max(start + length for start, length in reads) + ffargs.SOURCE_SLACK_S
    return [
        "-loglevel", "error", "-y", "-copyts", "-start_at_zero", "-an",
        "-ss", f"{seek:.4f}", "-t", f"{end - seek:.4f}", *ffmpeg_input(info.format, info.absolute(data_dir)),
        "-/filter_complex", str(graph_path), *ffargs.h264_output(o, video_out),
    ]  # fmt: skip


def sound_graph(pieces: Sequence[Piece], info: MediaInfo, o: Output) -> str:
    """The sound's graph: every piece's sound (a transition's switched between its sides with a short
    crossfade) from one decode of input 0's audio, joined into `[aout]`, exactly the picture's length."""
    numbered = list(enumerate(pieces))
    graph = audio_graph(numbered, info, o)
    graph += [ffargs.join_sides(piece, o, str(k), [])[1] for k, piece in numbered]
    joined = "".join(f"[{k}aout]" for k in range(len(pieces)))
    graph.append(f"{joined}concat=n={len(pieces)}:v=0:a=1[aout]")
    return ";\n".join(graph)


def sound_args(info: MediaInfo, data_dir: Path, graph_path: Path, audio_out: Path) -> list[str]:
    """The sound's run: the source's audio read once (its picture is not decoded), a WAV out."""
    return [
        "-loglevel", "error", "-y", "-vn", *ffmpeg_input(info.format, info.absolute(data_dir)),
        "-/filter_complex", str(graph_path), *ffargs.pcm_output(audio_out),
    ]  # fmt: skip
