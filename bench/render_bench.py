"""Silence-removal render benchmark: the engine against auto-editor on the same generated 1080p clips.

Usage: python bench/render_bench.py [--auto-editor PATH] [--lengths 60,300]

For each length a 1080p30 clip of spoken phrases (espeak-ng) with 1-2 s pauses is generated once into
bench/.cache; each tool then runs in a fresh subprocess so that its peak memory (the largest process of its
tree, from getrusage of children) is its own. Wall time is printed as a ratio of the clip's length.
auto-editor 23.32.1 (its last pure-Python release) pins PyAV 10.0.0, which must be built from source: install
it in its own virtualenv as bench/README.md shows and pass its executable; if it is missing or fails, the
reason is printed instead. It gets the engine's settings (-35 dB, 0.5 s shortest cut, 0.2 s shortest clip,
0.2 s margin) and the engine's FFmpeg binary, with an ffprobe from PATH beside it (it looks for one there).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.analysis import keep_spans  # noqa: E402
from engine.ffrun import ffmpeg_exe  # noqa: E402
from engine.media import MediaInfo  # noqa: E402
from engine.render import render_draft  # noqa: E402
from engine.timeline import Timeline  # noqa: E402
from tests import media  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
FPS = 30
PHRASES = [
    "hello friends welcome back",
    "today we travel to the mountains",
    "this is the best view",
    "thank you",
]


def make_clip(seconds: int) -> Path:
    """A 1080p30 clip of about `seconds` with speech and pauses (cached)."""
    out = CACHE / f"speech_{seconds}s.mp4"
    if out.exists():
        return out
    CACHE.mkdir(parents=True, exist_ok=True)
    phrases = (PHRASES * (seconds // 8 + 1))[: max(1, seconds * 10 // 32)]
    wav = CACHE / f"speech_{seconds}s.wav"
    media.synth_speech(wav, "en", phrases, pause_s=1.5)
    media.make_video_for_audio(wav, out, width=1920, height=1080, fps=FPS)
    return out


def run_engine(clip: Path, out: Path) -> None:
    """The engine's silence-removal render, as the server would run it."""
    info = media.video_stream_info(clip)
    probed = MediaInfo("clip", clip.name, clip.name, "video", "mp4", clip.stat().st_size, info.duration_s,
                       info.width, info.height, float(FPS), True, True)  # fmt: skip
    timeline = Timeline().append_clip(probed).keep_spans({"clip": keep_spans(clip)})
    render_draft(timeline.to_draft(), {"clip": probed}, clip.parent, out, lambda _: None)


def auto_editor_argv(exe: str, clip: Path, out: Path) -> list[str] | str:
    """auto-editor 23.32.1's command line with the engine's settings, or why it cannot run.

    Its audio threshold is a frame's peak relative to the file's peak (the engine's is a window's RMS in
    dBFS), `mincut`/`minclip` are in frames, and it reads ffprobe from the folder of the FFmpeg it is given,
    under the same extension; imageio-ffmpeg ships no ffprobe, hence a folder of two links. It caches its
    audio levels by the file's path (not its content) beside its temporary folder, so that folder is a fresh
    one under bench/.cache: every run analyses the clip anew.
    """
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        return "auto-editor needs an ffprobe; none on PATH"
    scratch = CACHE / "auto-editor"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    tools = CACHE / "ffmpeg"
    tools.mkdir(parents=True, exist_ok=True)
    for name, target in (("ffmpeg", ffmpeg_exe()), ("ffprobe", ffprobe)):
        (tools / name).unlink(missing_ok=True)
        (tools / name).symlink_to(target)
    edit = f"audio:threshold=-35dB,mincut={round(0.5 * FPS)},minclip={round(0.2 * FPS)}"
    return [
        exe, str(clip), "--edit", edit, "--margin", "0.2s", "--ffmpeg-location", str(tools / "ffmpeg"),
        "--temp-dir", str(scratch / "temp"), "--progress", "none", "--no-open", "-o", str(out),
    ]  # fmt: skip


def watch(argv: list[str]) -> None:
    """Run `argv` and print the peak RSS (kB) of the largest process of its tree as the last stdout line."""
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    sys.stderr.write(done.stderr[-2000:])
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    sys.exit(done.returncode)


def measure(argv: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) of the largest process in the tree, and an error tail ('' if fine)."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, __file__, "--watch", *argv], capture_output=True, text=True, check=False
    )
    wall = time.monotonic() - start
    error = "" if done.returncode == 0 else done.stderr[-400:] or f"exit code {done.returncode}"
    return wall, int(done.stdout.split()[-1]) / 1024 if done.stdout.strip() else 0.0, error


def main() -> None:
    """Print one line per tool and clip length."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--auto-editor", default=shutil.which("auto-editor") or "")
    parser.add_argument("--lengths", default="60,300")
    parser.add_argument("--engine-only", nargs=2, metavar=("CLIP", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--watch", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.watch:
        watch(args.watch)
    if args.engine_only:
        run_engine(Path(args.engine_only[0]), Path(args.engine_only[1]))
        return
    print(f"{'tool':12} {'clip':>6} {'wall':>8} {'x clip':>7} {'peak MB':>8} {'output':>8}")
    for seconds in (int(s) for s in args.lengths.split(",")):
        clip = make_clip(seconds)
        length = media.video_stream_info(clip).duration_s
        runs = {
            "engine": [sys.executable, __file__, "--engine-only", str(clip), str(CACHE / "engine_out.mp4")]
        }
        ae = (
            auto_editor_argv(args.auto_editor, clip, CACHE / "ae_out.mp4")
            if args.auto_editor
            else "no auto-editor executable (pass --auto-editor)"
        )
        if isinstance(ae, list):
            runs["auto-editor"] = ae
        else:
            print(f"{'auto-editor':12} {seconds:>5}s  not run: {ae}")
        for tool, argv in runs.items():
            wall, peak, error = measure(argv)
            if error:
                print(f"{tool:12} {seconds:>5}s  failed: {error.strip().splitlines()[-1]}")
                continue
            out = CACHE / ("engine_out.mp4" if tool == "engine" else "ae_out.mp4")
            result = media.video_stream_info(out).duration_s
            print(
                f"{tool:12} {length:>5.0f}s {wall:>7.1f}s {wall / length:>7.2f} {peak:>8.0f} {result:>7.1f}s"
            )


if __name__ == "__main__":
    main()
