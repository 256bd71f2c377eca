"""Which font file draws a title or a caption word: the first preferred font whose character map covers the
whole text (captions name it by the family it declares, `font_family`, for libass).

drawtext renders with one font file and no fallback, so a Hindi title needs a font with Devanagari and a Latin
title a Latin font. The engine ships both (Noto Sans Devanagari Bold and Noto Sans Bold, SIL Open Font
License, in `engine/data/fonts/` with their licence), so Hindi titles render on a bare machine; fonts
installed on the system are used too. Coverage is read from the font's own `cmap` table rather than assumed
from its name, so a broader font (one with Devanagari *and* Latin letters, for Hinglish titles) is picked up
by putting it first in `PREFERRED`. A title no font covers whole is reported (`missing_glyphs`), never
shown as boxes.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from engine.errors import RenderError

SHIPPED = Path(__file__).resolve().parent / "data" / "fonts"
FONT_DIRS = (SHIPPED, Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))


def font_dirs_from(setting: str) -> tuple[Path, ...]:
    """The folders `ENGINE_FONT_DIRS` names (separated like PATH), or the default ones when it is empty."""
    named = tuple(Path(part) for part in setting.split(os.pathsep) if part.strip())
    return named or FONT_DIRS


PREFERRED = (
    "NotoSansDevanagari-Bold.ttf",
    "NotoSans-Bold.ttf",
    "DejaVuSans-Bold.ttf",
    "NotoSansDevanagari-Regular.ttf",
    "NotoSans-Regular.ttf",
    "DejaVuSans.ttf",
)


def _cmap_ranges(data: bytes, offset: int) -> list[tuple[int, int]]:
    """Code point ranges of one cmap subtable (formats 4 and 12, the Unicode ones)."""
    fmt = struct.unpack_from(">H", data, offset)[0]
    if fmt == 12:
        groups = struct.unpack_from(">I", data, offset + 12)[0]
        return [struct.unpack_from(">II", data, offset + 16 + 12 * i) for i in range(groups)]
    if fmt == 4:
        segments = struct.unpack_from(">H", data, offset + 6)[0] // 2
        ends = struct.unpack_from(f">{segments}H", data, offset + 14)
        starts = struct.unpack_from(f">{segments}H", data, offset + 16 + 2 * segments)
        return [(s, e) for s, e in zip(starts, ends, strict=True) if s != 0xFFFF]
    return []


@cache
def font_coverage(path: Path) -> tuple[tuple[int, int], ...]:
    """The Unicode code point ranges a TrueType/OpenType font maps (empty if unreadable)."""
    try:
        data = path.read_bytes()
        cmap = _table(data, b"cmap")
        count = struct.unpack_from(">H", data, cmap + 2)[0]
        best: list[tuple[int, int]] = []
        for i in range(count):
            platform, encoding, sub = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
            if (platform, encoding) in ((3, 1), (3, 10), (0, 3), (0, 4)):
                ranges = _cmap_ranges(data, cmap + sub)
                best = ranges if len(ranges) > len(best) else best
        return tuple(best)
    except (OSError, KeyError, struct.error):
        return ()


def _table(data: bytes, tag: bytes) -> int:
    """Where the table `tag` starts in a TrueType/OpenType file (KeyError when it has none)."""
    tables = struct.unpack_from(">H", data, 4)[0]
    records = {data[12 + 16 * i : 16 + 16 * i]: 12 + 16 * i for i in range(tables)}
    return int(struct.unpack_from(">I", data, records[tag] + 8)[0])


@cache
def font_family(path: Path) -> str:
    """The family name a font file declares (`name` table, name id 1: what libass matches an ASS style's
    Fontname against), or "" if unreadable."""
    try:
        data = path.read_bytes()
        table = _table(data, b"name")
        count, strings = struct.unpack_from(">HH", data, table + 2)
        found: dict[tuple[int, int], str] = {}
        for i in range(count):
            platform, _encoding, language, name_id, length, offset = struct.unpack_from(
                ">6H", data, table + 6 + 12 * i
            )
            raw = data[table + strings + offset : table + strings + offset + length]
            if name_id == 1 and platform in (0, 3):
                found.setdefault((platform, language), raw.decode("utf-16-be"))
            elif name_id == 1 and platform == 1:
                found.setdefault((platform, language), raw.decode("latin-1"))
        # Windows US English first, then any Unicode entry, then a Macintosh one
        return found.get((3, 0x409)) or next(iter(sorted(found.items())), ((0, 0), ""))[1]
    except (OSError, KeyError, struct.error, UnicodeDecodeError):
        return ""


def _covered(text: str, ranges: Sequence[tuple[int, int]]) -> int:
    return sum(any(lo <= ord(ch) <= hi for lo, hi in ranges) for ch in text if not ch.isspace())


@cache
def _installed(dirs: tuple[Path, ...]) -> tuple[Path, ...]:
    found: dict[str, Path] = {}
    for folder in dirs:
        for path in sorted(folder.rglob("*.ttf")) if folder.is_dir() else ():
            found.setdefault(path.name, path)  # the first folder wins: the shipped fonts
    return tuple(found[name] for name in PREFERRED if name in found)


def find_font(text: str, dirs: tuple[Path, ...] = FONT_DIRS) -> Path:
    """The preferred font covering every character of `text`, else the one covering the most."""
    fonts = _installed(dirs)
    if not fonts:
        raise RenderError(f"no usable font: the shipped fonts are missing from {SHIPPED}")
    return max(fonts, key=lambda font: _covered(text, font_coverage(font)))


def why_no_font(dirs: tuple[Path, ...]) -> str:
    """What is wrong with `dirs` when no font there draws a script, in words for an operator."""
    where = ", ".join(str(folder) for folder in dirs) or "no folder"
    if not any(folder.is_dir() for folder in dirs):
        return f"{where}: no such folder"
    fonts = _installed(dirs)
    if not fonts:
        return f"{where}: none of the engine's fonts ({', '.join(PREFERRED[:2])}) is there"
    if not any(font_coverage(font) for font in fonts):
        return f"the font files in {where} cannot be read (damaged, or Git LFS pointers never fetched)"
    return f"the fonts in {where} lack those letters"


def missing_glyphs(text: str, dirs: tuple[Path, ...] = FONT_DIRS) -> str:
    """The characters of `text` that the font chosen for it cannot draw (empty: it renders whole)."""
    fonts = _installed(dirs)
    if not fonts:
        return "".join(dict.fromkeys(ch for ch in text if not ch.isspace()))
    ranges = font_coverage(find_font(text, dirs))
    return "".join(
        dict.fromkeys(
            ch for ch in text if not ch.isspace() and not any(lo <= ord(ch) <= hi for lo, hi in ranges)
        )
    )
