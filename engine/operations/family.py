"""What an operation family offers the interpreter and the turn, and what it gets back from them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from engine.fonts import FONT_DIRS
from engine.media import MediaInfo
from engine.phrasebook import Clause
from engine.speech import Span, Transcript
from engine.timeline import Timeline

Need = Literal["", "speech", "pauses"]
Publish = Callable[[MediaInfo, str], str]  # (the clip it is made from, .srt text) -> a URL the user can open


@dataclass(frozen=True)
class Outcome:
    """One applied operation: the new timeline and the catalog key (with figures) that tells the user."""

    timeline: Timeline
    key: str
    figures: Mapping[str, str | int | float] = field(default_factory=dict)
    ok: bool = True


@dataclass(frozen=True)
class Inputs:
    """Everything an operation may be applied with. The turn fills in what the operation's family says it
    `needs` (the clips' transcripts, or the spans of each clip to keep when pauses are cut) before applying,
    so that appliers stay pure."""

    timeline: Timeline
    lang: str
    media: Sequence[MediaInfo] = ()
    instruction: str = ""
    transcripts: Mapping[str, Transcript] = field(default_factory=dict)
    keep: Mapping[str, Sequence[Span]] = field(default_factory=dict)
    publish: Publish | None = None
    font_dirs: tuple[Path, ...] = FONT_DIRS  # where title fonts are found (ENGINE_FONT_DIRS)


Claim = Callable[[Clause], Sequence[Any] | None]
Read = Callable[[Clause, Sequence[Any]], Sequence[Any]]


@dataclass(frozen=True)
class Family:
    """One family's entry in the table.

    * `claim(clause)`: the operations of a clause that is only about this family (captions, a title), or
      None; the first family to claim a clause reads it whole.
    * `read(clause, found)`: the operations this family adds to a clause several families share ("music
      daalo aur 9:16 karo" has two); `found` is what the families before it read.
    * `apply(op, inputs)`: the new timeline and the words that say what happened.
    * `needs`: what an operation needs besides the timeline (`speech`: transcripts; `pauses`: the spans of
      each clip with sound in them).
    """

    operations: tuple[type, ...]
    apply: Callable[[Any, Inputs], Outcome]
    claim: Claim | None = None
    read: Read | None = None
    needs: Mapping[type, Need] = field(default_factory=dict)


def seconds_text(ms: float) -> str:
    """Seconds for people: 18, 18.5 (never 18.0)."""
    return f"{ms / 1000:.1f}".removesuffix(".0")
