"""Real MP4 files the double serves as render outputs, made with FFmpeg from lavfi sources.

They are made lazily and once per `OutputMedia` (the fixtures keep one per test session), because even the
small one costs an FFmpeg launch and the large one a few seconds of encoding.
"""

from __future__ import annotations

import hashlib
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from tests.fakes.nemo_double.config import MB
from tests.media import ffmpeg_exe, make_tone_clip

# Lossless x264 of full-range noise at 640x480 runs at roughly 16 MB per second of video; 14 keeps a margin.
_NOISE_BYTES_PER_SECOND = 14 * MB


@dataclass(frozen=True)
class MediaFile:
    """One file on disk with what a test compares against what a chat received."""

    path: Path
    size: int
    sha256: str
    duration_s: float


def large_mp4_argv(ffmpeg: str, out: Path, seconds: float) -> list[str]:
    """FFmpeg argv for a big but real MP4: lossless x264 of noise, which barely compresses."""
    return [
        ffmpeg, "-v", "error", "-y",
        "-f", "lavfi", "-i", f"color=c=gray:s=640x480:r=25:d={seconds},noise=alls=100:allf=t",
        "-f", "lavfi", "-i", f"sine=f=440:d={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", "-movflags", "+faststart",
        str(out),
    ]  # fmt: skip


def _measured(out: Path, seconds: float) -> MediaFile:
    data = out.read_bytes()
    return MediaFile(path=out, size=len(data), sha256=hashlib.sha256(data).hexdigest(), duration_s=seconds)


class OutputMedia:
    """The double's render outputs in `directory`: a small MP4, and a large one (at least `large_bytes`)."""

    def __init__(self, directory: Path, large_bytes: int = 60 * MB) -> None:
        self.directory = directory
        self.large_bytes = large_bytes
        self._lock = threading.Lock()
        self._small: MediaFile | None = None
        self._large: MediaFile | None = None

    @property
    def small(self) -> MediaFile:
        """A 2 s 320x240 MP4 with a tone (about 100 kB)."""
        with self._lock:
            if self._small is None:
                out = make_tone_clip(
                    self.directory / "output_small.mp4", duration_s=2.0, width=320, height=240
                )
                self._small = _measured(out, 2.0)
            return self._small

    @property
    def large(self) -> MediaFile:
        """An MP4 of at least `large_bytes`, for the "larger than the upload limit" cases."""
        with self._lock:
            if self._large is None:
                out = self.directory / "output_large.mp4"
                seconds = round(self.large_bytes / _NOISE_BYTES_PER_SECOND + 0.5, 1)
                subprocess.run(large_mp4_argv(ffmpeg_exe(), out, seconds), check=True, capture_output=True)
                made = _measured(out, seconds)
                if made.size < self.large_bytes:
                    raise RuntimeError(f"large output is {made.size} bytes, wanted {self.large_bytes}")
                self._large = made
            return self._large
