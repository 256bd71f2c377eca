"""Render a draft: describe (timeline -> pieces) -> compile (`engine.ffargs`) -> run (`engine.ffrun`).

Progress 0-100 spans every pass, weighted by the seconds each one writes (the picture does nearly all the
work; the audio passes are cheap). Intermediates live in a temporary folder that is always removed.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import av

from engine import ffargs, loudness, mixargs, onepass
from engine.captions import CaptionFile, write_ass_file
from engine.errors import RenderError
from engine.ffrun import run_ffmpeg
from engine.fonts import FONT_DIRS, find_font
from engine.media import MediaInfo
from engine.music import builtin_name, builtin_track
from engine.reframe import FaceFinder, face_paths
from engine.timeline import MusicSegment, Timeline, TitleSegment

_AUDIO_PASS_WEIGHT = 0.05  # an audio-only pass costs about this much of a video pass of the same length
_MAX_SIDE = 4096
_SOUND_NICENESS = 10  # the sound's passes beside the picture: a tenth of its share of a busy core


@dataclass(frozen=True)
class RenderResult:
    """What was written to `out_path`."""

    duration_s: float
    size: int
    width: int
    height: int


@dataclass(frozen=True)
class RenderOptions:
    """Encoder speed/quality and the per-pass time limit (seconds per second of output, plus a floor)."""

    preset: str = "veryfast"
    crf: int = 21
    timeout_floor_s: float = 120.0
    timeout_per_output_s: float = 20.0
    parallel_pieces: int = 2  # both cores busy: a short piece alone leaves x264's threads idle half the time
    font_dirs: tuple[Path, ...] = FONT_DIRS  # where title fonts are found (ENGINE_FONT_DIRS)


class _Progress:
    """Turns (pass, seconds done) into a monotonic whole percentage across all passes, which may run at
    the same time (pieces render two at once): each pass's share is tracked by its index, under a lock."""

    def __init__(self, weights: list[float], on_progress: Callable[[int], None]) -> None:
        self._weights = weights
        self._total = sum(weights) or 1.0
        self._parts: dict[int, float] = {}
        self._last = -1
        self._lock = threading.Lock()
        self._on_progress = on_progress
        self._emit()

    def report(self, index: int, seconds: float, pass_seconds: float) -> None:
        fraction = min(seconds / pass_seconds, 1.0) if pass_seconds > 0 else 0.0
        with self._lock:
            self._parts[index] = max(self._parts.get(index, 0.0), fraction * self._weights[index])
            self._emit()

    def finish_pass(self, index: int) -> None:
        with self._lock:
            self._parts[index] = self._weights[index]
            self._emit()

    def complete(self) -> None:
        with self._lock:
            self._parts = dict(enumerate(self._weights))
            self._emit()

    def _emit(self) -> None:
        percent = min(int(100 * sum(self._parts.values()) / self._total), 100)
        if percent > self._last:
            self._last = percent
            self._on_progress(percent)


def _output(
    timeline: Timeline, media: Mapping[str, MediaInfo], options: RenderOptions, faces: FaceFinder | None
) -> ffargs.Output:
    canvas = timeline.canvas
    if not (0 < canvas.width <= _MAX_SIDE and 0 < canvas.height <= _MAX_SIDE):
        raise RenderError(f"unsupported frame size {canvas.width}x{canvas.height}")
    first_video = next((media[s].fps for s in timeline.sources if media[s].kind == "video"), 30.0)
    width, height = canvas.width // 2 * 2, canvas.height // 2 * 2
    following = canvas.fit in ("face", "auto")
    sources = [media[src] for src in timeline.sources]
    return ffargs.Output(
        width=width,
        height=height,
        fps=ffargs.pick_fps(first_video),
        fit=canvas.fit,
        speed=canvas.speed,
        preset=options.preset,
        crf=options.crf,
        faces=face_paths(sources, width, height, faces) if following else {},
    )


def _check_media(timeline: Timeline, media: Mapping[str, MediaInfo]) -> None:
    if not timeline.video:
        raise RenderError("the draft has no video segments")
    for src in timeline.sources:
        if src not in media or media[src].kind == "audio":
            raise RenderError(f"video segment source {src!r} is not an uploaded video or image")
    for segment in timeline.music:
        if builtin_name(segment.src) is None and segment.src not in media:
            raise RenderError(f"music source {segment.src!r} is not an uploaded file")


def _music(
    timeline: Timeline, media: Mapping[str, MediaInfo], data_dir: Path
) -> list[tuple[MusicSegment, Path]]:
    tracks: list[tuple[MusicSegment, Path]] = []
    for segment in timeline.music:
        if segment.d <= 0:
            continue
        name = builtin_name(segment.src)
        path = (
            builtin_track(name, data_dir / "cache" / "music")
            if name
            else media[segment.src].absolute(data_dir)
        )
        tracks.append((segment, path))
    return tracks


def _probe(path: Path) -> RenderResult:
    with av.open(str(path), format="mov", options={"protocol_whitelist": "file"}) as container:
        video = container.streams.video[0].codec_context
        return RenderResult(
            duration_s=round(float(container.duration or 0) / av.time_base, 3),
            size=path.stat().st_size,
            width=video.width,
            height=video.height,
        )


def _run_all(jobs: list[Callable[[], None]], workers: int, cancel: threading.Event) -> None:
    """Run `jobs` `workers` at a time. The first failure is raised once the others have stopped: `cancel`
    is set, which kills their FFmpeg at its next progress line (`run` in `render_draft`), and later jobs
    never start."""
    pool = ThreadPoolExecutor(max(workers, 1), thread_name_prefix="render")
    futures = [pool.submit(job) for job in jobs]
    try:
        wait(futures, return_when=FIRST_EXCEPTION)
        failed = next((f for f in futures if f.done() and f.exception() is not None), None)
        if failed is not None:
            cancel.set()
            pool.shutdown(wait=True, cancel_futures=True)
            failed.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


Run = Callable[[list[str], int, float], str]  # (argv, pass index, seconds it writes) -> stderr


def _render_pieces(
    pieces: list[ffargs.Piece],
    media: Mapping[str, MediaInfo],
    data_dir: Path,
    output: ffargs.Output,
    titles: list[tuple[TitleSegment, Path]],
    captions: CaptionFile | None,
    videos: list[Path],
    audios: list[Path],
    options: RenderOptions,
    run: Run,
    cancel: threading.Event,
) -> None:
    """Each piece its own FFmpeg run, `options.parallel_pieces` at a time (drafts of several sources)."""

    def run_piece(index: int) -> None:
        piece = pieces[index]
        args = ffargs.piece_args(
            piece, media, data_dir, output, titles, videos[index], audios[index], captions
        )
        run(args, index, piece.frames / output.fps)

    _run_all([partial(run_piece, index) for index in range(len(pieces))], options.parallel_pieces, cancel)


def _render_picture(
    runs: list[list[tuple[int, ffargs.Piece]]],
    info: MediaInfo,
    data_dir: Path,
    output: ffargs.Output,
    titles: list[tuple[TitleSegment, Path]],
    captions: CaptionFile | None,
    work: Path,
    videos: list[Path],
    run: Run,
) -> None:
    """The picture's runs one after the other (each uses both cores), to `videos`."""
    for index, numbered in enumerate(runs):
        graph = work / f"picture{index:05d}.txt"
        graph.write_text(onepass.picture_graph(numbered, info, output, titles, captions), "utf-8")
        args = onepass.picture_args(numbered, info, data_dir, output, graph, videos[index])
        run(args, index, sum(piece.frames for _, piece in numbered) / output.fps)


def render_draft(
    draft: Mapping[str, Any],
    media: Mapping[str, MediaInfo],
    data_dir: Path,
    out_path: Path,
    on_progress: Callable[[int], None],
    work_dir: Path | None = None,
    options: RenderOptions | None = None,
    faces: FaceFinder | None = None,
) -> RenderResult:
    """Render a profile draft to an H.264/AAC faststart MP4 at `out_path`, reporting progress 0-100;
    `faces` finds the faces a reframe follows (None: wide clips are shown without following).

    A draft of one source read in order renders its picture (`engine.onepass`) and its sound side by side;
    other drafts render piece by piece, then their sound. The sound is measured for loudness, encoded to
    AAC, and both are copied into the MP4."""
    options = options or RenderOptions()
    timeline = Timeline.from_draft(draft)
    _check_media(timeline, media)
    output = _output(timeline, media, options, faces)
    pieces = ffargs.plan_pieces(timeline, output.fps)
    if not pieces:
        raise RenderError("the draft's video track is empty")
    total_frames = sum(piece.frames for piece in pieces)
    total_s = total_frames / output.fps
    total_samples = total_frames * ffargs.SAMPLE_RATE // output.fps
    shown = [t for t in timeline.titles if t.text.strip() and t.d > 0]
    titles = [(t, find_font(t.text, options.font_dirs)) for t in shown]
    music = _music(timeline, media, data_dir)

    source = onepass.single_source(pieces, media)
    picture_runs = onepass.picture_runs(pieces) if source else [[(k, p)] for k, p in enumerate(pieces)]
    runs = [sum(piece.frames for _, piece in numbered) / output.fps for numbered in picture_runs]
    sound_pass, measure_pass, encode_pass, mux_pass = range(len(runs), len(runs) + 4)
    audio_weight = total_s * _AUDIO_PASS_WEIGHT
    progress = _Progress([*runs, audio_weight if source else 0.0, *[audio_weight] * 3], on_progress)
    cancel = threading.Event()

    def run(args: list[str], index: int, seconds: float) -> str:
        """One pass; the sound's passes (after the picture's) step back, so that the picture, which
        decides when the render ends, keeps both cores."""

        def report(done: float) -> None:
            if cancel.is_set():
                raise RenderError("stopped: another pass of the render failed")  # FFmpeg is killed
            progress.report(index, done, seconds)

        timeout_s = options.timeout_floor_s + options.timeout_per_output_s * seconds
        niceness = _SOUND_NICENESS if source and sound_pass <= index < mux_pass else 0
        stderr = run_ffmpeg(args, timeout_s=timeout_s, on_progress=report, niceness=niceness)
        progress.finish_pass(index)
        return stderr

    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="render-", dir=work_dir) as tmp:
        work = Path(tmp)
        videos = [work / f"picture{index:05d}.mp4" for index in range(len(picture_runs))]
        audios = [work / f"piece{index:05d}.wav" for index in range(1 if source else len(pieces))]
        audio_list, sound = work / "audio.txt", work / "sound.m4a"
        audio_list.write_text(mixargs.concat_list(audios), encoding="utf-8")
        captions = write_ass_file(
            timeline, data_dir, output.width, output.height, work / "captions.ass", options.font_dirs
        )

        def encode_sound() -> None:
            level, mixed = None, None
            if timeline.canvas.loudnorm:
                mixed = work / "mix.wav"
                measure = mixargs.measure_args(timeline, music, audio_list, total_samples, mixed)
                measured = loudness.parse_loudness(run(measure, measure_pass, total_s))

                def trial(level: loudness.Level, mixed: Path = mixed) -> loudness.Loudness | None:
                    trial_run = run(mixargs.trial_args(mixed, level), measure_pass, total_s)
                    return loudness.parse_loudness(trial_run)

                level = loudness.settle_level(measured, trial)
            encode = mixargs.sound_args(timeline, music, audio_list, total_samples, level, sound, mixed)
            run(encode, encode_pass, total_s)

        if source:
            info = media[source]

            def render_sound() -> None:
                graph = work / "sound.txt"
                graph.write_text(onepass.sound_graph(pieces, info, output), "utf-8")
                run(onepass.sound_args(info, data_dir, graph, audios[0]), sound_pass, total_s)
                encode_sound()

            picture = partial(
                _render_picture, picture_runs, info, data_dir, output, titles, captions, work, videos, run
            )
            _run_all([picture, render_sound], 2, cancel)  # the sound in the core the encoder leaves idle
        else:
            _render_pieces(
                pieces, media, data_dir, output, titles, captions, videos, audios, options, run, cancel
            )
            encode_sound()
        video_list = work / "video.txt"
        video_list.write_text(mixargs.concat_list(videos), encoding="utf-8")
        unfinished = work / "out.mp4"
        run(mixargs.mux_args(video_list, sound, unfinished), mux_pass, total_s)
        shutil.move(unfinished, out_path)  # work_dir may be on another file system
    progress.complete()
    return _probe(out_path)
