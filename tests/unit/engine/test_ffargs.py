"""Golden argv: what the renderer asks FFmpeg to do, pinned exactly (real renders: tests/integration)."""

from pathlib import Path

import pytest

from engine import ffargs, mixargs
from engine.ffargs import Cut, Output, Piece
from engine.formats import UnknownFormatError
from engine.loudness import Level
from engine.media import MediaInfo
from engine.timeline import Timeline

CLIP = MediaInfo("v1", "talk.mp4", "files/v1.mp4", "video", "mp4", 1000, 4.0, 1280, 720, 25.0, True, True)
PHOTO = MediaInfo("i1", "photo.jpg", "files/i1.jpg", "image", "jpg", 100, 0.0, 800, 600, 0.0, True, False)
MEDIA = {"v1": CLIP, "i1": PHOTO}
FONT = Path("/fonts/Deva.ttf")
OUT = Output(1920, 1080, 25)
TITLE = (
    "drawtext=fontfile=/fonts/Deva.ttf:text=मेरा सफ़र:expansion=none:text_shaping=1:fontsize=83:fontcolor=white"
    ":borderw=5:bordercolor=black@0.7:x=(w-text_w)/2:y=h*0.92-text_h:enable=between(t\\,{}\\,{})"
)
MUSIC_GRAPH = [
    "[{v}:a]volume=1[voice]",
    "[voice]asplit=2[voicemix][key0]",
    "[{m}:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,atrim=end_sample=316800,"
    "asetpts=PTS-STARTPTS,volume=0.35,afade=t=in:d=1.000,afade=t=out:st=4.600:d=2.000,adelay=0:all=1[m0]",
    "[m0][key0]sidechaincompress=threshold=0.02:ratio=12:attack=15:release=350[m0d]",
    "[voicemix][m0d]amix=inputs=2:duration=first:normalize=0[mix]",
]


@pytest.fixture
def timeline() -> Timeline:
    """A 4 s 16:9 clip wiping into a 4:3 photo, a Hindi title at 3.5 s, lo-fi music."""
    return (
        Timeline()
        .append_clip(CLIP)
        .append_clip(PHOTO)
        .set_transitions("wipeleft", 400)
        .add_title("मेरा सफ़र", "bottom", 3.5, 2000)
        .add_music("builtin:lofi", "Lo-fi")
    )


def test_pieces_cover_every_frame_once_with_the_overlap_as_its_own_piece(timeline):
    assert ffargs.plan_pieces(timeline, 25) == [
        Piece(0, 90, Cut("v1", 0.0), guard_in=True),
        Piece(90, 10, Cut("v1", 3.6), Cut("i1", 0.0), "wipeleft"),
        Piece(100, 65, Cut("i1", 0.4), guard_out=True),
    ]


def test_hard_cuts_are_guarded_and_speed_scales_source_positions():
    cut = Timeline().append_clip(CLIP).keep_spans({"v1": [(0.0, 1.0), (2.0, 3.0)]}).set_speed(2.0)
    assert ffargs.plan_pieces(cut, 30) == [
        Piece(0, 15, Cut("v1", 0.0), guard_in=True, guard_out=True),
        Piece(15, 15, Cut("v1", 2.0), guard_in=True, guard_out=True),
    ]


def test_body_piece_argv(timeline):
    piece = ffargs.plan_pieces(timeline, 25)[0]
    args = ffargs.piece_args(
        piece, MEDIA, Path("/data"), OUT, [(timeline.titles[0], FONT)], Path("/w/0.mp4"), Path("/w/0.wav")
    )
    graph = ";".join([
        "[0:v]setpts=(PTS-STARTPTS)/1,fps=25[araw]",
        "[araw]scale=1920:1080:force_original_aspect_ratio=increase,crop=1920:1080,setsar=1[afit]",
        "[afit]format=yuv420p,tpad=stop=-1:stop_mode=clone,trim=end_frame=90[av]",
        "[0:a]asetpts=PTS-STARTPTS,aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,"
        "apad=whole_len=172800,atrim=end_sample=172800[aa]",
        "[av]null," + TITLE.format("3.500", "5.500") + "[vout]",
        "[aa]anull,afade=t=in:d=0.01[aout]",
    ])  # fmt: skip
    assert args == [
        "-loglevel", "error", "-y", "-ss", "0.0000", "-t", "3.8000",
        "-f", "mov", "-protocol_whitelist", "file", "-i", "/data/files/v1.mp4",
        "-filter_complex", graph,
        "-map", "[vout]", "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "21",
        "-pix_fmt", "yuv420p", "-video_track_timescale", "90000", "/w/0.mp4",
        "-map", "[aout]", "-vn", "-c:a", "pcm_s16le", "/w/0.wav",
    ]  # fmt: skip


def test_transition_piece_argv_blurs_the_photo_and_gives_it_silence(timeline):
    piece = ffargs.plan_pieces(timeline, 25)[1]
    args = ffargs.piece_args(
        piece, MEDIA, Path("/data"), OUT, [(timeline.titles[0], FONT)], Path("/w/1.mp4"), Path("/w/1.wav")
    )
    graph = ";".join([
        "[0:v]setpts=(PTS-STARTPTS)/1,fps=25[araw]",
        "[araw]scale=1920:1080:force_original_aspect_ratio=increase,crop=1920:1080,setsar=1[afit]",
        "[afit]format=yuv420p,tpad=stop=-1:stop_mode=clone,trim=end_frame=10[av]",
        "[0:a]asetpts=PTS-STARTPTS,aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,"
        "apad=whole_len=19200,atrim=end_sample=19200[aa]",
        "[1:v]setpts=(PTS-STARTPTS)/1,fps=25[braw]",
        "[braw]split=2[bfitbg][bfitfg]",
        "[bfitbg]scale=480:270:force_original_aspect_ratio=increase,crop=480:270,gblur=sigma=6,"
        "scale=1920:1080,setsar=1[bfitbb]",
        "[bfitfg]scale=1920:1080:force_original_aspect_ratio=decrease:force_divisible_by=2,setsar=1[bfitff]",
        "[bfitbb][bfitff]overlay=(W-w)/2:(H-h)/2[bfit]",
        "[bfit]format=yuv420p,tpad=stop=-1:stop_mode=clone,trim=end_frame=10[bv]",
        "[2:a]asetpts=PTS-STARTPTS,aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,"
        "apad=whole_len=19200,atrim=end_sample=19200[ba]",
        "[av][bv]xfade=transition=wipeleft:duration=0.400000:offset=0,"
        + TITLE.format("-0.100", "1.900") + "[vout]",
        # the sound switches sides in the middle with a 40 ms crossfade: never both voices at once
        "[aa]atrim=end_sample=10560[aah];[ba]atrim=start_sample=8640,asetpts=PTS-STARTPTS[bat];"
        "[aah][bat]acrossfade=ns=1920:c1=tri:c2=tri[aout]",
    ])  # fmt: skip
    assert args[:27] == [
        "-loglevel", "error", "-y",
        "-ss", "3.6000", "-t", "0.6000",
        "-f", "mov", "-protocol_whitelist", "file", "-i", "/data/files/v1.mp4",
        "-t", "0.6000", "-f", "image2", "-pattern_type", "none", "-loop", "1", "-framerate", "25",
        "-protocol_whitelist", "file", "-i", "/data/files/i1.jpg",
    ]  # fmt: skip
    assert args[27:33] == ["-f", "lavfi", "-t", "0.4000", "-i", "anullsrc=r=48000:cl=stereo"]
    assert args[33:35] == ["-filter_complex", graph]


def test_sound_pass_ducks_music_and_applies_measured_loudness_and_the_mux_copies_both(timeline):
    music = [(timeline.music[0], Path("/cache/lofi.flac"))]
    level = Level(6.5, limited=True)
    args = mixargs.sound_args(timeline, music, Path("/w/a.txt"), 316800, level, Path("/w/sound.m4a"))
    graph = ";".join([
        *(line.format(v=0, m=1) for line in MUSIC_GRAPH),
        # the gain, and the limiter (its look-ahead delays no sample) holding the peaks it would raise
        "[mix]volume=6.50dB,alimiter=limit=-2.5dB:attack=10:level=false:latency=1,atrim=end_sample=316800[aout]",
    ])  # fmt: skip
    assert args == [
        "-loglevel", "error", "-y",
        "-f", "concat", "-safe", "0", "-protocol_whitelist", "file", "-i", "/w/a.txt",
        "-stream_loop", "-1", "-f", "flac", "-protocol_whitelist", "file", "-i", "/cache/lofi.flac",
        "-filter_complex", graph, "-map", "[aout]",
        "-c:a", "aac", "-b:a", "192k", "-ar", "48000", "/w/sound.m4a",
    ]  # fmt: skip
    assert mixargs.mux_args(Path("/w/v.txt"), Path("/w/sound.m4a"), Path("/w/out.mp4")) == [
        "-loglevel", "error", "-y",
        "-f", "concat", "-safe", "0", "-protocol_whitelist", "file", "-i", "/w/v.txt",
        "-f", "mov", "-protocol_whitelist", "file", "-i", "/w/sound.m4a",
        "-map", "0:v", "-map", "1:a", "-c", "copy", "-movflags", "+faststart", "/w/out.mp4",
    ]  # fmt: skip


def test_measure_pass_prints_the_loudness_and_true_peak_and_keeps_the_mix_it_measured(timeline):
    music = [(timeline.music[0], Path("/cache/lofi.flac"))]
    args = mixargs.measure_args(timeline, music, Path("/w/a.txt"), 316800, Path("/w/mix.wav"))
    graph = ";".join([*(line.format(v=0, m=1) for line in MUSIC_GRAPH), "[mix]asplit=2[measured][kept]",
                      "[measured]ebur128=peak=true:framelog=quiet[out]"])  # fmt: skip
    assert args == [
        "-loglevel", "info", "-y",
        "-f", "concat", "-safe", "0", "-protocol_whitelist", "file", "-i", "/w/a.txt",
        "-stream_loop", "-1", "-f", "flac", "-protocol_whitelist", "file", "-i", "/cache/lofi.flac",
        "-filter_complex", graph, "-map", "[out]", "-f", "null", "-",
        "-map", "[kept]", "-c:a", "pcm_f32le", "/w/mix.wav",
    ]  # fmt: skip


def test_sound_pass_levels_the_measured_mix_without_mixing_again(timeline):
    music = [(timeline.music[0], Path("/cache/lofi.flac"))]
    args = mixargs.sound_args(
        timeline,
        music,
        Path("/w/a.txt"),
        316800,
        Level(-3.25, limited=False),
        Path("/w/s.m4a"),
        Path("/w/m.wav"),
    )
    assert args[3:10] == ["-f", "wav", "-protocol_whitelist", "file", "-i", "/w/m.wav", "-filter_complex"]
    assert args[10].split(";") == ["[0:a]anull[mix]", "[mix]volume=-3.25dB,atrim=end_sample=316800[aout]"]
    # a trial of a level reads the same kept mix, measured and thrown away
    assert mixargs.trial_args(Path("/w/m.wav"), Level(9.5, limited=True))[-5:] == [
        "-af",
        "volume=9.50dB,alimiter=limit=-2.5dB:attack=10:level=false:latency=1,ebur128=peak=true:framelog=quiet",
        "-f", "null", "-",
    ]  # fmt: skip


def test_muted_clip_keeps_music_without_ducking_and_keeps_its_level_when_not_measured(timeline):
    muted = timeline.set_mute(True)
    args = mixargs.sound_args(
        muted, [(muted.music[0], Path("/m.flac"))], Path("/a"), 480, None, Path("/s.m4a")
    )
    graph = args[args.index("-filter_complex") + 1].split(";")
    assert args[3:10] == ["-stream_loop", "-1", "-f", "flac", "-protocol_whitelist", "file", "-i"]
    assert graph[0] == "anullsrc=r=48000:cl=stereo,atrim=end_sample=480[voice]"
    assert graph[1] == "[voice]anull[voicemix]"
    assert graph[-2:] == [
        "[voicemix][m0]amix=inputs=2:duration=first:normalize=0[mix]",
        "[mix]anull,atrim=end_sample=480[aout]",
    ]


def test_slow_speed_chains_atempo_within_its_range():
    slow = Timeline().append_clip(CLIP).set_speed(0.25)
    piece = ffargs.plan_pieces(slow, 25)[0]
    slow_output = Output(1920, 1080, 25, speed=0.25)
    args = ffargs.piece_args(piece, MEDIA, Path("/d"), slow_output, [], Path("/v.mp4"), Path("/a.wav"))
    graph = args[args.index("-filter_complex") + 1]
    assert "setpts=(PTS-STARTPTS)/0.25,fps=25" in graph
    assert "[0:a]asetpts=PTS-STARTPTS,atempo=0.5,atempo=0.5,aresample=48000" in graph
    assert args[3:7] == ["-ss", "0.0000", "-t", "4.2000"]  # 4 s of source become 16 s


def test_escape_value_follows_ffmpeg_filtergraph_escaping():
    text = "this is a 'string': may contain one, or more, special characters"
    assert ffargs.escape_value(text) == (
        "this is a \\\\\\'string\\\\\\'\\\\: may contain one\\, or more\\, special characters"
    )
    assert ffargs.escape_value("[a];b\\c") == "\\[a\\]\\;b\\\\\\\\c"


@pytest.mark.parametrize(
    ("source", "fps"), [(60, 30), (59.94, 30), (50, 25), (25, 25), (23.976, 24), (48, 24), (15, 30)]
)
def test_pick_fps_divides_the_source_rate(source, fps):
    assert ffargs.pick_fps(source) == fps


def test_concat_list_quotes_paths():
    assert (
        mixargs.concat_list([Path("/w/a.mp4"), Path("/w/it's.mp4")])
        == "file '/w/a.mp4'\nfile '/w/it'\\''s.mp4'\n"
    )


def test_music_of_a_format_no_reader_may_open_is_refused(timeline):
    with pytest.raises(UnknownFormatError):
        mixargs.measure_args(
            timeline, [(timeline.music[0], Path("/m.playlist"))], Path("/a"), 480, Path("/m.wav")
        )
