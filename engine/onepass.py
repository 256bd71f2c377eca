"""The whole draft in one FFmpeg run (after its transitions' blends) when every piece reads one video source
in its order.

Why: rendering piece by piece seeks each piece from the keyframe before it and starts a process and an encoder
per piece. Here the source is decoded once, front to back: `select` keeps the frames of all pieces (on whole
output frames, counted after `fps`, so every piece starts on the frame grid exactly as a seek would give),
each piece is a `trim` branch of that one stream (a `trim` by timestamps ends its branch as soon as a later
frame passes; a `select` would hold it open to the source's end, and the concat would queue every later
frame meanwhile), its sound an `atrim` branch of the source's audio, joined as in `engine.ffargs.join_sides`
(the click guards) and concatenated. Because the pieces follow the source's order, a branch's frames arrive
just when the concat needs them, so memory stays that of one short run whatever the clip's length or number
of cuts. One x264 encoder uses both cores. The result is the same pair of files a piece writes (H.264 and a
WAV of exactly matching length) and goes through the same final pass.

Transitions are not blended in this graph: an xfade keeps the memory it took until its graph ends (about
110 MB per 0.5 s fade at 1080p, bench/README.md), so each blend is rendered first in its own short run
(`engine.blends`) to a lossless file, and the main graph reads all of them as ONE more input (the concat
demuxer over the blend files: one decoder and one queue, however many transitions), each blend a `trim`
branch of it by frame count, its sound an `atrim` branch by sample count, in its place in the concat.

The graph goes to FFmpeg as a script file (`-/filter_complex`): a hundred cuts make it longer than one
command-line argument may be. Titles are drawn on the joined picture at output times: further overlays
(captions) compose the same way, as filters after the concat.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from engine import ffargs, mixargs, reframe
from engine.captions import CaptionFile
from engine.ffargs import SAMPLE_RATE, Cut, Output, Piece
from engine.formats import ffmpeg_input
from engine.media import MediaInfo
from engine.timeline import TitleSegment

_TERMS_PER_LEVEL = 50
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
            f"[{label}s]trim=start_pts={first}:end_pts={first + frames},setpts=N/FRAME_RATE/TB,"
            f"{reframe.zoom_filter(zoom, o)}{hold}trim=end_frame={frames}[{label}]"
        )
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


def blend_branches(numbered: Sequence[tuple[int, Piece]], o: Output) -> list[str]:
    """Lines from input 1 (the blends, back to back in piece order) to `[{k}vout]` and `[{k}aout]` per
    transition piece `k`: its frames counted from the blends' first, its sound by samples (renumbered
    first, so a blend file's rounded duration can never shift a sample)."""
    if not numbered:
        return []
    graph = [
        f"[1:v]split={len(numbered)}" + "".join(f"[{k}bls]" for k, _ in numbered),
        f"[1:a]asetpts=N/SR/TB,asplit={len(numbered)}" + "".join(f"[{k}blas]" for k, _ in numbered),
    ]
    first = 0
    for k, piece in numbered:
        start, end = first * SAMPLE_RATE // o.fps, (first + piece.frames) * SAMPLE_RATE // o.fps
        graph += [
            f"[{k}bls]trim=start_frame={first}:end_frame={first + piece.frames},setpts=PTS-STARTPTS[{k}vout]",
            f"[{k}blas]atrim=start_sample={start}:end_sample={end},asetpts=PTS-STARTPTS[{k}aout]",
        ]
        first += piece.frames
    return graph


def single_pass_graph(
    pieces: Sequence[Piece],
    info: MediaInfo,
    o: Output,
    titles: Sequence[tuple[TitleSegment, Path]],
    captions: CaptionFile | None = None,
) -> str:
    """The filter graph: every plain piece from one decode of input 0, every transition from the blends
    (input 1), joined into `[vout]` and `[aout]`, the titles and the captions (an ASS file) drawn on the
    joined picture."""
    plain = [(k, piece) for k, piece in enumerate(pieces) if piece.b is None]
    blended = [(k, piece) for k, piece in enumerate(pieces) if piece.b is not None]
    graph = [*video_graph(plain, info, o), *audio_graph(plain, info, o), *blend_branches(blended, o)]
    for k, piece in plain:
        graph += ffargs.join_sides(piece, o, str(k), [])
    joined = "".join(f"[{k}vout][{k}aout]" for k in range(len(pieces)))
    graph.append(f"{joined}concat=n={len(pieces)}:v=1:a=1[joined][aout]")
    overlays = [ffargs.title_filter(title, font, 0.0, o) for title, font in titles]
    if captions is not None:
        overlays.append(ffargs.ass_filter(captions, 0.0))
    graph.append(",".join(["[joined]null", *overlays]) + "[vout]")
    return ";\n".join(graph)


def single_pass_args(
    info: MediaInfo,
    data_dir: Path,
    o: Output,
    graph_path: Path,
    video_out: Path,
    audio_out: Path,
    blend_list: Path | None = None,
) -> list[str]:
    """The run: the source read once, the blends (listed in `blend_list`) as one more input, the graph from
    `graph_path`, the same outputs as a piece's."""
    blends = mixargs.concat_input(blend_list) if blend_list is not None else []
    return [
        "-loglevel", "error", "-y", *ffmpeg_input(info.format, info.absolute(data_dir)), *blends,
        "-/filter_complex", str(graph_path),
        *ffargs.encode_args(o, video_out, audio_out),
    ]  # fmt: skip
