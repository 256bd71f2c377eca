"""What the worker needs to know about a media file: is it what the user meant to send, and how a finished
MP4 is sent so that it plays inline, upright.

Every open pins the demuxer that the file's first bytes name (`engine.formats`, the engine's own sniffing,
shared so both services accept and refuse the same files) and allows the `file` protocol alone: a file from a
chat must never reach FFmpeg's format guessing, which would follow a playlist or a concat list it names.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import imageio_ffmpeg

from bot.outbox import VideoFile
from engine.formats import ffmpeg_input, pyav_options, sniff_file
from engine.refusals import Reason, cut_short

THUMB_MAX_PX = 320
_THUMB_TIMEOUT_S = 60


def describe_video(path: Path, thumbnail: Path | None) -> VideoFile:
    """Width and height as shown (a display-rotation tag turns them), and duration, from the container.

    A file whose container is not one we open is described as unknown (zeros): Telegram then reads it.
    """
    sniffed = sniff_file(path)
    if sniffed is None:
        return VideoFile(path, 0, 0, 0.0, thumbnail)
    demuxer, options = pyav_options(sniffed[0])
    with av.open(str(path), format=demuxer, options=options) as container:
        stream = container.streams.video[0]
        width, height = int(stream.codec_context.width), int(stream.codec_context.height)
        if container.duration is not None:
            duration = container.duration / av.time_base
        elif stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        else:
            duration = 0.0
        if _turned_sideways(container, stream):
            width, height = height, width
    return VideoFile(path, width, height, duration, thumbnail)


def _turned_sideways(container: av.container.InputContainer, stream: av.VideoStream) -> bool:
    """Whether the display matrix turns the picture by 90 or 270 degrees (PyAV shows it on frames)."""
    try:
        frame = next(container.decode(stream), None)
    except av.FFmpegError:
        return False
    return round(float(getattr(frame, "rotation", 0) or 0)) % 180 == 90


class DamagedMediaError(Exception):
    """A file that is empty, cut short, or not the kind of media it claims to be; `reason` says which, in
    the engine's codes (the same file refused by the engine's probe gets the same words)."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.value)
        self.reason = reason


def check_media(path: Path, kind: str) -> None:
    """Refuse a file before it goes to the backend if it cannot be what the user meant to send.

    A container we do not open (a voice message's Ogg, say) is left for the backend to accept or refuse
    with its own message: it is never handed to a guessing demuxer here.
    """
    if path.stat().st_size == 0:
        raise DamagedMediaError(Reason.EMPTY)
    sniffed = sniff_file(path)
    if sniffed is None:
        return
    demuxer, options = pyav_options(sniffed[0])
    try:
        with av.open(str(path), format=demuxer, options=options) as container:
            has_video = bool(container.streams.video)
            has_audio = bool(container.streams.audio)
    except (av.FFmpegError, OSError, ValueError):
        raise DamagedMediaError(Reason.TRUNCATED if cut_short(path, sniffed[0]) else Reason.DAMAGED) from None
    if kind in ("video", "video_note", "animation", "photo") and not has_video:
        raise DamagedMediaError(Reason.NO_VIDEO)
    if kind in ("audio", "voice") and not has_audio:
        raise DamagedMediaError(Reason.NO_AUDIO)


def make_thumbnail(video: Path, dest: Path) -> Path | None:
    """A JPEG of an early frame, upright, at most 320 px on its long side (Telegram's rule); None if it
    fails. FFmpeg turns the frame by the display matrix itself (autorotate) before scaling."""
    sniffed = sniff_file(video)
    if sniffed is None:
        return None
    scale = f"scale='if(gt(iw,ih),{THUMB_MAX_PX},-2)':'if(gt(iw,ih),-2,{THUMB_MAX_PX})'"
    argv = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-v",
        "error",
        "-y",
        "-ss",
        "0.5",
        *ffmpeg_input(sniffed[0], video),
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
