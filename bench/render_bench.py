"""Render benchmark: the engine against a plain re-encode of its own output and against auto-editor.

Usage: python bench/render_bench.py [--auto-editor PATH] [--clips 720:40,1080:60] [--tools trim,auto-editor]

For each clip (`HEIGHT:SECONDS`) a 30 fps clip of spoken phrases (espeak-ng) with 1.5 s pauses and a keyframe
every second (as phones write them) is generated
once into bench/.cache; each tool then runs in a fresh subprocess so that its peak memory (the largest process
of its tree, from getrusage of children) is its own. Runs, per clip: `trim`, the engine's silence trim;
`full`, the engine's full edit (trim, built-in music, 0.5 s fades); `plain`, one FFmpeg re-encode of the full
edit's own output at the engine's settings (1080p H.264 veryfast CRF 21, AAC 192k), the floor the full edit
is measured against (target: full / plain <= 1.15); auto-editor when given. Wall time is also printed as a
ratio of the clip's length. The engine always writes 1080p, as the product promises.
auto-editor 23.32.1 (its last pure-Python release) pins PyAV 10.0.0, which must be built from source: install
it in its own virtualenv as bench/README.md shows and pass its executable; if it is missing or fails, the
reason is printed instead. It gets the engine's settings (-35 dB, 0.5 s shortest cut, 0.2 s shortest clip,
0.2 s margin) and the engine's FFmpeg binary, with an ffprobe from PATH beside it (it looks for one there).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
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
TOOLS = ("trim", "full", "plain", "auto-editor")
FPS = 30
PHRASES = [
    "hello friends welcome back",
    "today we travel to the mountains",
    "this is the best view",
    "thank you",
]


def make_clip(height: int, seconds: int) -> Path:
    """A 16:9 30 fps clip `height` lines high of about `seconds` with speech and pauses (cached), a keyframe
    every second as phones write them: every piece and transition side seeks to the keyframe before it."""
    out = CACHE / f"speech_{height}p_{seconds}s_k1s.mp4"
    if out.exists():
        return out
    CACHE.mkdir(parents=True, exist_ok=True)
    phrases = (PHRASES * (seconds // 8 + 1))[: max(1, seconds * 10 // 32)]
    wav = CACHE / f"speech_{height}p_{seconds}s.wav"
    media.synth_speech(wav, "en", phrases, pause_s=1.5)
    media.make_video_for_audio(
        wav, out, width=height * 16 // 9 // 2 * 2, height=height, fps=FPS, keyframe_every=FPS
    )
    return out


def run_engine(clip: Path, out: Path, full: bool) -> None:
    """The engine's render as the server would run it: the silence trim, or the full edit."""
    info = media.video_stream_info(clip)
    probed = MediaInfo("clip", clip.name, clip.name, "video", "mp4", clip.stat().st_size, info.duration_s,
                       info.width, info.height, float(FPS), True, True)  # fmt: skip
    timeline = Timeline().append_clip(probed).keep_spans({"clip": keep_spans(clip)})
    if full:
        timeline = timeline.add_music("builtin:lofi", "Lo-fi").set_transitions("fade", 500)
    draft = timeline.to_draft()
    draft["m"].update(width=1920, height=1080)
    render_draft(draft, {"clip": probed}, clip.parent, out, lambda _: None)


def plain_argv(source: Path, out: Path) -> list[str]:
    """One FFmpeg re-encode of `source` at the engine's output settings."""
    return [
        ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(source), "-vf", "scale=1920:1080",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-movflags", "+faststart", str(out),
    ]  # fmt: skip


def auto_editor_argv(exe: str, clip: Path, out: Path) -> list[str] | str:
    """auto-editor 23.32.1's command line with the engine's settings, or why it cannot run.

    Its audio threshold is a frame's peak relative to the file's peak (the engine's is a window's RMS in
    dBFS), `mincut`/`minclip` are in frames, and it reads ffprobe from the folder of the FFmpeg it is given,
    under the same extension; imageio-ffmpeg ships no ffprobe, hence a folder of two links. It caches its
    audio levels by the file's path (not its content) beside its temporary folder, so that folder is a fresh
    one under bench/.cache (made now, per run: it refuses a temporary folder that is not empty): every run
    analyses the clip anew.
    """
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        return "auto-editor needs an ffprobe; none on PATH"
    CACHE.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="auto-editor-", dir=CACHE))
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
    """Run `argv`; print the peak RSS (kB) of the largest process of its tree and the CPU seconds of the
    whole tree as the last stdout line."""
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    sys.stderr.write(done.stderr[-2000:])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
    sys.exit(done.returncode)


def measure(argv: list[str], log: Path) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds and peak RSS (MB) of the largest process in the tree, and an error tail
    ('' if fine; the whole stderr goes to `log`). CPU time is the steadier figure on a shared machine; wall
    time is what a user waits."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, __file__, "--watch", *argv], capture_output=True, text=True, check=False
    )
    wall = time.monotonic() - start
    log.write_text(done.stderr, "utf-8")
    error = "" if done.returncode == 0 else done.stderr[-400:] or f"exit code {done.returncode}"
    figures = done.stdout.split()[-2:] if done.stdout.strip() else ["0", "0"]
    return wall, float(figures[1]), int(figures[0]) / 1024, error


def main() -> None:
    """Print one line per tool and clip, then the ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--auto-editor", default=shutil.which("auto-editor") or "")
    parser.add_argument("--clips", default="720:40,1080:60", help="HEIGHT:SECONDS,...")
    parser.add_argument("--tools", default=",".join(TOOLS), help="which runs, e.g. trim,auto-editor")
    parser.add_argument("--engine-only", nargs=3, metavar=("CLIP", "OUT", "MODE"), help=argparse.SUPPRESS)
    parser.add_argument("--watch", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.watch:
        watch(args.watch)
    if args.engine_only:
        run_engine(Path(args.engine_only[0]), Path(args.engine_only[1]), args.engine_only[2] == "full")
        return
    wanted = args.tools.split(",")
    print(f"load average {os.getloadavg()[0]:.1f} (1 min) at the start")
    print(f"{'tool':12} {'clip':>11} {'wall':>8} {'x clip':>7} {'CPU':>8} {'peak MB':>8} {'output':>8}")
    for spec in args.clips.split(","):
        height, seconds = (int(part) for part in spec.split(":"))
        clip = make_clip(height, seconds)
        length = media.video_stream_info(clip).duration_s
        label = f"{height:>4}p {length:>4.0f}s"
        name = f"{height}p_{seconds}s"
        outs = {tool: CACHE / f"{tool}_{name}.mp4" for tool in TOOLS}  # per clip: no clip overwrites another
        engine = [sys.executable, __file__, "--engine-only", str(clip)]
        runs: dict[str, list[str]] = {
            "trim": [*engine, str(outs["trim"]), "trim"],
            "full": [*engine, str(outs["full"]), "full"],
            "plain": plain_argv(outs["full"], outs["plain"]),  # after `full`, which writes its source
        }
        if "auto-editor" in wanted:
            ae = (
                auto_editor_argv(args.auto_editor, clip, outs["auto-editor"])
                if args.auto_editor
                else "no auto-editor executable (pass --auto-editor)"
            )
            if isinstance(ae, list):
                runs["auto-editor"] = ae
            else:
                print(f"{'auto-editor':12} {label}  not run: {ae}")
        walls: dict[str, float] = {}
        cpus: dict[str, float] = {}
        for tool, argv in runs.items():
            if tool not in wanted:
                continue
            log = CACHE / f"{tool}_{name}.log"
            wall, cpu, peak, error = measure(argv, log)
            if error:
                print(f"{tool:12} {label}  failed: {error.strip().splitlines()[-1]} (all of it in {log})")
                continue
            walls[tool], cpus[tool] = wall, cpu
            result = media.video_stream_info(outs[tool]).duration_s
            figures = f"{wall:>7.1f}s {wall / length:>7.2f} {cpu:>7.1f}s {peak:>8.0f} {result:>7.1f}s"
            print(f"{tool:12} {label} {figures}")
        pairs = (("full", "plain"), ("trim", "auto-editor"))
        ratios = [
            f"{a} / {b} = {walls[a] / walls[b]:.2f} wall, {cpus[a] / cpus[b]:.2f} CPU"
            for a, b in pairs
            if a in walls and b in walls
        ]
        print(f"{'':12} {label}  {', '.join(ratios)}")
    print(f"load average {os.getloadavg()[0]:.1f} (1 min) at the end")


if __name__ == "__main__":
    main()
