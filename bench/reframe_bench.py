"""Reframe benchmark: face detection speed and memory, and what following the face costs a 9:16 render.

Usage: python bench/reframe_bench.py [--seconds 20] [--height 1080]

A 16:9 clip of a face walking across the frame is generated once into bench/.cache. Printed: the detection
child's wall time as a multiple of real time and its peak memory (getrusage of children), with how many
samples showed the face; then the 9:16 render with the face followed against the plain centre crop (the
moving crop's expression is the only difference), each as a ratio of the clip's length.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.media import MediaInfo  # noqa: E402
from engine.reframe import FaceFinder, cache_path, crop_keyframes, crop_share  # noqa: E402
from engine.render import RenderOptions, render_draft  # noqa: E402
from engine.timeline import Timeline  # noqa: E402
from tests import media  # noqa: E402

CACHE = ROOT / "bench" / ".cache"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--height", type=int, default=1080)
    args = parser.parse_args()
    height = args.height // 2 * 2
    width = height * 16 // 9 // 2 * 2
    CACHE.mkdir(parents=True, exist_ok=True)
    clip = CACHE / f"face-{height}p-{args.seconds:g}s.mp4"
    if not clip.exists():
        media.make_face_clip(clip, seconds=args.seconds, width=width, height=height, grain=0)
    info = MediaInfo("face", clip.name, clip.name, "video", "mp4", clip.stat().st_size, args.seconds,
                     width, height, 30.0, True, True)  # fmt: skip
    cache_path(CACHE, "face").unlink(missing_ok=True)
    finder = FaceFinder(CACHE, memory_bytes=1024**3, cpu_s=600, timeout_s=600)
    started = time.monotonic()
    track = finder.track(info)
    detect_s = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    seen = sum(c is not None for c in track.centres)
    keys = crop_keyframes(track, crop_share(info, 1080, 1920))
    print(f"clip {width}x{height}, {args.seconds:g} s")
    print(f"detection: {detect_s:.1f} s = {detect_s / args.seconds:.2f}x real time, peak {peak_mb:.0f} MB, "
          f"face in {seen}/{len(track.centres)} samples, {len(keys)} path keyframes")  # fmt: skip
    for fit in ("face", "crop"):
        draft = Timeline().append_clip(info).set_aspect("9:16", fit).to_draft()
        started = time.monotonic()
        render_draft(draft, {"face": info}, CACHE, CACHE / f"out-{fit}.mp4", lambda _: None,
                     options=RenderOptions(), faces=finder)  # fmt: skip
        took = time.monotonic() - started
        label = "followed face" if fit == "face" else "centre crop"
        print(f"9:16 render, {label}: {took:.1f} s = {took / args.seconds:.2f}x clip length")


if __name__ == "__main__":
    main()
