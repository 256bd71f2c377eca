"""The cuts family: what is kept of the clips and how they join.

"silence hata do", "cut the last 10 sec", "pehle 5 second rakho", "60 second ka bana do", "2x speed",
"saare clips jod do", "fade transitions lagao". Pauses are found by the caller (the speech-aware analysis
reads media files); everything here is pure.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from engine.operations.family import Family, Inputs, Outcome, seconds_text
from engine.phrasebook import Clause, table
from engine.spokentime import times_in
from engine.timeline import MIN_PIECE_MS, Timeline, TransitionKind
from engine.words import say

DEFAULT_TRANSITION_MS = 500
Spans = Mapping[str, Sequence[tuple[float, float]]]


@dataclass(frozen=True)
class RemoveSilences:
    """Cut the pauses out of every clip."""

    tool: ClassVar[str] = "remove_silences"


@dataclass(frozen=True)
class CutSpan:
    """Remove `start_s`..`end_s`; with `from_end`, both count back from the end ("last 10 s" = 0..10)."""

    start_s: float
    end_s: float
    from_end: bool = False
    tool: ClassVar[str] = "cut_span"


@dataclass(frozen=True)
class KeepSpan:
    """Keep only `start_s`..`end_s` (same convention as `CutSpan`)."""

    start_s: float
    end_s: float
    from_end: bool = False
    tool: ClassVar[str] = "keep_span"


@dataclass(frozen=True)
class FitDuration:
    """Shorten the whole video to at most `seconds`."""

    seconds: float
    tool: ClassVar[str] = "fit_duration"


@dataclass(frozen=True)
class SetSpeed:
    """Playback speed factor."""

    factor: float
    tool: ClassVar[str] = "set_speed"


@dataclass(frozen=True)
class SetTransitions:
    """One kind of transition on every cut (None: hard cuts)."""

    kind: TransitionKind | None = "fade"
    d_ms: int = DEFAULT_TRANSITION_MS
    tool: ClassVar[str] = "set_transitions"


@dataclass(frozen=True)
class MergeClips:
    """Join all uploaded clips in upload order (what the timeline does anyway; confirms it)."""

    tool: ClassVar[str] = "merge_clips"


CutOperation = RemoveSilences | CutSpan | KeepSpan | FitDuration | SetSpeed | SetTransitions | MergeClips


# ---- reading ---------------------------------------------------------------------------------------------
def read(clause: Clause, found: Sequence[Any]) -> list[CutOperation]:
    """The cuts a clause asks for, beside what the families before this one read in it."""
    music = clause.has("music.nouns") or clause.has("music.own")
    ops: list[CutOperation] = [RemoveSilences()] if clause.has("silence") else []
    ops += _transitions(clause, music)
    ops += _speed(clause, music or clause.has("volume.nouns"))
    if not any(isinstance(op, SetTransitions | SetSpeed) for op in ops):
        ops += _spans(clause)
    if not ops and not found and clause.has("merge"):
        ops.append(MergeClips())
    return ops


def _transitions(clause: Clause, music: bool) -> list[CutOperation]:
    if clause.has("transition.none") or (clause.has("transition.nouns") and clause.has("remove")):
        return [SetTransitions(kind=None)]
    if not clause.has("transition.nouns") and (music or not clause.has("transition.kinds")):
        return []
    kind = table().first_key(clause.text, "transition.kinds") or "fade"
    times = [t for t in times_in(clause.text) if t.unit]
    d_ms = round(min(max(times[0].seconds, 0.1), 2.0) * 1000) if times else DEFAULT_TRANSITION_MS
    return [SetTransitions(kind=kind, d_ms=d_ms)]  # type: ignore[arg-type]


def _speed(clause: Clause, about_sound: bool) -> list[CutOperation]:
    phrases = table()
    factor = re.search(rf"(\d+(?:\.\d+)?)\s*(?:{phrases.pattern('speed.multiplier').pattern})", clause.text)
    factor = factor or re.search(r"(?<![\w.])x\s*(\d+(?:\.\d+)?)", clause.text)
    if factor:
        return [SetSpeed(float(factor.group(1)))]
    named = phrases.first_key(clause.text, "speed.named")
    if clause.has("speed.nouns"):
        number = re.search(r"\d+(?:\.\d+)?", clause.text)
        if number and 0.25 <= float(number.group()) <= 4:
            return [SetSpeed(float(number.group()))]
        if clause.has("volume.up"):
            return [SetSpeed(1.25)]
        if clause.has("volume.down"):
            return [SetSpeed(0.75)]
    elif named and about_sound and clause.has("speed.weak"):
        return []  # "awaaz tez karo" is about loudness
    return [SetSpeed(float(named))] if named else []


def _spans(clause: Clause) -> list[CutOperation]:
    """First / last N seconds, a range, or a target length."""
    times = times_in(clause.text)
    if not times:
        return []
    keep = clause.has("span.keep")
    first, last = clause.has("span.first"), clause.has("span.last")
    connectors = table().pattern("span.connectors")
    for left, right in itertools.pairwise(times):
        between = clause.text[left.end : right.start].strip()
        if between and connectors.fullmatch(between):
            unit = left.unit or right.unit or 1.0
            start, end = left.value * (left.unit or unit), right.value * (right.unit or unit)
            span = KeepSpan(start, end) if keep or not clause.has("span.cut") else CutSpan(start, end)
            return [span] if end > start else []
    if first or last:
        seconds = times[0].seconds
        span_type = KeepSpan if keep else CutSpan
        return [span_type(0.0, seconds, from_end=last and not first)]
    timed = [t for t in times if t.unit]
    if timed and (clause.has("span.fit") or not clause.has("span.cut")):
        return [FitDuration(timed[0].seconds)]
    return []


# ---- applying --------------------------------------------------------------------------------------------
def apply(op: CutOperation, inputs: Inputs) -> Outcome:
    """Apply one cut and say what it did."""
    timeline, lang = inputs.timeline, inputs.lang
    total = timeline.duration_ms / 1000
    match op:
        case RemoveSilences():
            return _remove_silences(timeline, inputs.keep)
        case CutSpan() | KeepSpan():
            start, end = (total - op.end_s, total - op.start_s) if op.from_end else (op.start_s, op.end_s)
            start, end = max(start, 0.0), min(end, total)
            if end <= start:
                figures = {"total": seconds_text(timeline.duration_ms)}
                return Outcome(timeline, "edit.span_outside", figures, ok=False)
            cut = isinstance(op, CutSpan)
            edited = timeline.cut_span(start, end) if cut else timeline.keep_span(start, end)
            shown = {
                "start": seconds_text(start * 1000),
                "end": seconds_text(end * 1000),
                "total": seconds_text(edited.duration_ms),
            }
            return Outcome(edited, "edit.cut" if cut else "edit.keep", shown)
        case FitDuration():
            edited = timeline.fit_duration(op.seconds)
            key = "edit.fit" if edited != timeline else "edit.fit_already"
            figures = {"total": seconds_text(edited.duration_ms), "target": seconds_text(op.seconds * 1000)}
            return Outcome(edited, key, figures)
        case SetSpeed():
            edited = timeline.set_speed(op.factor)
            figures = {"factor": f"{edited.canvas.speed:g}", "total": seconds_text(edited.duration_ms)}
            return Outcome(edited, "edit.speed", figures)
        case SetTransitions(kind=None):
            return Outcome(timeline.set_transitions(None), "edit.transitions_removed")
        case SetTransitions(kind=kind) if kind is not None:
            edited = timeline.set_transitions(kind, op.d_ms)
            cuts = sum(segment.tr is not None for segment in edited.video)
            if not cuts:
                return Outcome(timeline, "edit.transitions_none_fit", ok=False)
            return Outcome(
                edited, "edit.transitions", {"count": cuts, "name": say(lang, f"transition.{kind}")}
            )
        case MergeClips():
            edited = timeline.with_clips(inputs.media)
            merged: dict[str, str | int] = {"count": len(edited.sources)}
            merged["total"] = seconds_text(edited.duration_ms)
            return Outcome(edited, "edit.merge", merged)
    raise AssertionError(f"not a cut: {op!r}")


def _remove_silences(timeline: Timeline, spans: Spans) -> Outcome:
    pauses = _count_pauses(timeline, spans)
    edited = timeline.keep_spans(spans)
    if not pauses:
        return Outcome(timeline, "edit.silences_none", ok=False)
    seconds = seconds_text(timeline.duration_ms - edited.duration_ms)
    return Outcome(edited, "edit.silences", {"count": pauses, "seconds": seconds})


def _count_pauses(timeline: Timeline, spans: Spans) -> int:
    """How many stretches of the clips fall outside the spans to keep (each is one pause cut out)."""
    count = 0
    for segment in timeline.video:
        if segment.src not in spans:
            continue
        cursor = segment.in_ms
        for start_s, end_s in sorted(spans[segment.src]):
            start, end = max(round(start_s * 1000), segment.in_ms), min(round(end_s * 1000), segment.out_ms)
            if end <= start:
                continue
            count += start - cursor >= MIN_PIECE_MS
            cursor = max(cursor, end)
        count += segment.out_ms - cursor >= MIN_PIECE_MS
    return count


FAMILY = Family(
    operations=(RemoveSilences, CutSpan, KeepSpan, FitDuration, SetSpeed, SetTransitions, MergeClips),
    apply=apply,
    read=read,
    needs={RemoveSilences: "pauses"},
)
