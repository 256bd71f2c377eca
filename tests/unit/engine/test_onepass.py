"""Golden graphs of the one-source render: the picture in runs of one decode each, every piece a branch of it,
in order; the sound in one run beside it."""

from dataclasses import replace
from pathlib import Path
from typing import get_args

import pytest

from engine import ffargs, onepass
from engine.captions import CaptionFile
from engine.ffargs import Output
from engine.timeline import Timeline, TitleSegment, TransitionKind
from tests.unit.engine.test_ffargs import CLIP, FONT, MEDIA

OUT = Output(1920, 1080, 25)
SIDE = "aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo"


def two_spans() -> Timeline:
    """One clip, two kept spans, a hard cut between them."""
    return Timeline().append_clip(CLIP).keep_spans({"v1": [(0.0, 1.0), (2.0, 3.02)]})


def test_every_piece_is_a_branch_of_one_decode_joined_in_order():
    pieces = ffargs.plan_pieces(two_spans(), 25)
    assert onepass.single_source(pieces, MEDIA) == "v1"
    (run,) = onepass.picture_runs(pieces)
    assert onepass.picture_graph(run, CLIP, OUT, []).split(";\n") == [
        # frames are counted on the output grid, the kept ones only are scaled
        "[0:v]setpts=PTS/1,fps=25,select=between(pts\\,0\\,24)+between(pts\\,50\\,74)[kept]",
        "[kept]scale=1920:1080:force_original_aspect_ratio=increase,crop=1920:1080,setsar=1[fit]",
        "[fit]format=yuv420p,split=2[0avs][1avs]",
        # only the stretch reading furthest holds its last frame (a tpad keeps that frame to the end)
        "[0avs]trim=start_pts=0:end_pts=25,setpts=PTS-STARTPTS,trim=end_frame=25[0av]",
        "[1avs]trim=start_pts=50:end_pts=75,setpts=PTS-STARTPTS,"
        "tpad=stop=-1:stop_mode=clone,trim=end_frame=25[1av]",
        "[0av]null[0vout]",
        "[1av]null[1vout]",
        "[0vout][1vout]concat=n=2:v=1:a=0[joined]",
        "[joined]null[vout]",
    ]
    assert onepass.sound_graph(pieces, CLIP, OUT).split(";\n") == [
        "[0:a]asplit=2[0aas][1aas]",
        f"[0aas]atrim=start=0.0000:duration=1.2000,asetpts=PTS-STARTPTS,{SIDE},"
        "apad=whole_len=48000,atrim=end_sample=48000[0aa]",
        f"[1aas]atrim=start=2.0000:duration=1.2000,asetpts=PTS-STARTPTS,{SIDE},"
        "apad=whole_len=48000,atrim=end_sample=48000[1aa]",
        "[0aa]anull,afade=t=in:d=0.01,afade=t=out:st=0.990000:d=0.01[0aout]",
        "[1aa]anull,afade=t=in:d=0.01,afade=t=out:st=0.990000:d=0.01[1aout]",
        "[0aout][1aout]concat=n=2:v=0:a=1[aout]",
    ]


def test_a_picture_run_seeks_once_and_reads_the_graph_from_a_file_and_the_sound_reads_no_picture():
    (run,) = onepass.picture_runs(ffargs.plan_pieces(two_spans(), 25))
    args = onepass.picture_args(run, CLIP, Path("/data"), OUT, Path("/w/g.txt"), Path("/w/0.mp4"))
    assert args == [
        # from the first frame read (0 s) to past the last (2.0 + 1.0 s, and the slack), on the source's clock
        "-loglevel", "error", "-y", "-copyts", "-start_at_zero", "-an", "-ss", "0.0000", "-t", "3.2000",
        "-f", "mov", "-protocol_whitelist", "file", "-i", "/data/files/v1.mp4",
        "-/filter_complex", "/w/g.txt",
        "-map", "[vout]", "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "21",
        "-pix_fmt", "yuv420p", "-video_track_timescale", "90000", "/w/0.mp4",
    ]  # fmt: skip
    assert onepass.sound_args(CLIP, Path("/data"), Path("/w/s.txt"), Path("/w/0.wav")) == [
        "-loglevel", "error", "-y", "-vn",
        "-f", "mov", "-protocol_whitelist", "file", "-i", "/data/files/v1.mp4",
        "-/filter_complex", "/w/s.txt", "-map", "[aout]", "-vn", "-c:a", "pcm_s16le", "/w/0.wav",
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
    (run,) = onepass.picture_runs(pieces)
    lines = onepass.picture_graph(run, CLIP, vertical, [], CAPTIONS).split(";\n")
    burned = [line for line in lines if "ass=" in line]
    assert len(burned) == 1 and burned[0].startswith("[joined]")  # one libass run, on the joined picture
    assert lines.index(burned[0]) == len(lines) - 1 and "concat=n=2" in lines[-2]
    fit = next(line for line in lines if line.startswith("[kept]"))
    assert fit.index("crop=w=") < fit.index("scale=1080:1920")  # the moving crop is taken before scaling


def spans_with_fades(count: int) -> list[ffargs.Piece]:
    """`count` + 1 kept spans of 0.6 s with 0.4 s pauses, a 0.2 s fade on every cut."""
    spans = {"v1": [(at * 1.0, at * 1.0 + 0.6) for at in range(count + 1)]}
    long_clip = Timeline().append_clip(replace(CLIP, duration_s=count + 2.0))
    return ffargs.plan_pieces(long_clip.keep_spans(spans).set_transitions("fade", 200), 25)


def test_the_picture_runs_in_runs_of_a_few_transitions_each_and_the_sound_in_one():
    pieces = spans_with_fades(5)
    assert [piece.b is not None for piece in pieces] == [False, True] * 5 + [False]
    runs = onepass.picture_runs(pieces)
    # a new run starts at a transition once the run has BLENDS_PER_RUN of them; every piece once, in order
    assert [[k for k, _ in run] for run in runs] == [[0, 1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]
    assert [k for run in runs for k, _ in run] == list(range(len(pieces)))
    title = (TitleSegment("Day 1", st=2500, d=1000), FONT)
    second = onepass.picture_graph(runs[1], replace(CLIP, duration_s=7.0), OUT, [title])
    # the run's own frames only, on the source's clock (its first side reads from 2.6 s: frame 65)
    assert second.split(";\n")[0].startswith("[0:v]setpts=PTS/1,fps=25,select=between(pts\\,65\\,")
    start_s = runs[1][0][1].start_frame / 25  # the title on the run's clock
    assert f"enable=between(t\\,{2.5 - start_s:.3f}\\,{3.5 - start_s:.3f})" in second
    assert "drawtext" not in onepass.picture_graph(runs[2], replace(CLIP, duration_s=7.0), OUT, [title])
    sound = onepass.sound_graph(pieces, CLIP, OUT)
    assert sound.count("acrossfade") == 5 and "concat=n=11:v=0:a=1[aout]" in sound


@pytest.mark.parametrize("kind", [kind for kind in get_args(TransitionKind) if kind != "fade"])
def test_a_transition_pairs_its_sides_frame_by_frame_then_blends_them_for_every_kind(kind: TransitionKind):
    pieces = ffargs.plan_pieces(two_spans().set_transitions(kind, 200), 25)
    (run,) = onepass.picture_runs(pieces)
    lines = onepass.picture_graph(run, CLIP, OUT, []).split(";\n")
    # both sides from the one decode (1.0 s and 1.8 s into the source, 5 frames each)
    assert lines[0] == (
        "[0:v]setpts=PTS/1,fps=25,select=between(pts\\,0\\,24)+between(pts\\,25\\,29)"
        "+between(pts\\,45\\,49)+between(pts\\,50\\,75)[kept]"
    )
    assert lines[lines.index("[1av][1bv]hstack=inputs=2,split[1al][1br]") + 1 :][:3] == [
        "[1al]crop=1920:1080:0:0[1ap]",
        "[1br]crop=1920:1080:1920:0[1bp]",
        f"[1ap][1bp]xfade=transition={kind}:duration=0.200000:offset=0[1vout]",
    ]
    sound = onepass.sound_graph(pieces, CLIP, OUT).replace(";\n", ";").split(";")
    # the sound switches sides with a short crossfade over exactly the transition's 9600 samples
    assert "[1aa]atrim=end_sample=5760[1aah]" in sound
    assert "[1ba]atrim=start_sample=3840,asetpts=PTS-STARTPTS[1bat]" in sound
    assert "[1aah][1bat]acrossfade=ns=1920:c1=tri:c2=tri[1aout]" in sound


def test_a_fade_lays_its_second_side_over_the_first_with_a_rising_alpha():
    pieces = ffargs.plan_pieces(two_spans().set_transitions("fade", 200), 25)
    (run,) = onepass.picture_runs(pieces)
    lines = onepass.picture_graph(run, CLIP, OUT, []).split(";\n")
    # no pairing: an overlay waits for its second side without keeping its pictures
    assert not any("hstack" in line for line in lines)
    assert (
        "[1bv]format=yuva420p,fade=t=in:st=0:d=0.200000:alpha=1[1bvf];[1av][1bvf]overlay=format=yuv420[1vout]"
    ) in lines
