"""Golden graph of the one-run render: one decode of the source, every piece a branch of it, in order."""

from pathlib import Path
from typing import get_args

import pytest

from engine import blends, ffargs, onepass
from engine.captions import CaptionFile
from engine.ffargs import Output
from engine.timeline import Timeline, TransitionKind
from tests.unit.engine.test_ffargs import CLIP, MEDIA

OUT = Output(1920, 1080, 25)
SIDE = "aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo"


def two_spans() -> Timeline:
    """One clip, two kept spans, a hard cut between them."""
    return Timeline().append_clip(CLIP).keep_spans({"v1": [(0.0, 1.0), (2.0, 3.02)]})


def test_every_piece_is_a_branch_of_one_decode_joined_in_order():
    pieces = ffargs.plan_pieces(two_spans(), 25)
    assert onepass.single_source(pieces, MEDIA) == "v1"
    graph = onepass.single_pass_graph(pieces, CLIP, OUT, [])
    assert graph.split(";\n") == [
        # frames are counted on the output grid, the kept ones only are scaled
        "[0:v]setpts=PTS/1,fps=25,select=between(pts\\,0\\,24)+between(pts\\,50\\,74)[kept]",
        "[kept]scale=1920:1080:force_original_aspect_ratio=increase,crop=1920:1080,setsar=1[fit]",
        "[fit]format=yuv420p,split=2[0avs][1avs]",
        # only the stretch reading furthest holds its last frame (a tpad keeps that frame to the end)
        "[0avs]trim=start_pts=0:end_pts=25,setpts=N/FRAME_RATE/TB,trim=end_frame=25[0av]",
        "[1avs]trim=start_pts=50:end_pts=75,setpts=N/FRAME_RATE/TB,"
        "tpad=stop=-1:stop_mode=clone,trim=end_frame=25[1av]",
        "[0:a]asplit=2[0aas][1aas]",
        f"[0aas]atrim=start=0.0000:duration=1.2000,asetpts=PTS-STARTPTS,{SIDE},"
        "apad=whole_len=48000,atrim=end_sample=48000[0aa]",
        f"[1aas]atrim=start=2.0000:duration=1.2000,asetpts=PTS-STARTPTS,{SIDE},"
        "apad=whole_len=48000,atrim=end_sample=48000[1aa]",
        "[0av]null[0vout]",
        "[0aa]anull,afade=t=in:d=0.01,afade=t=out:st=0.990000:d=0.01[0aout]",
        "[1av]null[1vout]",
        "[1aa]anull,afade=t=in:d=0.01,afade=t=out:st=0.990000:d=0.01[1aout]",
        "[0vout][0aout][1vout][1aout]concat=n=2:v=1:a=1[joined][aout]",
        "[joined]null[vout]",
    ]


def test_the_run_reads_the_source_once_with_the_graph_from_a_file():
    args = onepass.single_pass_args(
        CLIP, Path("/data"), OUT, Path("/w/g.txt"), Path("/w/0.mp4"), Path("/w/0.wav")
    )
    assert args == [
        "-loglevel", "error", "-y", "-f", "mov", "-protocol_whitelist", "file", "-i", "/data/files/v1.mp4",
        "-/filter_complex", "/w/g.txt",
        "-map", "[vout]", "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "21",
        "-pix_fmt", "yuv420p", "-video_track_timescale", "90000", "/w/0.mp4",
        "-map", "[aout]", "-vn", "-c:a", "pcm_s16le", "/w/0.wav",
    ]  # fmt: skip


def test_drafts_of_several_sources_or_out_of_order_render_piece_by_piece():
    mixed = Timeline().append_clip(CLIP).append_clip(MEDIA["i1"])
    assert onepass.single_source(ffargs.plan_pieces(mixed, 25), MEDIA) is None
    swapped = Timeline().append_clip(CLIP).keep_spans({"v1": [(2.0, 3.0), (0.0, 1.0)]})
    assert onepass.single_source(ffargs.plan_pieces(swapped, 25), MEDIA) is None


CAPTIONS = CaptionFile(Path("/w/captions.ass"), Path("/w/fonts"))


def test_a_captioned_face_following_vertical_edit_burns_its_captions_once_after_the_concat():
    vertical = Output(1080, 1920, 25, fit="face", faces={"v1": ((0.0, 0.3), (3.0, 0.7))})
    pieces = ffargs.plan_pieces(two_spans().set_aspect("9:16", "face"), 25)
    lines = onepass.single_pass_graph(pieces, CLIP, vertical, [], CAPTIONS).split(";\n")
    burned = [line for line in lines if "ass=" in line]
    assert len(burned) == 1 and burned[0].startswith("[joined]")  # one libass run, on the joined picture
    assert lines.index(burned[0]) == len(lines) - 1 and "concat=n=2" in lines[-2]
    fit = next(line for line in lines if line.startswith("[kept]"))
    assert fit.index("crop=w=") < fit.index("scale=1080:1920")  # the moving crop is taken before scaling


def three_spans_with_fades() -> list[ffargs.Piece]:
    """Three kept spans, a 0.2 s fade on both cuts: plain, blend, plain, blend, plain."""
    spans = {"v1": [(0.0, 1.0), (2.0, 3.0), (3.5, 4.0)]}
    return ffargs.plan_pieces(Timeline().append_clip(CLIP).keep_spans(spans).set_transitions("fade", 200), 25)


def test_every_blend_is_a_branch_of_one_more_input_in_its_place():
    pieces = three_spans_with_fades()
    assert [piece.b is not None for piece in pieces] == [False, True, False, True, False]
    assert onepass.single_source(pieces, MEDIA) == "v1"
    lines = onepass.single_pass_graph(pieces, CLIP, OUT, []).split(";\n")
    assert [line for line in lines if "xfade" in line or "[1:" in line or "bl" in line] == [
        # however many blends, one input (the blend files back to back), split by frame and sample counts
        "[1:v]split=2[1bls][3bls]",
        "[1:a]asetpts=N/SR/TB,asplit=2[1blas][3blas]",
        "[1bls]trim=start_frame=0:end_frame=5,setpts=PTS-STARTPTS[1vout]",
        "[1blas]atrim=start_sample=0:end_sample=9600,asetpts=PTS-STARTPTS[1aout]",
        "[3bls]trim=start_frame=5:end_frame=10,setpts=PTS-STARTPTS[3vout]",
        "[3blas]atrim=start_sample=9600:end_sample=19200,asetpts=PTS-STARTPTS[3aout]",
    ]
    # the source's decode keeps the plain stretches only: the blends' frames come from input 1
    assert lines[0] == (
        "[0:v]setpts=PTS/1,fps=25,select=between(pts\\,0\\,24)+between(pts\\,50\\,74)+between(pts\\,88\\,99)[kept]"
    )
    assert lines[-2].startswith(
        "[0vout][0aout][1vout][1aout][2vout][2aout][3vout][3aout][4vout][4aout]concat"
    )
    args = onepass.single_pass_args(
        CLIP, Path("/data"), OUT, Path("/w/g.txt"), Path("/w/0.mp4"), Path("/w/0.wav"), Path("/w/blends.txt")
    )
    assert args.count("-i") == 2
    assert args[args.index("/data/files/v1.mp4") + 1 : args.index("/w/blends.txt") + 1] == [
        "-f", "concat", "-safe", "0", "-protocol_whitelist", "file", "-i", "/w/blends.txt",
    ]  # fmt: skip


@pytest.mark.parametrize("kind", get_args(TransitionKind))
def test_a_blend_is_one_seek_and_one_decode_of_both_sides_for_every_transition_kind(kind: TransitionKind):
    pieces = ffargs.plan_pieces(two_spans().set_transitions(kind, 200), 25)
    blend = next(piece for piece in pieces if piece.b is not None)
    args = blends.blend_args(blend, CLIP, Path("/data"), OUT, Path("/w/blend.nut"))
    # from 0.2 s before the first side (1.0 s) to past the second's end (1.8 + 0.2 s), on the source's clock
    assert args[:9] == [
        "-loglevel",
        "error",
        "-y",
        "-copyts",
        "-start_at_zero",
        "-ss",
        "0.8000",
        "-t",
        "1.4000",
    ]
    assert args.count("-i") == 1 and args[-11:] == [
        "-map", "[0vout]", "-map", "[0aout]", "-c:v", "utvideo", "-c:a", "pcm_s16le",
        "-f", "nut", "/w/blend.nut",
    ]  # fmt: skip
    graph = args[args.index("-filter_complex") + 1].split(";")
    assert graph[0] == "[0:v]setpts=PTS/1,fps=25,select=between(pts\\,25\\,29)+between(pts\\,45\\,49)[kept]"
    # the picture's blend and the sound's switch span the same 5 frames and 9600 samples
    assert f"[0av][0bv]xfade=transition={kind}:duration=0.200000:offset=0[0vout]" in graph
    assert "[0aa]atrim=end_sample=5760[0aah]" in graph
    assert "[0ba]atrim=start_sample=3840,asetpts=PTS-STARTPTS[0bat]" in graph
    assert "[0aah][0bat]acrossfade=ns=1920:c1=tri:c2=tri[0aout]" in graph
