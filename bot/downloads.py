"""A channel's file download, capped: the size a channel declares is untrusted (clamped, and refused early
when over the limit), and the bytes actually streamed are counted against the same limit, since a declared
size may be missing (Telegram's `file_size` is optional) or wrong."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from bot.outbox import FileTooBigError

MB = 1024 * 1024
_SIZE_DIGITS = 18
_HUGE: int = 10**_SIZE_DIGITS  # a declared size is clamped here: over every limit, and cheap to compare


def declared_size(value: object) -> int | None:
    """A declared `file_size` (an int, or digits in a string); None when it is anything else, and then only
    the bytes streamed are counted against the limit."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value) if len(value) <= _SIZE_DIGITS else _HUGE  # int() of 5000 digits raises
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return min(value, _HUGE)
    return None


def refuse_declared(value: object, limit: int) -> None:
    """FileTooBigError when the declared size is over `limit` (before any byte is fetched)."""
    size = declared_size(value)
    if size is not None and size > limit:
        raise FileTooBigError(f"{size} bytes over the download limit {limit}")


def write_capped(chunks: Iterable[bytes], out: BinaryIO, limit: int) -> None:
    """Write `chunks` to `out`, stopping with FileTooBigError as soon as more than `limit` bytes came."""
    written = 0
    for chunk in chunks:
        written += len(chunk)
        if written > limit:
            raise FileTooBigError("download over the limit")
        out.write(chunk)
