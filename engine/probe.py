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
from engine.media import MediaInfo, MediaKind

if TYPE_CHECKING:
    from engine.settings import EngineSettings

ACCEPTED = "mp4 mov avi webm mkv · jpg png gif webp · mp3 wav m4a aac"
IMAGE_FORMATS = frozenset({"jpg", "png", "gif", "webp"})
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis"})
_MP4_BOXES = frozenset({b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip"})
_RIFF_KINDS = {b"AVI ": ("avi", "avi"), b"WAVE": ("wav", "wav"), b"WEBP": ("webp", "webp_pipe")}
_MAX_TAIL_PACKETS = 5000  # enough to cross any sane keyframe interval after the seek


class ProbeError(EngineError):
    """An upload the engine refuses: the message says why, in plain words, and is shown to the user."""


def probe(path: Path, settings: EngineSettings) -> MediaInfo:
    """What `path` holds, or ProbeError. `file_id`, `filename` and `path` come from the path; adjust them."""
    if path.stat().st_size == 0:
        raise ProbeError("The file is empty.")
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
        raise ProbeError("The file took too long to read.") from None
    try:
        reply = json.loads(done.stdout)
    except ValueError:
        reply = {"error": "The file could not be read (it may be damaged)."}
    if "error" in reply:
        raise ProbeError(reply["error"])
    info = MediaInfo(file_id=path.stem, filename=path.name, path=str(path), size=path.stat().st_size, **reply)
    check_limits(info, settings)
    return info


def check_limits(info: MediaInfo, settings: EngineSettings) -> None:
    """Refuse media too long or too large to edit here."""
    if info.duration_s > settings.max_duration_s:
        hours = settings.max_duration_s / 3600
        raise ProbeError(f"The file is too long: at most {hours:g} hours can be edited.")
    if info.width > settings.max_frame_width or info.height > settings.max_frame_height:
        limit = f"{settings.max_frame_width}x{settings.max_frame_height}"
        raise ProbeError(f"The picture is too large ({info.width}x{info.height}); at most {limit}.")
    if info.kind != "audio" and not (info.width and info.height):
        raise ProbeError("The file has no readable picture size (it may be damaged).")


def sniff(head: bytes) -> tuple[str, str] | None:
    """(format, FFmpeg demuxer) from a file's first bytes, or None when it is not an accepted format."""
    if head[4:8] in _MP4_BOXES:
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return None
        if brand == b"qt  ":
            return "mov", "mov"
        return ("m4a" if brand in (b"M4A ", b"M4B ") else "mp4"), "mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return ("webm" if b"webm" in head[:64] else "mkv"), "matroska"
    if head.startswith(b"RIFF"):
        return _RIFF_KINDS.get(head[8:12])
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg", "jpeg_pipe"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", "png_pipe"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif", "gif"
    if head.startswith(b"ID3"):
        return "mp3", "mp3"
    if head.startswith(b"ADIF"):
        return "aac", "aac"
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:  # ADTS: sync word, layer 00
            return "aac", "aac"
        if head[1] & 0xE0 == 0xE0 and head[1] & 0x06:  # MPEG audio frame sync, layer I-III
            return "mp3", "mp3"
    return None


def read_facts(path: Path) -> dict[str, Any]:
    """The child's work: MediaInfo fields (besides names, path and size) as JSON-safe values."""
    with path.open("rb") as file:
        head = file.read(64)
    sniffed = sniff(head)
    if sniffed is None:
        raise ProbeError(f"This file type is not supported. Accepted: {ACCEPTED}.")
    fmt, demuxer = sniffed
    try:
        container = av.open(str(path), format=demuxer, options={"protocol_whitelist": "file"})
    except av.FFmpegError:
        raise ProbeError("The file is damaged or incomplete.") from None
    with container:
        video = next(
            (s for s in container.streams.video if av.stream.Disposition.attached_pic not in s.disposition),
            None,
        )
        audio = next(iter(container.streams.audio), None)
        duration_s = (container.duration or 0) / 1_000_000
        kind: MediaKind = "image" if fmt in IMAGE_FORMATS else "video" if video else "audio"
        if video is None and audio is None:
            raise ProbeError("The file holds no picture and no sound.")
        if kind != "image" and duration_s > 0 and _reached_s(container, duration_s) < duration_s * 0.9 - 0.5:
            raise ProbeError("The file is incomplete: it ends before its stated length.")
        return {
            "kind": kind,
            "format": fmt,
            "duration_s": duration_s if kind != "image" or fmt == "gif" else 0.0,
            "width": video.codec_context.width if video else 0,
            "height": video.codec_context.height if video else 0,
            "fps": float(video.average_rate or 0) if video and (kind != "image" or fmt == "gif") else 0.0,
            "has_video": video is not None,
            "has_audio": audio is not None,
            "vcodec": video.codec_context.name if video else "",
            "acodec": audio.codec_context.name if audio else "",
        }


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
        reply = {"error": str(error)}
    except MemoryError:
        reply = {"error": "The file needs too much memory to read."}
    print(json.dumps(reply))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
