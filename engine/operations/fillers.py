"""The fillers family: "um aur matlab hata do", "remove the ums and uhs", "फिलर हटाओ".

Two kinds of filler are cut from each clip's transcript:
* filler *words* the recogniser wrote ("matlab", "basically", "you know"), cut over the word's span;
* wordless sounds ("umm", "uh"): Whisper leaves these out of its text, so they show up as a short stretch
  where the voice-activity model hears a voice but no recognised word has its middle. Only short stretches
  (`MAX_SOUND_S`) count, so a sentence the recogniser missed is never cut.
"Toh" and "like" are not cut: too often they are real words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from engine.operations.family import Family, Inputs, Outcome, seconds_text
from engine.phrasebook import Clause
from engine.speech import Span, Transcript
from engine.timeline import MIN_PIECE_MS, Timeline

PHRASES = Path(__file__).resolve().parent.parent / "data" / "fillers.json"
MAX_SOUND_S = 0.8
EDGE_S = 0.03  # cut this much beyond a filler's detected edges (its onset and decay)
BLEND_MS = 40  # the sound's crossfade over each cut: no click, too short to hear two moments at once
_EDGE = r"[\w\u0900-\u097f]"
_GLUE = re.compile(
    r"(?<![\w\u0900-\u097f])(?:aur|and|ya|or|sab|saare|all|the|please|bhi|ko|do|karo|de|words?|sounds?|"
    r"video|se|mein|me|from|in|करो|दो|और|सब|सारे|सभी|से|में)(?![\w\u0900-\u097f])|[,.!?]"
)


@dataclass(frozen=True)
class RemoveFillers:
    """Cut filler words and sounds from every clip."""

    tool: ClassVar[str] = "remove_fillers"


@cache
def _phrases() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PHRASES.read_text(encoding="utf-8"))
    return data


@cache
def _asks() -> re.Pattern[str]:
    return re.compile(rf"(?<!{_EDGE})(?:{'|'.join(_phrases()['asks'])})(?!{_EDGE})")


@cache
def _remove_words() -> re.Pattern[str]:
    words = ["remove", "delete", "cut", "drop", "hata\\w*", "nikal\\w*", "kaat\\w*", "हटा\\w*", "निकाल\\w*"]
    return re.compile(rf"(?<!{_EDGE})(?:{'|'.join(words)})(?!{_EDGE})")


def claim(clause: Clause) -> list[RemoveFillers] | None:
    """[RemoveFillers()] when the clause is only about cutting fillers ("um" alone counts: in "um aur matlab
    hata do" it is its own clause), else None: "basically remove the silences" is about silences."""
    text = clause.text
    if not _asks().search(text):
        return None
    rest = _GLUE.sub(" ", _remove_words().sub(" ", _asks().sub(" ", text))).strip()
    return None if rest else [RemoveFillers()]


def _bare(word: str) -> str:
    return re.sub(r"[^\w\u0900-\u097f' ]+", "", word.lower()).strip()


def filler_spans(transcript: Transcript) -> list[Span]:
    """Where the fillers are in a clip (seconds), sorted."""
    spoken = [entry.split() for entry in _phrases()["spoken"]]
    words = transcript.words
    bare = [_bare(word.text) for word in words]
    found: list[Span] = []
    for index in range(len(words)):
        for entry in spoken:
            if bare[index : index + len(entry)] == entry:
                found.append((words[index].start_s, words[index + len(entry) - 1].end_s))
    middles = [(word.start_s + word.end_s) / 2 for word in words]
    for start, end in transcript.speech:
        if end - start <= MAX_SOUND_S and not any(start <= middle <= end for middle in middles):
            found.append((start, end))
    return sorted(found)


def keep_outside(duration_s: float, cuts: list[Span], edge_s: float = EDGE_S) -> list[Span]:
    """The complement of `cuts` (each widened by `edge_s`) in [0, duration]."""
    keep: list[Span] = []
    cursor = 0.0
    for start, end in cuts:
        if start - edge_s > cursor:
            keep.append((cursor, start - edge_s))
        cursor = max(cursor, end + edge_s)
    if cursor < duration_s:
        keep.append((cursor, duration_s))
    return keep


def with_count(timeline: Timeline, key: str, count: int) -> Timeline:
    """Add `count` to the draft's tally `m.<key>` (what `status` tells: "3 fillers cut")."""
    extra = dict(timeline.canvas.extra)
    previous = extra.get(key)
    extra[key] = (previous if isinstance(previous, int) else 0) + count
    return replace(timeline, canvas=replace(timeline.canvas, extra=extra))


def cut_out(inputs: Inputs, spans: Mapping[str, list[Span]], what: str, edge_s: float = EDGE_S) -> Outcome:
    """Cut `spans` (per clip, seconds) out of the timeline with a crossfade each, tally them in `m.<what>_cut`
    and say how many and how much shorter (`edit.<what>`, or `edit.<what>_none` when none is on it)."""
    timeline = inputs.timeline
    count = sum(
        1
        for segment in timeline.video
        for start, end in spans.get(segment.src, [])
        if segment.in_ms + MIN_PIECE_MS <= (start + end) * 500 <= segment.out_ms - MIN_PIECE_MS
    )
    if not count:
        return Outcome(timeline, f"edit.{what}_none", ok=False)
    keeps = {
        src: keep_outside(inputs.transcripts[src].duration_s, cuts, edge_s)
        for src, cuts in spans.items()
        if cuts
    }
    edited = with_count(timeline.keep_spans(keeps, blend_ms=BLEND_MS), f"{what}_cut", count)
    seconds = seconds_text(timeline.duration_ms - edited.duration_ms)
    return Outcome(edited, f"edit.{what}", {"count": count, "seconds": seconds})


def apply(op: RemoveFillers, inputs: Inputs) -> Outcome:
    """Cut every filler of the clips on the timeline; say how many and how much shorter."""
    return cut_out(inputs, {src: filler_spans(t) for src, t in inputs.transcripts.items()}, "fillers")


FAMILY = Family(operations=(RemoveFillers,), apply=apply, claim=claim, needs={RemoveFillers: "speech"})
