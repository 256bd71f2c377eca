"""The interpreter's phrase file (`engine/data/phrases.json`), compiled, and one clause of an instruction.

Every operation family reads its clauses through `Clause.has("group.path")`, so the words live in data and
the families share one way of matching them: whole words, a trailing `*` for any ending, no nukta.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

PHRASES = Path(__file__).resolve().parent / "data" / "phrases.json"
LETTER = r"\w\u0900-\u097F"
QUOTE_MARK = re.compile("\ue000(\\d+)\ue001")  # stands in for a quoted text while the message is parsed


def normalize(text: str) -> str:
    """Lower case, one space between words, and no nukta (users type ज़ and ज alike)."""
    decomposed = unicodedata.normalize("NFD", text.lower()).replace("\u093c", "").replace("\u0901", "\u0902")
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", decomposed)).strip()


def _pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """One regex for a phrase list: whole words, or any ending after a trailing `*`."""
    parts = []
    for phrase in sorted({normalize(p) for p in phrases}, key=len, reverse=True):
        stem = phrase.removesuffix("*")
        body = r"\s+".join(re.escape(word) for word in stem.split(" "))
        tail = f"[{LETTER}]*" if phrase.endswith("*") else f"(?![{LETTER}])"
        parts.append(body + tail)
    # a digit may touch a phrase on its left ("45s", "2x"), a letter may not
    return re.compile(f"(?<![^\\W\\d]|[\u0900-\u097f])(?:{'|'.join(parts)})")


class Table:
    """The phrase file, compiled: `has(text, "music.nouns")` answers whether any of those phrases occurs.

    A group may be a list of phrases or a mapping of keys (moods, speeds, numbers) to lists; `key` picks one
    list of a mapping, and a whole mapping matches any of its phrases.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self._compiled: dict[tuple[str, str], re.Pattern[str]] = {}

    def group(self, path: str) -> Any:
        node: Any = self.data
        for part in path.split("."):
            node = node[part]
        return node

    def pattern(self, path: str, key: str = "") -> re.Pattern[str]:
        if (path, key) not in self._compiled:
            node = self.group(path)[key] if key else self.group(path)
            phrases = [p for group in node.values() for p in group] if isinstance(node, Mapping) else node
            self._compiled[path, key] = _pattern(phrases)
        return self._compiled[path, key]

    def has(self, text: str, path: str, key: str = "") -> bool:
        return self.pattern(path, key).search(text) is not None

    def first_key(self, text: str, path: str) -> str | None:
        """The first key of a phrase mapping (in file order) with a phrase in `text`."""
        return next((key for key in self.group(path) if self.has(text, path, key)), None)


@cache
def table() -> Table:
    """The phrase file, read and compiled once."""
    return Table(json.loads(PHRASES.read_text(encoding="utf-8")))


@cache
def family_pattern(path: Path, group: str) -> re.Pattern[str]:
    """One group of an operation family's own phrase file (regular expressions over normalized text), as
    one whole-word pattern."""
    phrases: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return re.compile(rf"(?<![{LETTER}])(?:{'|'.join(phrases[group])})(?![{LETTER}])")


def restore_quotes(text: str, quoted: list[str]) -> str:
    """Put the quoted passages back in place of their markers."""
    return QUOTE_MARK.sub(lambda m: quoted[int(m.group(1))], text)


@dataclass(frozen=True)
class Clause:
    """One clause of an instruction: as typed (quoted passages replaced by markers), normalized, and the
    quoted passages themselves."""

    original: str
    quoted: list[str] = field(default_factory=list)

    @cached_property
    def text(self) -> str:
        """Normalized (lower case, no nukta), quote markers kept."""
        return normalize(self.original)

    @property
    def restored(self) -> str:
        """As typed, quotes back in place."""
        return restore_quotes(self.original, self.quoted)

    def has(self, path: str) -> bool:
        """Whether a phrase of that group of the phrase file occurs in the clause."""
        return table().has(self.text, path)
