"""A transition's blend in its own short FFmpeg run, for the one-graph render (`engine.onepass`).

Why a run of its own: an xfade keeps the memory it took until its graph ends (about 110 MB per 0.5 s fade at
1080p), so a draft's transitions inside the main graph make its memory grow with their number. Here each
blend's run ends with the blend, and its memory with it.

The run seeks once, a little before the transition's first side, and decodes the stretch around the removed
pause once: both sides are `trim` branches of that one decode, picked on the output's frame grid exactly as
the main graph picks its plain stretches (`-copyts -start_at_zero` keep the source's own timestamps, so
`engine.onepass.video_graph` and `audio_graph` serve unchanged), and joined as every transition piece is
(`engine.ffargs.join_sides`: the xfade over the piece's frames, the sound switched with a short crossfade
over exactly the matching samples). The result is lossless (Ut Video and PCM sound in NUT), so the main
run's one x264 encode is the only lossy step, as in the piece-by-piece render. Ut Video rather than FFV1:
on a 1080p 0.5 s blend FFV1's encoder cost 0.9 s of CPU, Ut Video's 0.17 s, for files of 17 MB instead of
4.5 MB that live only until the main run has read them (bench/README.md).
"""

from __future__ import annotations

from pathlib import Path

from engine import ffargs, onepass
from engine.ffargs import Output, Piece
from engine.formats import ffmpeg_input
from engine.media import MediaInfo

LEAD_S = 0.2  # decode from a little before the first side, so the frame rate filter's grid is settled


def blend_graph(piece: Piece, info: MediaInfo, o: Output) -> list[str]:
    """Lines from `[0:v]` and `[0:a]` (the source's own timestamps) to `[0vout]` and `[0aout]`: the blend."""
    numbered = [(0, piece)]
    return [
        *onepass.video_graph(numbered, info, o),
        *onepass.audio_graph(numbered, info, o),
        *ffargs.join_sides(piece, o, "0", []),
    ]


def blend_args(piece: Piece, info: MediaInfo, data_dir: Path, o: Output, out: Path) -> list[str]:
    """The run: one seek and one decode of the stretch both sides of `piece` read, the blend to `out`."""
    if piece.b is None:
        raise ValueError("a blend needs a transition piece")
    first, last = sorted((piece.a.start_s, piece.b.start_s))
    seek = max(first - LEAD_S, 0.0)
    end = last + piece.frames / o.fps * o.speed + ffargs.SOURCE_SLACK_S
    return [
        "-loglevel", "error", "-y", "-copyts", "-start_at_zero",
        "-ss", f"{seek:.4f}", "-t", f"{end - seek:.4f}", *ffmpeg_input(info.format, info.absolute(data_dir)),
        "-filter_complex", ";".join(blend_graph(piece, info, o)),
        "-map", "[0vout]", "-map", "[0aout]", "-c:v", "utvideo", "-c:a", "pcm_s16le", "-f", "nut", str(out),
    ]  # fmt: skip
