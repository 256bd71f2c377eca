"""Instruction text (English, Devanagari Hindi, Hinglish) → typed edit operations.

Pure and table-driven: every word it knows is in data files (`engine/data/`). A message is split into
clauses ("silence hata do, music daalo aur transitions lagao" → three); each clause is offered to the
operation families in the order of `engine.operations.registry`, and whatever a clause does not explain
becomes an `Unknown` — never a silent no-op. Quoted text is set aside first, so a title such as 'Me and You'
is never split or read as instructions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

from engine.operations.frame import SetAspect
from engine.operations.registry import FAMILIES, Operation
from engine.operations.text import AddTitle
from engine.phrasebook import LETTER, Clause, normalize, restore_quotes, table

_QUOTES = {'"': '"', "“": "”", "‘": "’", "«": "»", "'": "'"}
_MARK = "\ue000{}\ue001"  # stands in for a quoted text while the message is parsed
_DEVANAGARI = re.compile("[\u0900-\u097f]")


@dataclass(frozen=True)
class Undo:
    """Go back to the draft before the last edit."""

    tool: ClassVar[str] = "undo"


@dataclass(frozen=True)
class Unknown:
    """A clause the interpreter could not read."""

    text: str
    tool: ClassVar[str] = "unknown"


Reading = Operation | Undo | Unknown


# ---- splitting -----------------------------------------------------------------------------------------
def _set_quotes_aside(text: str) -> tuple[str, list[str]]:
    """Replace quoted passages by markers; an apostrophe inside a word (don't) is not a quote."""
    quoted: list[str] = []

    def mark(match: re.Match[str]) -> str:
        quoted.append(match.group(2).strip())
        return _MARK.format(len(quoted) - 1)

    for opening, closing in _QUOTES.items():
        pattern = f"(?<![{LETTER}])({re.escape(opening)})([^{re.escape(closing)}]+){re.escape(closing)}"
        text = re.sub(pattern, mark, text)
    return text, quoted


@cache
def _separator() -> re.Pattern[str]:
    phrases = table()
    punctuation = "|".join(re.escape(p) for p in phrases.data["separators"]["punctuation"])
    words = phrases.pattern("separators.words").pattern
    return re.compile(rf"(\s*(?:{punctuation}|\.(?!\d)|\s{words}\s)\s*)", re.IGNORECASE)


def _clauses(text: str) -> list[tuple[str, str]]:
    """(separator before, clause) pairs, separators kept so a title after a colon can take them back."""
    pieces = _separator().split(f" {text} ")
    pairs = [("", pieces[0])] + [(pieces[i], pieces[i + 1]) for i in range(1, len(pieces) - 1, 2)]
    return [(sep, clause.strip()) for sep, clause in pairs if clause.strip()]


# ---- reading one clause --------------------------------------------------------------------------------
def _clause_ops(clause: Clause) -> list[Reading]:
    """Every operation one clause asks for: undo alone, else the first family's claim, else what the
    families read in turn."""
    if clause.has("undo"):
        return [Undo()]
    for family in FAMILIES:
        claimed = family.claim(clause) if family.claim is not None else None
        if claimed is not None:
            return list(claimed)
    ops: list[Reading] = []
    for family in FAMILIES:
        if family.read is not None:
            ops += family.read(clause, ops)
    return ops


# ---- the whole message ---------------------------------------------------------------------------------
def interpret(text: str) -> list[Reading]:
    """The operations an instruction asks for, in the order given; never empty (unread parts → Unknown)."""
    marked, quoted = _set_quotes_aside(text)
    ops: list[Reading] = []
    pending_title: AddTitle | None = None
    for separator, original in _clauses(marked):
        clause = Clause(original, quoted)
        found = _clause_ops(clause)
        if not found and pending_title is not None and pending_title.text:
            # a title after a colon may itself contain "and" or a comma: take the words back
            pending_title = AddTitle(
                pending_title.text + separator + restore_quotes(original, quoted), pending_title.pos
            )
            ops[-1] = pending_title
            continue
        if not found and not _is_filler(clause.text):
            found = [Unknown(clause.restored)]
        pending_title = found[-1] if found and isinstance(found[-1], AddTitle) and ":" in original else None
        previous = ops[-1] if ops else None
        if isinstance(previous, SetAspect) and found and found[0] == SetAspect(None, "crop"):
            ops.pop()  # "make it 9:16 and crop" is one change
            found[0] = SetAspect(previous.aspect, "crop")
        ops += found
    return ops or [Unknown(text.strip())]


def _is_filler(text: str) -> bool:
    """Nothing left once politeness and glue words are taken out ("please", "bhai", "isko")."""
    return not table().pattern("fillers").sub(" ", text).strip(" .,!?")


def speaks_hindi(text: str) -> bool:
    """Whether an instruction is Hindi (Devanagari, or Hinglish marker words), to answer in kind."""
    if _DEVANAGARI.search(text):
        return True
    return table().has(normalize(text), "hindi_markers")
