"""Transcription speed (x real time) and peak memory per bundled model, and a full captioned edit.

    python bench/speech_bench.py                   # 60 s of English speech, tiny.en and base
    python bench/speech_bench.py --seconds 300 --models tiny.en
    python bench/speech_bench.py --seconds 30 --models base --skip-edit   # transcription only

Each model transcribes the same espeak-ng clip (sentences with pauses, 1080p picture) in the engine's own
limited child process (`engine.speech`), from a cold cache; its peak RSS is the child's (`RUSAGE_CHILDREN`
read in a fresh process per model). Then the full "captions + pause cut + music + 9:16" edit is rendered by
the engine's renderer and timed against the clip's length. Prints one line per model and one for the edit.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SENTENCES = [
    "hello friends and welcome back to my channel",
    "today we are going to cook a simple dinner",
    "first wash the rice and boil some water",
    "then chop the onions and the tomatoes",
    "add a little salt and some turmeric",
    "let it cook for ten minutes on a low flame",
    "thank you for watching and see you soon",
]


def make_clip(folder: Path, seconds: float) -> Path:
    from tests import media as m

    phrases = (SENTENCES * 100)[: max(1, round(seconds / 3.2))]
    wav = folder / "talk.wav"
    m.synth_speech(wav, "en", phrases, pause_s=0.8)
    return m.make_video_for_audio(wav, folder / "talk.mp4", width=1920, height=1080, fps=30)


def transcribe_child(clip: Path, model: str, data_dir: Path) -> None:
    """Runs in its own process: one transcription, then print the figures as JSON."""
    from engine.settings import EngineSettings
    from engine.speech import transcribe_to_cache

    settings = EngineSettings(data_dir=data_dir, asr_model=model)
    start = time.monotonic()
    transcript = transcribe_to_cache(clip, "talk", settings)
    elapsed = time.monotonic() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"elapsed": elapsed, "peak_mb": peak_mb, "words": len(transcript.words)}))


def full_edit(clip: Path, data_dir: Path, seconds: float) -> tuple[float, float]:
    """Captions + speech-aware pause cut + music + 9:16, rendered; (seconds, peak MB of FFmpeg children)."""
    from engine.captions import CaptionSettings, with_captions
    from engine.media import MediaInfo
    from engine.render import render_draft
    from engine.speech import load_any
    from engine.speechcut import speech_keep_spans
    from engine.timeline import Timeline

    size = clip.stat().st_size
    info = MediaInfo(
        "talk", clip.name, str(clip), "video", "mp4", size, seconds, 1920, 1080, 30.0, True, True
    )
    transcript = load_any(data_dir, "talk")
    assert transcript is not None
    start = time.monotonic()
    timeline = (
        Timeline()
        .append_clip(info)
        .keep_spans({"talk": speech_keep_spans(transcript)})
        .add_music("builtin:lofi", "Lo-fi")
        .set_aspect("9:16", "crop")
    )
    timeline = with_captions(timeline, CaptionSettings())
    render_draft(timeline.to_draft(), {"talk": info}, data_dir, data_dir / "out.mp4", lambda _: None)
    return time.monotonic() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--models", default="tiny.en,base")
    parser.add_argument("--skip-edit", action="store_true", help="transcribe only, no full edit")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        transcribe_child(Path(args.child[0]), args.child[1], Path(args.child[2]))
        return
    with tempfile.TemporaryDirectory(prefix="speech-bench-") as tmp:
        folder = Path(tmp)
        clip = make_clip(folder, args.seconds)
        from tests.media import video_stream_info

        length = video_stream_info(clip).duration_s
        print(f"clip: {length:.1f} s of espeak-ng English speech, 1920x1080 30 fps, 2 cores")
        print(f"{'model':>8} {'time':>8} {'x real time':>12} {'peak RSS':>10} {'words':>6}")
        for model in args.models.split(","):
            data_dir = folder / model
            command = [sys.executable, __file__, "--child", str(clip), model, str(data_dir)]
            done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
            row = json.loads(done.stdout.strip().splitlines()[-1])
            speed = length / row["elapsed"]
            print(
                f"{model:>8} {row['elapsed']:7.1f}s {speed:11.1f}x {row['peak_mb']:8.0f}MB {row['words']:>6}"
            )
        if args.skip_edit:
            return
        data_dir = folder / args.models.split(",")[0]
        elapsed, peak = full_edit(clip, data_dir, length)
        print(
            f"full edit (captions + pause cut + music + 9:16, render only): {elapsed:.1f} s = "
            f"{elapsed / length:.2f}x clip length; peak RSS of any child process so far {peak:.0f} MB"
        )


if __name__ == "__main__":
    main()
