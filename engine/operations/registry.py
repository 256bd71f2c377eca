"""The table of operation families, in reading order, and the lookups the interpreter and the turn use.

Order matters twice. Claims: the first family to claim a clause reads it whole, so captions come before
titles ("caption: Happy Diwali" is a title only because captions decline a colon). Shared clauses: each
family sees what the ones before it found (the merge confirmation only stands alone).
"""

from __future__ import annotations

from engine.operations import audio, captions, cuts, fillers, frame, takes, text
from engine.operations.family import Family, Inputs, Need, Outcome

FAMILIES: tuple[Family, ...] = (
    captions.FAMILY,
    fillers.FAMILY,
    takes.FAMILY,
    audio.FAMILY,
    text.FAMILY,
    frame.FAMILY,
    cuts.FAMILY,
)

Operation = (
    captions.CaptionOperation
    | fillers.RemoveFillers
    | takes.RemoveRetakes
    | audio.AudioOperation
    | text.AddTitle
    | frame.FrameOperation
    | cuts.CutOperation
)


def _family(op: Operation) -> Family:
    return next(family for family in FAMILIES if isinstance(op, family.operations))


def needs(op: Operation) -> Need:
    """What the operation needs besides the timeline (see `Family.needs`)."""
    return _family(op).needs.get(type(op), "")


def apply(op: Operation, inputs: Inputs) -> Outcome:
    """Apply an operation through its family."""
    return _family(op).apply(op, inputs)
