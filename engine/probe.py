"""Read what an upload really is, without trusting its name, in a child process under time and memory limits.

Why a child: a hostile or broken file can make a demuxer allocate without bound or spin; `RLIMIT_AS` and a
timeout contain that, and the engine process never feels it. Why sniff first: FFmpeg's own format guessing
would happily open an HLS playlist, a concat list or an image sequence pattern and follow what it names.
The container is chosen from the file's first bytes, among the accepted formats only, and opened with that
demuxer and the `file` protocol alone.

`python -m engine.probe MEMORY_BYTES PATH` is the child; it prints one JSON line: the facts or an error.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av

from engine.errors import EngineError
from engine.formats import IMAGE_FORMATS, pyav_options, sniff_file
from engine.media import MediaInfo, MediaKind
from engine.refusals import Reason, cut_short, reason_for_unknown
from engine.tonemap import HDR_TRANSFERS

if TYPE_CHECKING:
    from engine.settings import EngineSettings

ACCEPTED = "mp4 mov avi webm mkv · jpg png gif webp · mp3 wav m4a aac"
_MAX_TAIL_PACKETS = 5000  # enough to cross any sane keyframe interval after the seek
_CUT_SHORT = "The file is incomplete: it ends before its stated length."


class ProbeError(EngineError):
    """An upload the engine refuses: `reason` is the code the chat words for the user, the message the
    engine's plain English for logs and other clients."""

    def __init__(self, message: str, reason: Reason) -> None:
        super().__init__(message)
        self.reason = reason


def probe(path: Path, settings: EngineSettings) -> MediaInfo:
    """What `path` holds, or ProbeError. `file_id`, `filename` and `path` come from the path; adjust them."""
    if path.stat().st_size == 0:
        raise ProbeError("The file is empty.", Reason.EMPTY)
    command = [sys.executable, "-m", "engine.probe", str(settings.probe_memory_bytes), str(path.resolve())]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=settings.probe_timeout_s,
            cwd=Path(__file__).resolve().parents[1],  # where `engine` is importable from
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ProbeError("The file took too long to read.", Reason.UNREADABLE) from None
    try:
        reply = json.loads(done.stdout)
    except ValueError:
        reply = {"error": "The file could not be read (it may be damaged).", "reason": Reason.UNREADABLE}
    if "error" in reply:
        raise ProbeError(reply["error"], Reason(reply.get("reason", Reason.DAMAGED)))
    info = MediaInfo(file_id=path.stem, filename=path.name, path=str(path), size=path.stat().st_size, **reply)
    check_limits(info, settings)
    return info


def check_limits(info: MediaInfo, settings: EngineSettings) -> None:
    """Refuse media too long or too large to edit here."""
    if info.duration_s > settings.max_duration_s:
        hours = settings.max_duration_s / 3600
        raise ProbeError(f"The file is too long: at most {hours:g} hours can be edited.", Reason.TOO_LONG)
    if info.width > settings.max_frame_width or info.height > settings.max_frame_height:
        limit = f"{settings.max_frame_width}x{settings.max_frame_height}"
        message = f"The picture is too large ({info.width}x{info.height}); at most {limit}."
        raise ProbeError(message, Reason.FRAME_TOO_LARGE)
    if info.kind != "audio" and not (info.width and info.height):
        raise ProbeError("The file has no readable picture size (it may be damaged).", Reason.DAMAGED)


def read_facts(path: Path) -> dict[str, Any]:
    """The child's work: MediaInfo fields (besides names, path and size) as JSON-safe values."""
    sniffed = sniff_file(path)
    if sniffed is None:
        raise ProbeError(f"This file type is not supported. Accepted: {ACCEPTED}.", reason_for_unknown(path))
    fmt = sniffed[0]
    demuxer, options = pyav_options(fmt)
    try:
        container = av.open(str(path), format=demuxer, options=options)
    except MemoryError:
        raise  # av.error.MemoryError is also an FFmpegError: the limit, not the file, is the cause
    except av.FFmpegError:
        if cut_short(path, fmt):
            raise ProbeError(_CUT_SHORT, Reason.TRUNCATED) from None
        raise ProbeError("The file is damaged.", Reason.DAMAGED) from None
    with container:
        video = next(
            (s for s in container.streams.video if av.stream.Disposition.attached_pic not in s.disposition),
            None,
        )
        audio = next(iter(container.streams.audio), None)
        rotation = _rotation(container, video) if video is not None else 0
        duration_s = (container.duration or 0) / 1_000_000
        kind: MediaKind = "image" if fmt in IMAGE_FORMATS else "video" if video else "audio"
        if video is None and audio is None:
            raise ProbeError("The file holds no picture and no sound.", Reason.NO_STREAMS)
        if kind != "image" and duration_s > 0 and _reached_s(container, duration_s) < duration_s * 0.9 - 0.5:
            raise ProbeError(_CUT_SHORT, Reason.TRUNCATED)
        stored = (video.codec_context.width, video.codec_context.height) if video else (0, 0)
        width, height = stored[::-1] if rotation in (90, 270) else stored
        return {
            "kind": kind,
            "format": fmt,
            "duration_s": duration_s if kind != "image" or fmt == "gif" else 0.0,
            "width": width,
            "height": height,
            "rotation": rotation,
            "fps": float(video.average_rate or 0) if video and (kind != "image" or fmt == "gif") else 0.0,
            "has_video": video is not None,
            "has_audio": audio is not None,
            "vcodec": video.codec_context.name if video else "",
            "acodec": audio.codec_context.name if audio else "",
            "hdr": HDR_TRANSFERS.get(video.codec_context.color_trc, "") if video else "",
        }


def _rotation(container: av.container.InputContainer, video: av.VideoStream) -> int:
    """Degrees (0, 90, 180, 270, counter-clockwise as FFmpeg counts) a player turns the stored frames by.

    Phones record portrait video as landscape frames with this display matrix. PyAV exposes the matrix on
    decoded frames, so the first frame is decoded (before any seek); a file whose first frame cannot be
    decoded is shown as stored.
    """
    try:
        frame = next(container.decode(video), None)
    except av.FFmpegError:
        return 0
    turned = round(float(getattr(frame, "rotation", 0) or 0)) % 360
    return turned if turned in (90, 180, 270) else 0


def _reached_s(container: av.container.InputContainer, duration_s: float) -> float:
    """How far the file's packets really go, read from one second before its stated end."""
    reached = 0.0
    try:
        container.seek(int(max(duration_s - 1.0, 0.0) * 1_000_000), backward=True)
        for count, packet in enumerate(container.demux()):
            if packet.pts is not None and packet.size and packet.time_base is not None:
                reached = max(reached, float((packet.pts + (packet.duration or 0)) * packet.time_base))
            if reached >= duration_s or count >= _MAX_TAIL_PACKETS:
                break
    except av.FFmpegError:
        pass  # a read error past the last good packet is what truncation looks like
    return reached


def _main(argv: list[str]) -> int:
    memory_bytes, path = int(argv[1]), Path(argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        reply: dict[str, Any] = read_facts(path)
    except ProbeError as error:
        reply = {"error": str(error), "reason": error.reason}
    except MemoryError:
        reply = {"error": "The file needs too much memory to read.", "reason": Reason.UNREADABLE}
    print(json.dumps(reply))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
