"""Operation families beyond the core edits: each module reads its clauses and applies its operations.

A family module offers `read(text, original) -> list[op] | None` (None: not this family's clause) and
`apply(op, timeline, ...) -> Outcome`; `engine.interpret` asks the family before its own detectors, and
`engine.turn` hands the family's operations back to it, so a new family is one module and two hooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.timeline import Timeline


@dataclass(frozen=True)
class Outcome:
    """One applied operation: the new timeline and the catalog key (with figures) that tells the user."""

    timeline: Timeline
    key: str
    figures: Mapping[str, str | int | float] = field(default_factory=dict)
    ok: bool = True
