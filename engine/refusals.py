"""Why an upload is refused, as a stable code that travels to the chat, where it becomes a sentence.

The engine's own English words stay in the API reply's `msg` for logs and for other clients; the code goes
in the reply's `reason` field and the bot's catalogs word it in the chat's language (one catalog key per
code, `upload.refused.<code>`). Two services judge files — the engine's probe and the bot worker's check
before an upload — and both use the codes and the recognisers here, so the same file gets the same answer.

What the recognisers tell apart is only what the bytes really show: the head of a file that is no accepted
format (a PDF, an office document or archive, a web page, text, an iPhone photo), and an MP4/MOV whose
top-level boxes run past the end of the file (cut short, e.g. a download that stopped at 60 %).
"""

from __future__ import annotations

import codecs
from enum import StrEnum
from pathlib import Path

from engine.formats import DEMUXERS, HEIF_BRANDS

HEAD_BYTES = 512  # enough to tell text from binary, and to find `<html` after a few blank lines
_DOCUMENT_MAGIC = (
    b"PK\x03\x04",  # zip: docx, xlsx, pptx, odt, apk, or a zip of clips
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # old Office (doc, xls, ppt)
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",  # gzip
)
_WEB_PAGE = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")
_TEXT_CONTROLS = frozenset(b"\t\n\r\f")


class Reason(StrEnum):
    """The codes, stable on the wire: the bot's catalogs have `upload.refused.<code>` for each."""

    EMPTY = "empty"
    PDF = "pdf"
    DOCUMENT = "document"
    WEB_PAGE = "web_page"
    TEXT = "text"
    PHOTO_FORMAT = "photo_format"
    UNSUPPORTED_FORMAT = "unsupported_format"
    TRUNCATED = "truncated"
    DAMAGED = "damaged"
    NO_STREAMS = "no_streams"
    NO_VIDEO = "no_video"
    NO_AUDIO = "no_audio"
    TOO_LONG = "too_long"
    FRAME_TOO_LARGE = "frame_too_large"
    TOO_HEAVY = "too_heavy"
    UNREADABLE = "unreadable"


def reason_for_unknown(path: Path) -> Reason:
    """What a file that is no accepted format looks like instead, from its first bytes."""
    with path.open("rb") as file:
        head = file.read(HEAD_BYTES)
    if head.startswith(b"%PDF"):
        return Reason.PDF
    if head.startswith(_DOCUMENT_MAGIC):
        return Reason.DOCUMENT
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return Reason.PHOTO_FORMAT
    if _is_text(head):
        opening = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
        return Reason.WEB_PAGE if opening.startswith(_WEB_PAGE) else Reason.TEXT
    return Reason.UNSUPPORTED_FORMAT


def _is_text(head: bytes) -> bool:
    """UTF-8 (a multi-byte letter may be cut at the end of the head) without binary control bytes."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return bool(head) and not any(byte < 0x20 and byte not in _TEXT_CONTROLS for byte in head)


def cut_short(path: Path, fmt: str) -> bool:
    """Whether an MP4/MOV file's top-level boxes claim more bytes than the file has (it was cut short).

    A file cut before its `moov` box (written last by most recorders) cannot be opened at all; this tells
    that apart from a file that is damaged some other way. Other containers answer False.
    """
    if DEMUXERS.get(fmt) != "mov":
        return False
    size, offset = path.stat().st_size, 0
    with path.open("rb") as file:
        while offset + 8 <= size:
            file.seek(offset)
            header = file.read(16)
            box = int.from_bytes(header[:4], "big")
            if box == 1 and len(header) == 16:
                box = int.from_bytes(header[8:16], "big")  # a 64-bit size follows the type
            if box == 0:
                return False  # "to the end of the file": nothing claimed beyond it
            if box < 8:
                return False  # not a box at all: damaged, not cut
            offset += box
    return offset > size
