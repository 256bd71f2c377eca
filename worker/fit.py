"""Re-encoding a finished render to fit a channel's video limit (WhatsApp: 16 MB), when it still looks good.

The bitrate comes from the duration: the limit in bits over the seconds, less a margin for the container
and rate-control overshoot, less the audio. Below a watchable floor (`WHATSAPP_MIN_VIDEO_KBPS`) it is not
tried: a document or the link serves the user better than mush. The stream is what every phone plays:
H.264 Main without B-frames (older Android players fail on High profile with B-frames), AAC, yuv420p,
`+faststart` so it starts playing before it is fully downloaded.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import imageio_ffmpeg

log = logging.getLogger(__name__)
AUDIO_KBPS = 96
_MARGIN = 0.9
_MAX_SIDE = 1280
_TIMEOUT_S = 900


def video_kbps_to_fit(limit_bytes: int, duration_s: float) -> int:
    """The video bitrate that keeps a file of `duration_s` under `limit_bytes` (0 if nothing fits)."""
    if duration_s <= 0:
        return 0
    total_kbps = limit_bytes * 8 / 1000 / duration_s * _MARGIN
    return max(0, int(total_kbps - AUDIO_KBPS))


def fit_argv(ffmpeg: str, src: Path, dest: Path, video_kbps: int) -> list[str]:
    """The FFmpeg argv of the re-encode (pure: tested against the exact list)."""
    scale = (
        f"scale=w='min(iw,{_MAX_SIDE})':h='min(ih,{_MAX_SIDE})'"
        ":force_original_aspect_ratio=decrease:force_divisible_by=2"
    )
    return [
        ffmpeg, "-v", "error", "-y", "-i", str(src),
        "-map", "0:v:0", "-map", "0:a:0?",
        "-vf", scale,
        "-c:v", "libx264", "-profile:v", "main", "-bf", "0", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-b:v", f"{video_kbps}k", "-maxrate", f"{video_kbps}k", "-bufsize", f"{video_kbps}k",
        "-c:a", "aac", "-b:a", f"{AUDIO_KBPS}k", "-ac", "2",
        "-movflags", "+faststart",
        str(dest),
    ]  # fmt: skip


def fit_video(src: Path, dest: Path, duration_s: float, limit_bytes: int, min_video_kbps: int) -> Path | None:
    """A re-encoded copy under `limit_bytes`, or None when it would fall below the floor or still not fit."""
    kbps = video_kbps_to_fit(limit_bytes, duration_s)
    if kbps < max(min_video_kbps, 1):
        log.info("no re-encode: %d kbit/s needed for %.0f s is below the floor", kbps, duration_s)
        return None
    argv = fit_argv(imageio_ffmpeg.get_ffmpeg_exe(), src, dest, kbps)
    try:
        subprocess.run(argv, check=True, capture_output=True, timeout=_TIMEOUT_S)
    except (subprocess.SubprocessError, OSError) as exc:
        log.warning("re-encode to fit failed: %s", type(exc).__name__)
        return None
    if not dest.exists() or dest.stat().st_size > limit_bytes:
        return None
    return dest
