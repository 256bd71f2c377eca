"""Which container a file is, decided once from its first bytes, and how every later open pins that decision.

Why: FFmpeg and PyAV guess a file's format from its content and name when they are not told, and their
guesses include demuxers that follow what a file names (concat lists, HLS and DASH playlists, image sequence
patterns). A file accepted as mp3 must be opened as mp3 by every reader — the probe, the silence analysis,
the renderer, the worker's checks — and only through the `file` protocol. The probe records the sniffed
format; the engine names stored files `<id>.<format>`, so the format travels with the file.
"""

from __future__ import annotations

from pathlib import Path

from engine.errors import EngineError

PROTOCOLS = "file"
IMAGE_FORMATS = frozenset({"jpg", "png", "gif", "webp"})
HEIF_BRANDS = frozenset({b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis"})
_MP4_BOXES = frozenset({b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip"})
_RIFF_KINDS = {b"AVI ": "avi", b"WAVE": "wav", b"WEBP": "webp"}
DEMUXERS: dict[str, str] = {
    "mp4": "mov",
    "mov": "mov",
    "m4a": "mov",
    "mkv": "matroska",
    "webm": "matroska",
    "avi": "avi",
    "wav": "wav",
    "mp3": "mp3",
    "aac": "aac",
    "flac": "flac",  # the engine's own built-in music loops
    "jpg": "jpeg_pipe",
    "png": "png_pipe",
    "webp": "webp_pipe",
    "gif": "gif",
}


class UnknownFormatError(EngineError):
    """A format no reader may open: nothing is guessed in its place."""


def sniff(head: bytes) -> tuple[str, str] | None:
    """(format, FFmpeg demuxer) from a file's first bytes, or None when it is not an accepted format."""
    fmt = _sniff_format(head)
    return (fmt, DEMUXERS[fmt]) if fmt is not None else None


def sniff_file(path: Path) -> tuple[str, str] | None:
    """`sniff` on the first 64 bytes of `path`."""
    with path.open("rb") as file:
        return sniff(file.read(64))


def _sniff_format(head: bytes) -> str | None:
    if head[4:8] in _MP4_BOXES:
        brand = head[8:12]
        if brand in HEIF_BRANDS:
            return None
        if brand == b"qt  ":
            return "mov"
        return "m4a" if brand in (b"M4A ", b"M4B ") else "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in head[:64] else "mkv"
    if head.startswith(b"RIFF"):
        return _RIFF_KINDS.get(head[8:12])
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head.startswith(b"ID3"):
        return "mp3"
    if head.startswith(b"ADIF"):
        return "aac"
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:  # ADTS: sync word, layer 00
            return "aac"
        if head[1] & 0xE0 == 0xE0 and head[1] & 0x06:  # MPEG audio frame sync, layer I-III
            return "mp3"
    return None


def demuxer_for(fmt: str) -> str:
    """The one demuxer a file of format `fmt` is opened with; UnknownFormatError for anything else."""
    try:
        return DEMUXERS[fmt]
    except KeyError:
        raise UnknownFormatError(f"no pinned demuxer for format {fmt!r}") from None


def pyav_options(fmt: str) -> tuple[str, dict[str, str]]:
    """`format=` and `options=` for `av.open`: the pinned demuxer and the `file` protocol alone."""
    return demuxer_for(fmt), {"protocol_whitelist": PROTOCOLS}


def ffmpeg_input(fmt: str, path: Path | str, *, loop_fps: int | None = None) -> list[str]:
    """FFmpeg input options ending in `-i path`, pinned; `loop_fps`: a still repeated at that rate.

    Put `-ss`/`-t` before them. A looped still uses the image2 demuxer with `pattern_type none` (one literal
    file name, never a sequence pattern), because the `*_pipe` image demuxers cannot loop; image2 takes the
    codec from the name's suffix, which the engine chose itself from the sniffed format.
    """
    pinned = ["-protocol_whitelist", PROTOCOLS, "-i", str(path)]
    if loop_fps is not None and fmt in IMAGE_FORMATS and fmt != "gif":
        demuxer_for(fmt)
        return ["-f", "image2", "-pattern_type", "none", "-loop", "1", "-framerate", str(loop_fps), *pinned]
    return ["-f", demuxer_for(fmt), *pinned]


def format_of(path: Path) -> str:
    """The format of a file the engine stored itself (named `<id>.<format>`)."""
    return path.suffix.removeprefix(".").lower()
