"""A sample clip for a first run, made on the spot: a test pattern with bursts of sound and pauses."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg

# Four "phrases" of tone, 1.2 s each, with pauses between them: something for "trim the silences" to cut.
_VOICE = "0.3*sin(2*PI*220*t)*sin(2*PI*3*t)*between(mod(t,3),0.5,1.7)"


def make_demo_clip(path: Path, duration_s: float = 12.0) -> Path:
    """Write the sample clip (640x360, 25 fps, H.264 + AAC) to `path`."""
    argv = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=25:duration={duration_s}",
        "-f", "lavfi", "-i", f"aevalsrc='{_VOICE}':s=48000:d={duration_s}",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac",
        "-shortest", str(path),
    ]  # fmt: skip
    subprocess.run(argv, check=True, capture_output=True, timeout=120)
    return path
