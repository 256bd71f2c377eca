"""Resource bombs: media whose decoding cost is out of proportion to its size, shrunk or refused at upload.

A 216 KB PNG can hold 8192×8192 pixels, and every frame of a render would decode and scale all of them; a
long 4K clip costs pixels × seconds. So a large picture is scaled down once, at upload, to at most
`ENGINE_IMAGE_MAX_SIDE` (the output is at most 1920 wide, nothing is lost), and a source whose pixel count
times duration exceeds `ENGINE_MAX_PIXEL_SECONDS` is refused with a clear message. Scaling uses the demuxer
the probe's sniffing found and the `file` protocol only, like every other open of an upload.
"""

from __future__ import annotations

from pathlib import Path

from engine.errors import EngineError
from engine.ffrun import run_ffmpeg
from engine.formats import sniff_file
from engine.media import MediaInfo
from engine.probe import ProbeError
from engine.refusals import Reason, reason_for_unknown
from engine.settings import EngineSettings

STILL_FORMATS = frozenset({"jpg", "png", "webp"})  # a GIF may move: it is judged as a clip instead


def check_workload(info: MediaInfo, settings: EngineSettings) -> None:
    """Refuse a clip too costly to edit here (pixels × seconds)."""
    if info.kind == "audio" or info.format in STILL_FORMATS:
        return
    cost = info.width * info.height * max(info.duration_s, 1.0)
    if cost > settings.max_pixel_seconds:
        raise ProbeError(
            f"The video is too large to edit here ({info.width}x{info.height} for {info.duration_s:.0f} s): "
            "send a shorter or smaller one.",
            Reason.TOO_HEAVY,
        )


def needs_prescale(info: MediaInfo, settings: EngineSettings) -> bool:
    """Whether a still is larger than any output needs."""
    return info.format in STILL_FORMATS and max(info.width, info.height) > settings.image_max_side


def prescale_args(source: Path, demuxer: str, target: Path, max_side: int) -> list[str]:
    """FFmpeg arguments: the first picture of `source`, fitted inside `max_side`², written as PNG."""
    fit = f"scale=w='min(iw,{max_side})':h='min(ih,{max_side})':force_original_aspect_ratio=decrease"
    return [
        *("-v", "error", "-f", demuxer, "-protocol_whitelist", "file", "-i", str(source)),
        *("-frames:v", "1", "-vf", fit, "-f", "image2", "-c:v", "png", "-y", str(target)),
    ]


def prescale_image(path: Path, settings: EngineSettings) -> Path:
    """Scale a large still down next to itself; the new file (PNG), to be probed again."""
    sniffed = sniff_file(path)
    if sniffed is None:
        raise ProbeError("This file type is not supported.", reason_for_unknown(path))
    target = path.with_name(path.name + ".scaled.png")
    try:
        run_ffmpeg(
            prescale_args(path, sniffed[1], target, settings.image_max_side),
            timeout_s=settings.probe_timeout_s,
        )
    except EngineError:
        raise ProbeError("The picture could not be read (it may be damaged).", Reason.DAMAGED) from None
    path.unlink()
    return target
