"""Transcription speed and peak memory per bundled model, and the full "captions + pause cut + music + 9:16"
edit with everything the user waits for.

    python bench/speech_bench.py                   # 60 s clip, tiny.en and base
    python bench/speech_bench.py --seconds 300 --models tiny.en
    python bench/speech_bench.py --seconds 30 --models base --skip-edit   # transcription only

The clip is phone-like: a face walking across a 1920x1080 30 fps picture (a keyframe every second) over an
espeak-ng English talk (sentences, 0.8 s pauses); it is made once into `bench/.cache`. Each step runs in a
fresh child process, from a cold cache, exactly as the engine runs it: the transcription (`engine.speech`'s
limited child, Silero voice activity + faster-whisper words), the face detection (`engine.reframe`'s
limited child) side by side, as the engine's two speech workers run them, then the render
(`engine.render.render_draft`, default preset, the face followed). Per step it
prints wall time, CPU seconds of the step's whole process tree (user + sys: the steadier figure on a shared
machine) and the peak RSS of its largest process; then the edit's totals as ratios of the clip's length:
wall, and CPU / 2 (what the edit takes on two otherwise idle cores, when it keeps both busy). The load
average is printed beside them, since other work on the machine inflates wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "bench" / ".cache"
CORES = 2

SENTENCES = [
    "hello friends and welcome back to my channel",
    "today we are going to cook a simple dinner",
    "first wash the rice and boil some water",
    "then chop the onions and the tomatoes",
    "add a little salt and some turmeric",
    "let it cook for ten minutes on a low flame",
    "thank you for watching and see you soon",
]


def make_clip(seconds: float) -> Path:
    """The talk with a walking face, made once per length."""
    from tests import media as m

    clip = CACHE / f"talk-face-{seconds:g}s.mp4"
    if clip.exists():
        return clip
    CACHE.mkdir(parents=True, exist_ok=True)
    wav = CACHE / f"talk-{seconds:g}s.wav"
    m.synth_speech(wav, "en", (SENTENCES * 100)[: max(1, round(seconds / 3.2))], pause_s=0.8)
    length = m.mono_samples(wav).shape[0] / 8000
    face = CACHE / f"face-{seconds:g}s.mp4"
    m.make_face_clip(face, seconds=length, grain=0, keyframe_every=30)
    subprocess.run(
        [m.ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(face), "-i", str(wav),
         "-map", "0:v", "-map", "1:a", "-shortest", "-c:v", "copy", "-c:a", "aac", "-ar", "48000", str(clip)],
        check=True,
    )  # fmt: skip
    face.unlink()
    face.with_suffix(".face.png").unlink()  # the still make_face_clip overlays
    return clip


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> float:
    """The largest process of this step: this one or any child it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _info(clip: Path) -> Any:
    from engine.probe import probe
    from engine.settings import EngineSettings

    info = probe(clip, EngineSettings(data_dir=clip.parent))
    return info.__class__(**{**info.__dict__, "file_id": "talk", "path": str(clip)})


def step_transcribe(clip: Path, data_dir: Path, model: str) -> dict[str, Any]:
    from engine.settings import EngineSettings
    from engine.speech import transcribe_to_cache

    transcript = transcribe_to_cache(clip, "talk", EngineSettings(data_dir=data_dir, asr_model=model))
    return {"words": len(transcript.words)}


def step_faces(clip: Path, data_dir: Path, model: str) -> dict[str, Any]:
    from engine.reframe import FaceFinder, crop_keyframes, crop_share

    info = _info(clip)
    track = FaceFinder(data_dir, memory_bytes=1024**3, cpu_s=1200, timeout_s=1200).track(info)
    seen = sum(centre is not None for centre in track.centres)
    keys = crop_keyframes(track, crop_share(info, 1080, 1920))
    return {"found": f"{seen}/{len(track.centres)}", "keyframes": len(keys)}


def step_render(clip: Path, data_dir: Path, model: str) -> dict[str, Any]:
    """The renderer with every FFmpeg run's CPU seconds noted (the runs of one clip are one after another)."""
    from engine import render
    from engine.captions import CaptionSettings, with_captions
    from engine.reframe import FaceFinder
    from engine.speech import load_cached
    from engine.speechcut import speech_keep_spans
    from engine.timeline import Timeline

    info = _info(clip)
    transcript = load_cached(data_dir, "talk", model)
    assert transcript is not None
    runs: list[float] = []
    original = render.run_ffmpeg  # type: ignore[attr-defined]

    def timed(args: list[str], **kwargs: Any) -> str:
        before = _cpu_children()
        try:
            return original(args, **kwargs)
        finally:
            runs.append(round(_cpu_children() - before, 1))

    render.run_ffmpeg = timed  # type: ignore[attr-defined,assignment]
    timeline = (
        Timeline()
        .append_clip(info)
        .keep_spans({"talk": speech_keep_spans(transcript)})
        .add_music("builtin:lofi", "Lo-fi")
        .set_aspect("9:16", "face")
    )
    timeline = with_captions(timeline, CaptionSettings())
    finder = FaceFinder(data_dir, memory_bytes=1024**3, cpu_s=1200, timeout_s=1200)
    result = render.render_draft(
        timeline.to_draft(), {"talk": info}, data_dir, data_dir / "out.mp4", lambda _: None, faces=finder
    )
    return {"output_s": result.duration_s, "runs_cpu": runs}


STEPS: dict[str, Callable[[Path, Path, str], dict[str, Any]]] = {
    "transcribe": step_transcribe,
    "faces": step_faces,
    "render": step_render,
}


def run_step(name: str, clip: Path, data_dir: Path, model: str) -> dict[str, Any]:
    """One step in a fresh child: wall and CPU seen from here, peak RSS and the step's own figures from it."""
    return run_together([name], clip, data_dir, model)[0]


def run_together(names: list[str], clip: Path, data_dir: Path, model: str) -> list[dict[str, Any]]:
    """Steps in fresh children at the same time, as the engine's speech workers run them; each row gets the
    wall time until all of them ended, and their CPU together."""
    cpu, started = _cpu_children(), time.monotonic()
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--child", name, str(clip), str(data_dir), model],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for name in names
    ]
    rows: list[dict[str, Any]] = []
    for child in children:
        out, _ = child.communicate()
        if child.returncode:
            raise SystemExit(f"a bench step failed (exit {child.returncode})")
        rows.append(json.loads(out.strip().splitlines()[-1]))
    wall, spent = time.monotonic() - started, _cpu_children() - cpu
    return [{**row, "wall": wall, "cpu": spent} for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--models", default="tiny.en,base")
    parser.add_argument("--skip-edit", action="store_true", help="transcribe only, no full edit")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        name, clip, data_dir, model = args.child
        row = STEPS[name](Path(clip), Path(data_dir), model)
        print(json.dumps({**row, "peak_mb": _peak_mb()}))
        return
    import tempfile

    from tests.media import video_stream_info

    clip = make_clip(args.seconds)
    length = video_stream_info(clip).duration_s
    models = args.models.split(",")
    print(f"clip: {length:.1f} s, a face over espeak-ng English speech, 1920x1080 30 fps; {CORES} cores")
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="speech-bench-") as tmp:
        print(f"{'model':>8} {'wall':>8} {'x real time':>12} {'CPU':>8} {'peak RSS':>9} {'words':>6}")
        rows = {}
        for model in models:
            row = rows[model] = run_step("transcribe", clip, Path(tmp) / model, model)
            print(
                f"{model:>8} {row['wall']:7.1f}s {length / row['wall']:11.1f}x {row['cpu']:7.1f}s "
                f"{row['peak_mb']:7.0f}MB {row['words']:>6}"
            )
        if args.skip_edit:
            return
        # the edit: transcription and face detection side by side (two speech workers), then the render
        data_dir = Path(tmp) / "edit"
        transcribe, faces = run_together(["transcribe", "faces"], clip, data_dir, models[0])
        render = run_step("render", clip, data_dir, models[0])
    print(f"full edit (captions + pause cut + music + 9:16 following the face), {models[0]}:")
    print(f"{'step':>22} {'wall':>8} {'CPU':>8} {'peak RSS':>9}")
    both = transcribe["peak_mb"] + faces["peak_mb"]  # two processes at once
    print(f"{'transcribe + faces':>22} {transcribe['wall']:7.1f}s {transcribe['cpu']:7.1f}s {both:7.0f}MB"
          f"  (transcribe {transcribe['peak_mb']:.0f} MB, faces {faces['peak_mb']:.0f} MB)")  # fmt: skip
    print(f"{'render':>22} {render['wall']:7.1f}s {render['cpu']:7.1f}s {render['peak_mb']:7.0f}MB")
    wall, cpu = transcribe["wall"] + render["wall"], transcribe["cpu"] + render["cpu"]
    peak = max(both, render["peak_mb"])
    print(f"{'total':>22} {wall:7.1f}s {cpu:7.1f}s {peak:7.0f}MB")
    print(f"  face in {faces['found']} samples, {faces['keyframes']} path keyframes; output "
          f"{render['output_s']:.1f} s; render's FFmpeg runs (CPU s): {render['runs_cpu']}")  # fmt: skip
    print(
        f"  = {wall / length:.2f}x clip length wall, {cpu / CORES / length:.2f}x as CPU / {CORES} cores; "
        f"peak {peak:.0f} MB; load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
