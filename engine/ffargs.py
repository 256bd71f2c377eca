"""Pure builders: a timeline and its media become FFmpeg argv lists (without the binary), one per pass.

Why pieces: one filter graph chaining every cut and xfade holds frames for each branch and takes gigabytes on
a one-minute clip. Instead the output timeline is cut into *pieces* — the body of a segment, or the overlap
where one segment crosses into the next — and each piece is its own short FFmpeg run writing an H.264 file and
a PCM WAV of exactly the same length (whole frames; 48 kHz samples per frame are whole at 24, 25 and 30 fps),
so audio and video stay in sync by construction. The pieces are joined by the concat demuxer with stream copy
in the final pass (`engine.mixargs`: the music, loudness and the MP4). Memory is that of one short run,
whatever the clip's length or number of cuts. A draft of one video source read in order skips the pieces:
`engine.onepass` builds its few runs from the same parts.

Hard cuts get a 10 ms fade on both sides so that a cut never clicks; transitions use xfade and acrossfade over
the overlap only. A hard cut with a `blend` (fillers cut out between words) keeps the voice going instead:
the piece before it ends crossfading into the sound just before the next piece's start (`Piece.fade_into`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from engine import reframe, tonemap
from engine.captions import CaptionFile
from engine.formats import ffmpeg_input
from engine.media import MediaInfo
from engine.operations.frame import emphasis_frames, segment_zooms, zoom_percent
from engine.timeline import Fit, Timeline, TitleSegment, VideoSegment

SAMPLE_RATE = 48000
FPS_CHOICES = (30, 25, 24)
CLICK_GUARD_S = 0.01
AUDIO_CROSSFADE_S = 0.04
SOURCE_SLACK_S = 0.2  # read a little past a piece's end; trim makes the length exact


@dataclass(frozen=True)
class Output:
    """The rendered frame and the encoder's settings."""

    width: int
    height: int
    fps: int
    fit: Fit = "blur"
    speed: float = 1.0
    preset: str = "veryfast"
    crf: int = 21
    faces: Mapping[str, reframe.Keyframes] = field(default_factory=dict)  # crop paths of wide sources


@dataclass(frozen=True)
class Cut:
    """Where a piece reads one source: from `start_s` in that file."""

    src: str
    start_s: float
    zoom: float = 1.0  # a punch-in on this side (engine.operations.frame)


@dataclass(frozen=True)
class Piece:
    """A run of output frames: one source (`b` is None), or `a` crossing into `b` with a transition."""

    start_frame: int
    frames: int
    a: Cut
    b: Cut | None = None
    transition: str = ""
    guard_in: bool = False
    guard_out: bool = False
    fade_into: Cut | None = None  # the last `fade_samples` of sound crossfade into this source position
    fade_samples: int = 0


def pick_fps(source_fps: float) -> int:
    """An output rate that divides the source's evenly (60 -> 30, 50 -> 25, 23.976 -> 24), else 30."""
    for fps in FPS_CHOICES:
        ratio = source_fps / fps
        if round(ratio) >= 1 and abs(ratio - round(ratio)) < 0.01:
            return fps
    return 30


def _frame(ms: float, fps: int) -> int:
    return round(ms * fps / 1000)


def _cut(segment: VideoSegment, frame: int, fps: int, speed: float, zoom: float = 1.0) -> Cut:
    offset_ms = max(0.0, frame * 1000 / fps - segment.st)
    return Cut(segment.src, round((segment.in_ms + offset_ms * speed) / 1000, 4), zoom)


def plan_pieces(timeline: Timeline, fps: int) -> list[Piece]:
    """The output timeline as consecutive pieces of whole frames (describe step, no FFmpeg)."""
    speed = timeline.canvas.speed
    segments = timeline.video
    zooms = segment_zooms(timeline)
    stressed = emphasis_frames(timeline, fps)
    punch = 1 + zoom_percent(timeline) / 100
    pieces: list[Piece] = []
    for index, segment in enumerate(segments):
        start = _frame(segment.st, fps)
        if index and segment.tr is not None:
            before = segments[index - 1]
            overlap_end = _frame(before.st + before.d, fps)
            a = _cut(before, start, fps, speed, zooms[index - 1])
            b = _cut(segment, start, fps, speed, zooms[index])
            pieces.append(Piece(start, overlap_end - start, a, b, segment.tr.type))
            start = overlap_end
        after = segments[index + 1] if index + 1 < len(segments) else None
        end = _frame(after.st if after is not None else segment.st + segment.d, fps)
        blended_in = bool(pieces) and pieces[-1].fade_into is not None  # the piece before fades into this one
        guard_in = (index == 0 or segment.tr is None) and not blended_in
        guard_out = after is None or after.tr is None
        piece = Piece(
            start, end - start, _cut(segment, start, fps, speed, zooms[index]), None, "", guard_in, guard_out
        )
        if after is not None and after.tr is None and after.blend:
            piece = _blended(piece, after, fps, speed)
        pieces += _punched(piece, segment, stressed[index], punch, fps, speed)
    return [piece for piece in pieces if piece.frames > 0]


def _punched(
    piece: Piece,
    segment: VideoSegment,
    frames: Sequence[tuple[int, int]],
    zoom: float,
    fps: int,
    speed: float,
) -> list[Piece]:
    """A one-source piece cut at the edges of its punch-ins on stressed words (frames [first, end)), the
    parts inside them zoomed; the sound runs on unbroken (no click guards inside), and the piece's own
    guards and blend stay at its ends."""
    end = piece.start_frame + piece.frames
    edges = sorted(
        {piece.start_frame, end, *(f for span in frames for f in span if piece.start_frame < f < end)}
    )
    if len(edges) == 2:
        return [piece]
    parts: list[Piece] = []
    for first, last in itertools.pairwise(edges):
        inside = any(a <= first < b for a, b in frames)
        cut = _cut(segment, first, fps, speed, zoom if inside else piece.a.zoom)
        part = replace(piece, start_frame=first, frames=last - first, a=cut)
        if first != piece.start_frame:
            part = replace(part, guard_in=False)
        if last != end:
            part = replace(part, guard_out=False, fade_into=None, fade_samples=0)
        parts.append(part)
    return parts


def escape_value(value: str) -> str:
    """Escape an option value inside a filtergraph: first for the option parser, then for the graph parser."""
    option_level = re.sub(r"([\\':])", r"\\\1", value)
    return re.sub(r"([\\'\[\],;])", r"\\\1", option_level)


def fit_chain(label: str, out: str, info: MediaInfo, o: Output, offset_s: float = 0.0) -> str:
    """Fill the output frame (see `_fill`), in SDR colours (an HDR picture is tone-mapped once it is at the
    output's size: `engine.tonemap`)."""
    to_sdr = tonemap.sdr_filters(info)
    if not to_sdr:
        return _fill(label, out, info, o, offset_s)
    return f"{_fill(label, f'{out}hdr', info, o, offset_s)};[{out}hdr]{to_sdr}[{out}]"


def _fill(label: str, out: str, info: MediaInfo, o: Output, offset_s: float) -> str:
    """A crop that follows the face (a frame at `t` shows the source at `offset_s + t * speed`), a centre
    crop, or the whole picture over a blurred, enlarged copy of itself."""
    w, h = o.width, o.height
    keys = o.faces.get(info.file_id, ()) if o.fit in ("face", "auto") else ()
    if o.fit in ("face", "crop") and not keys and reframe.crop_share(info, w, h) < 0.99:
        keys = reframe.CENTRE  # the centre of a wider picture, cropped before it is scaled (far fewer pixels)
    if keys:
        crop_w, crop_h, x = reframe.follow_window(keys, info, o, offset_s)
        return f"[{label}]crop=w={crop_w}:h={crop_h}:x={escape_value(x)}:y=0,scale={w}:{h},setsar=1[{out}]"
    cover = f"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},setsar=1"
    same_shape = info.width and info.height and abs(info.width / info.height - w / h) < 0.01
    if o.fit in ("crop", "face") or same_shape or not (info.width and info.height):
        return f"[{label}]{cover}[{out}]"
    sw, sh = w // 4 // 2 * 2, h // 4 // 2 * 2  # blur a quarter-size copy: same look, a sixteenth of the work
    return (
        f"[{label}]split=2[{out}bg][{out}fg];"
        f"[{out}bg]scale={sw}:{sh}:force_original_aspect_ratio=increase,crop={sw}:{sh},gblur=sigma=6,"
        f"scale={w}:{h},setsar=1[{out}bb];"
        f"[{out}fg]scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2,setsar=1[{out}ff];"
        f"[{out}bb][{out}ff]overlay=(W-w)/2:(H-h)/2[{out}]"
    )


def _atempo(speed: float) -> str:
    """atempo takes 0.5-100 per instance; slower speeds chain two."""
    if speed == 1.0:
        return ""
    if speed < 0.5:
        return f",atempo=0.5,atempo={speed / 0.5:.6g}"
    return f",atempo={speed:.6g}"


def _source_inputs(cut: Cut, info: MediaInfo, data_dir: Path, seconds: float, fps: int) -> list[str]:
    path = info.absolute(data_dir)
    if info.kind == "image":
        return ["-t", f"{seconds:.4f}", *ffmpeg_input(info.format, path, loop_fps=fps)]
    return ["-ss", f"{cut.start_s:.4f}", "-t", f"{seconds:.4f}", *ffmpeg_input(info.format, path)]


def title_filter(title: TitleSegment, font: Path, offset_s: float, o: Output) -> str:
    size = min(round(min(o.width, o.height) / 13), round(o.width * 0.9 / max(len(title.text), 1) / 0.55))
    y = {"top": "h*0.08", "center": "(h-text_h)/2", "bottom": "h*0.92-text_h"}[title.pos]
    start, end = title.st / 1000 - offset_s, (title.st + title.d) / 1000 - offset_s
    options = {
        "fontfile": str(font),
        "text": title.text,
        "expansion": "none",
        "text_shaping": "1",
        "fontsize": str(size),
        "fontcolor": "white",
        "borderw": str(max(2, size // 16)),
        "bordercolor": "black@0.7",
        "x": "(w-text_w)/2",
        "y": y,
        "enable": f"between(t,{start:.3f},{end:.3f})",
    }
    return "drawtext=" + ":".join(f"{key}={escape_value(value)}" for key, value in options.items())


def overlays_for(
    first_frame: int,
    frames: int,
    titles: Sequence[tuple[TitleSegment, Path]],
    captions: CaptionFile | None,
    o: Output,
) -> list[str]:
    """The filters drawing the titles and captions on a stretch of output frames `[first_frame, +frames)`
    rendered on its own clock (its first frame at 0)."""
    start_s, end_s = first_frame / o.fps, (first_frame + frames) / o.fps
    overlays = [
        title_filter(title, font, start_s, o)
        for title, font in titles
        if title.st / 1000 < end_s and (title.st + title.d) / 1000 > start_s
    ]
    if captions is not None:
        overlays.append(ass_filter(captions, start_s))
    return overlays


def ass_filter(captions: CaptionFile, offset_s: float) -> str:
    """Burn an ASS file (captions) into a piece starting `offset_s` into the output: libass reads the
    frame's timestamp, so the piece's clock is moved to the output's and back. It draws with the fonts
    beside the file (the titles' fonts), not with whatever the system's fontconfig finds."""
    fonts, value = escape_value(str(captions.fonts)), escape_value(str(captions.ass))
    return (
        f"setpts=PTS+{offset_s:.6f}/TB,ass=filename={value}:fontsdir={fonts}:shaping=complex,"
        f"setpts=PTS-{offset_s:.6f}/TB"
    )


def seeked_side(
    name: str, cut: Cut, info: MediaInfo, data_dir: Path, o: Output, frames: int, first_input: int
) -> tuple[list[str], list[str]]:
    """One side of a piece read by its own seek: the inputs (numbered from `first_input`) and the graph
    lines ending in `[{name}v]` and `[{name}a]`, exactly `frames` frames and the matching samples (silence
    for a still or a clip without sound)."""
    seconds = frames / o.fps
    samples = frames * SAMPLE_RATE // o.fps
    inputs = _source_inputs(cut, info, data_dir, seconds * o.speed + SOURCE_SLACK_S, o.fps)
    audio_ref = f"{first_input}:a"
    if not (info.kind == "video" and info.has_audio):
        audio_ref = f"{first_input + 1}:a"
        inputs += ["-f", "lavfi", "-t", f"{seconds:.4f}", "-i", f"anullsrc=r={SAMPLE_RATE}:cl=stereo"]
    speed = 1.0 if info.kind == "image" else o.speed
    graph = [
        f"[{first_input}:v]setpts=(PTS-STARTPTS)/{speed:.6g},fps={o.fps}[{name}raw]",
        fit_chain(f"{name}raw", f"{name}fit", info, o, cut.start_s),
        f"[{name}fit]{reframe.zoom_filter(cut.zoom, o)}format=yuv420p,tpad=stop=-1:stop_mode=clone,"
        f"trim=end_frame={frames}[{name}v]",
        f"[{audio_ref}]{side_audio(speed, samples)}[{name}a]",
    ]
    return inputs, graph


def piece_args(
    piece: Piece,
    media: Mapping[str, MediaInfo],
    data_dir: Path,
    o: Output,
    titles: Sequence[tuple[TitleSegment, Path]],
    video_out: Path,
    audio_out: Path,
    captions: CaptionFile | None = None,
) -> list[str]:
    """One piece -> an H.264 file of exactly `frames` frames and a WAV of exactly the matching samples."""
    inputs: list[str] = []
    graph: list[str] = []
    for name, cut in (("a", piece.a), ("b", piece.b)):
        if cut is not None:
            side = seeked_side(name, cut, media[cut.src], data_dir, o, piece.frames, inputs.count("-i"))
            inputs += side[0]
            graph += side[1]
    if piece.fade_into is not None:  # a blended cut: the far side's sound only
        far, far_index = media[piece.fade_into.src], inputs.count("-i")
        far_s = piece.fade_samples / SAMPLE_RATE * o.speed + SOURCE_SLACK_S
        if far.kind == "video" and far.has_audio:
            inputs += _source_inputs(piece.fade_into, far, data_dir, far_s, o.fps)
        else:
            inputs += ["-f", "lavfi", "-t", f"{far_s:.4f}", "-i", f"anullsrc=r={SAMPLE_RATE}:cl=stereo"]
        graph.append(f"[{far_index}:a]{side_audio(o.speed, piece.fade_samples)}[xa]")
    graph += join_sides(piece, o, "", overlays_for(piece.start_frame, piece.frames, titles, captions, o))
    return [
        "-loglevel", "error", "-y", *inputs,
        "-filter_complex", ";".join(graph), *encode_args(o, video_out, audio_out),
    ]  # fmt: skip


def encode_args(o: Output, video_out: Path, audio_out: Path) -> list[str]:
    """A piece's outputs: `[vout]` as H.264 at the output's settings, `[aout]` as 16-bit PCM."""
    return [*h264_output(o, video_out), *pcm_output(audio_out)]


def h264_output(o: Output, video_out: Path) -> list[str]:
    """`[vout]` as H.264 at the output's settings."""
    return [
        "-map", "[vout]", "-an", "-c:v", "libx264", "-preset", o.preset, "-crf", str(o.crf),
        "-pix_fmt", "yuv420p", "-video_track_timescale", "90000", str(video_out),
    ]  # fmt: skip


def pcm_output(audio_out: Path) -> list[str]:
    """`[aout]` as 16-bit PCM (a WAV of exactly the samples of the matching frames)."""
    return ["-map", "[aout]", "-vn", "-c:a", "pcm_s16le", str(audio_out)]


def _blended(piece: Piece, after: VideoSegment, fps: int, speed: float) -> Piece:
    """A piece ending in a hard cut with a blend: its last `after.blend` ms of sound crossfade into the sound
    that leads up to `after`'s start, so the join is continuous (no fade to zero) and, since the crossfade
    ends where `after` begins, both sides stay in sync with their pictures."""
    samples = min(after.blend * SAMPLE_RATE // 1000, piece.frames * SAMPLE_RATE // fps)
    lead_s = samples / SAMPLE_RATE * speed
    if samples <= 0 or after.in_ms / 1000 < lead_s:
        return piece
    far = Cut(after.src, round(after.in_ms / 1000 - lead_s, 4))
    return replace(piece, guard_out=False, fade_into=far, fade_samples=samples)


def side_audio(speed: float, samples: int) -> str:
    """A side's sound from its first sample: retimed, in the output's format, exactly `samples` long."""
    return (
        f"asetpts=PTS-STARTPTS{_atempo(speed)},aresample={SAMPLE_RATE},"
        f"aformat=sample_fmts=fltp:channel_layouts=stereo,apad=whole_len={samples},atrim=end_sample={samples}"
    )


def join_sides(piece: Piece, o: Output, prefix: str, overlays: Sequence[str]) -> list[str]:
    """Graph lines turning a piece's sides `[{prefix}av]`, `[{prefix}aa]` (and `[{prefix}bv]`,
    `[{prefix}ba]` under a transition) into `[{prefix}vout]` and `[{prefix}aout]`: the xfade, or the click
    guards of a hard cut, then `overlays` on the picture."""
    seconds = piece.frames / o.fps
    samples = piece.frames * SAMPLE_RATE // o.fps
    if piece.b is not None:
        video = blend_chain(piece, o, f"{prefix}av", f"{prefix}bv")
        audio = _audio_switch(samples, prefix)
    else:
        video, audio = f"[{prefix}av]null", f"[{prefix}aa]anull"
        if piece.guard_in:
            audio += f",afade=t=in:d={CLICK_GUARD_S}"
        if piece.guard_out:
            audio += f",afade=t=out:st={max(seconds - CLICK_GUARD_S, 0):.6f}:d={CLICK_GUARD_S}"
        if piece.fade_into is not None:  # equal-power curves: the sounds either side are unrelated
            blend = f"acrossfade=ns={piece.fade_samples}:c1=qsin:c2=qsin"
            audio += f"[{prefix}ah];[{prefix}ah][{prefix}xa]{blend}"
    return [",".join([video, *overlays]) + f"[{prefix}vout]", audio + f"[{prefix}aout]"]


def blend_chain(piece: Piece, o: Output, first: str, second: str) -> str:
    """A transition piece's picture: its sides `[first]` and `[second]` blended over all its frames, as a
    chain left open for more filters. A fade lays the second side over the first with `overlay`, its alpha
    rising frame by frame as xfade's fade mixes them: xfade's scalar per-pixel loop took 11 ms a 1080p
    frame (17 fades, 8 s of the bench clip's CPU), overlay blends in SIMD (bench/README.md). Other kinds are
    xfade's."""
    seconds = piece.frames / o.fps
    if piece.transition == "fade":
        faded = f"{second}f"
        return (
            f"[{second}]format=yuva420p,fade=t=in:st=0:d={seconds:.6f}:alpha=1[{faded}];"
            f"[{first}][{faded}]overlay=format=yuv420"
        )
    return f"[{first}][{second}]xfade=transition={piece.transition}:duration={seconds:.6f}:offset=0"


def _audio_switch(samples: int, prefix: str) -> str:
    """The sound under a transition: the first side up to the middle, then the second, joined by a short
    crossfade (at most `AUDIO_CROSSFADE_S`). Blending the two over the whole transition would mix the
    words of both sides; each side stays at its own moment, so sync holds on both."""
    fade = min(round(AUDIO_CROSSFADE_S * SAMPLE_RATE), samples)
    head = (samples - fade) // 2
    p = prefix
    return (
        f"[{p}aa]atrim=end_sample={head + fade}[{p}aah];"
        f"[{p}ba]atrim=start_sample={head},asetpts=PTS-STARTPTS[{p}bat];"
        f"[{p}aah][{p}bat]acrossfade=ns={fade}:c1=tri:c2=tri"
    )
