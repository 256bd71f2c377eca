"""The bad-takes family: "bad takes hatao", "galat takes nikaal do", "remove the retakes",
"repeat wali lines hata do", "दोहराई गई लाइनें हटाओ".

Creators record a line again when the first try went wrong; the last take is the one they meant. From the
transcript's words, a run of words followed at once by a run that reads almost the same (difflib's ratio
over the normalized letters, so a take cut off inside a word still matches) is an earlier take: it is cut
from its first word to the first word of the take after it, so a false start ("so today we— so today we are
going…") and a whole sentence said twice lose the same thing, the earlier try.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import ClassVar

from engine.operations.family import Family, Inputs, Outcome
from engine.operations.fillers import cut_out
from engine.phrasebook import Clause, family_pattern
from engine.speech import Span, Transcript, Word

PHRASES = Path(__file__).resolve().parent.parent / "data" / "takes.json"
MIN_WORDS = 2  # "very very" is emphasis, not a retake
MIN_LETTERS = 8
MAX_WORDS = 40  # a take longer than this is a paragraph said twice on purpose, or a chorus
SIMILAR = 0.8


@dataclass(frozen=True)
class RemoveRetakes:
    """Cut every earlier take of a line said again right after."""

    tool: ClassVar[str] = "remove_retakes"


def _pattern(group: str) -> re.Pattern[str]:
    return family_pattern(PHRASES, group)


def claim(clause: Clause) -> list[RemoveRetakes] | None:
    """[RemoveRetakes()] for a clause about bad takes or repeated lines, else None."""
    text = clause.text
    if _pattern("asks").search(text) or (
        _pattern("repeats").search(text) and _pattern("remove").search(text)
    ):
        return [RemoveRetakes()]
    return None


def _letters(words: list[Word]) -> str:
    return "".join(re.sub(r"[^\w\u0900-\u097f]+", "", word.text.lower()) for word in words)


def retake_spans(transcript: Transcript) -> list[Span]:
    """Where the earlier takes are in a clip (seconds), sorted: each from its first word to the start of
    the take that follows (the pause between them goes with the bad take)."""
    words = transcript.words
    cuts: list[Span] = []
    start_at = 0  # a word already cut, or kept as a later take's, never starts another earlier take
    for j in range(1, len(words)):
        for length in range(min(MAX_WORDS, j - start_at, len(words) - j), MIN_WORDS - 1, -1):
            first = j - length
            earlier, later = _letters(words[first:j]), _letters(words[j : j + length])
            if len(earlier) < MIN_LETTERS or earlier[:2] != later[:2]:
                continue  # a retake begins as the take did
            # a cut-off take is shorter than its retake: compare it with as many letters of the retake
            if _similar(earlier, later[: len(earlier)]):
                before = words[first - 1].end_s if first else 0.0
                cuts.append(
                    (
                        _onset(transcript, words[first], before),
                        _onset(transcript, words[j], words[j - 1].end_s),
                    )
                )
                start_at = j
                break
    return cuts


def _similar(a: str, b: str) -> bool:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() >= SIMILAR
        and matcher.quick_ratio() >= SIMILAR
        and matcher.ratio() >= SIMILAR
    )


def _onset(transcript: Transcript, word: Word, after: float) -> float:
    """Where a word's sound begins: the start of the voice-activity span it starts in (the recogniser's own
    word start is often late by tens of milliseconds), unless that span began before `after`, the end of
    the word before it."""
    span = next((start for start, end in transcript.speech if start <= word.start_s < end), word.start_s)
    return span if span >= after else word.start_s


def apply(op: RemoveRetakes, inputs: Inputs) -> Outcome:
    """Cut every earlier take of the clips on the timeline; say how many and how much shorter."""
    spans = {src: retake_spans(t) for src, t in inputs.transcripts.items()}
    return cut_out(inputs, spans, "retakes", edge_s=0.0)  # on word boundaries: no widening


FAMILY = Family(operations=(RemoveRetakes,), apply=apply, claim=claim, needs={RemoveRetakes: "speech"})
