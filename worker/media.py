"""What the worker needs to know about a finished MP4 to send it so that it plays inline."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import imageio_ffmpeg

from bot.outbox import VideoFile

THUMB_MAX_PX = 320
_THUMB_TIMEOUT_S = 60


def describe_video(path: Path, thumbnail: Path | None) -> VideoFile:
    """Width, height and duration from the container (PyAV), and the thumbnail if one was made."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        width, height = int(stream.codec_context.width), int(stream.codec_context.height)
        if container.duration is not None:
            duration = container.duration / av.time_base
        elif stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        else:
            duration = 0.0
    return VideoFile(path, width, height, duration, thumbnail)


class DamagedMediaError(Exception):
    """A file that is empty, cut short, or not the kind of media it claims to be."""


def check_media(path: Path, kind: str) -> None:
    """Refuse a file before it goes to the backend if it cannot be what the user meant to send."""
    if path.stat().st_size == 0:
        raise DamagedMediaError("empty file")
    try:
        with av.open(str(path)) as container:
            has_video = bool(container.streams.video)
            has_audio = bool(container.streams.audio)
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise DamagedMediaError(type(exc).__name__) from None
    wanted_video = kind in ("video", "video_note", "animation", "photo")
    if (wanted_video and not has_video) or (kind in ("audio", "voice") and not has_audio):
        raise DamagedMediaError(f"no {'video' if wanted_video else 'audio'} stream")


def make_thumbnail(video: Path, dest: Path) -> Path | None:
    """A JPEG of an early frame, at most 320 px on its long side (Telegram's rule); None if it fails."""
    scale = f"scale='if(gt(iw,ih),{THUMB_MAX_PX},-2)':'if(gt(iw,ih),-2,{THUMB_MAX_PX})'"
    argv = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-v",
        "error",
        "-y",
        "-ss",
        "0.5",
        "-i",
        str(video),
        "-frames:v",
        "1",
        "-vf",
        scale,
        "-q:v",
        "6",
        str(dest),
    ]
    try:
        subprocess.run(argv, check=True, capture_output=True, timeout=_THUMB_TIMEOUT_S)
    except (subprocess.SubprocessError, OSError):
        return None
    return dest if dest.exists() and dest.stat().st_size > 0 else None
