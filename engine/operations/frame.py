"""The frame family: the output's shape ("reels ke liye vertical karo", "make it 1:1", "crop karo").

A clip of another shape fits into the frame cropped, or over a blurred fill of itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from engine.operations.family import Family, Inputs, Outcome
from engine.phrasebook import Clause
from engine.spokentime import times_in
from engine.timeline import Aspect, Fit
from engine.words import say


@dataclass(frozen=True)
class SetAspect:
    """Frame shape (None: keep it) and how other shapes fit into it."""

    aspect: Aspect | None
    fit: Fit = "blur"
    tool: ClassVar[str] = "set_aspect"


def read(clause: Clause, found: Sequence[Any]) -> list[SetAspect]:
    """A frame shape and / or a fit named in the clause."""
    aspect = next((a for a in ("1:1", "9:16", "16:9") if clause.has(f"aspect.{a}")), None)
    crop = clause.has("aspect.crop")
    if aspect is None and not crop and not clause.has("aspect.blur"):
        return []
    if aspect is None and crop and times_in(clause.text):
        return []  # "crop the first 5 seconds" is a cut
    return [SetAspect(aspect=aspect, fit="crop" if crop else "blur")]  # type: ignore[arg-type]


def apply(op: SetAspect, inputs: Inputs) -> Outcome:
    """Set the frame and say which shape and fit it is now."""
    timeline, lang = inputs.timeline, inputs.lang
    aspect = op.aspect or timeline.canvas.aspect
    figures = {"aspect": say(lang, f"aspect.{aspect.replace(':', '_')}"), "fit": say(lang, f"fit.{op.fit}")}
    return Outcome(timeline.set_aspect(aspect, op.fit), "edit.aspect", figures)


FAMILY = Family(operations=(SetAspect,), apply=apply, read=read)
