"""The text family: titles ("add title 'Day one'", "टाइटल डालो: मेरा सफ़र", "upar likho: Goa trip").

A clause that names a title, or holds quoted text, is read whole: the text in quotes or after a colon is
the title's, and where it goes is read from the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from engine.fonts import missing_glyphs
from engine.operations.family import Family, Inputs, Outcome, seconds_text
from engine.phrasebook import QUOTE_MARK, Clause, normalize, restore_quotes, table
from engine.timeline import Position
from engine.words import say

_COLON = re.compile(r"(?<!\d)[:：](?!\d)")


@dataclass(frozen=True)
class AddTitle:
    """A text overlay; empty `text` means the user named no text (the turn asks for it)."""

    text: str
    pos: Position = "center"
    tool: ClassVar[str] = "add_title"


def claim(clause: Clause) -> list[AddTitle] | None:
    """[AddTitle] for a clause about a title or with quoted text, else None."""
    if not (clause.has("title.nouns") or "\ue000" in clause.text):
        return None
    marks = QUOTE_MARK.findall(clause.original)
    head, text = clause.original, " ".join(clause.quoted[int(i)] for i in marks)
    if not marks and (colon := _COLON.search(clause.original)):
        head = clause.original[: colon.start()]
        text = restore_quotes(clause.original[colon.end() :], clause.quoted)
    where = normalize(QUOTE_MARK.sub(" ", head))
    pos = table().first_key(where, "title.positions") or "center"
    return [AddTitle(text=text.strip(), pos=pos)]  # type: ignore[arg-type]


def apply(op: AddTitle, inputs: Inputs) -> Outcome:
    """Say where and when the title shows, which title it replaced, and any letter no font can draw."""
    timeline, lang = inputs.timeline, inputs.lang
    if not op.text:
        return Outcome(timeline, "edit.title_missing", ok=False)
    edited = timeline.add_title(op.text, op.pos)
    title = edited.titles[-1]
    replaced = [t.text for t in timeline.titles if t not in edited.titles]
    figures = {
        "text": title.text,
        "pos": say(lang, f"position.{op.pos}"),
        "start": seconds_text(title.st),
        "end": seconds_text(title.st + title.d),
        "old": replaced[0] if replaced else "",
    }
    if missing := missing_glyphs(title.text, inputs.font_dirs):
        return Outcome(timeline, "edit.title_glyphs", {**figures, "chars": " ".join(missing)}, ok=False)
    return Outcome(edited, "edit.title_replaced" if replaced else "edit.title", figures)


FAMILY = Family(operations=(AddTitle,), apply=apply, claim=claim)
