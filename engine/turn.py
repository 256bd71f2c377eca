"""One edit turn: an instruction → the events the `/run_sse` stream carries, and the new draft.

The turn is pure apart from `keep_spans_fn`, the silence analysis the caller passes in (it reads media
files), so the whole conversation logic is testable without FFmpeg. Events follow the profile's typed stream:
a tool call and its result per operation, a text per operation in the session language, heartbeats while an
analysis runs, then the new draft — or an undo request for the store, which owns the history.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from engine.fonts import missing_glyphs
from engine.interpret import (
    AddMusic,
    AddTitle,
    ChangeVolume,
    CutSpan,
    FitDuration,
    KeepSpan,
    MergeClips,
    Mute,
    Operation,
    RemoveMusic,
    RemoveSilences,
    SetAspect,
    SetSpeed,
    SetTransitions,
    Undo,
    Unknown,
    interpret,
    speaks_hindi,
)
from engine.media import MediaInfo
from engine.operations import Outcome as _Outcome
from engine.operations import audio as audio_ops
from engine.operations import captions as caption_ops
from engine.operations import fillers as filler_ops
from engine.speech import SpeechError, Transcript
from engine.timeline import BUILTIN_MUSIC, MIN_PIECE_MS, Timeline
from engine.words import reply_lang, say

KeepSpansFn = Callable[[Path], list[tuple[float, float]]]
Spans = Mapping[str, Sequence[tuple[float, float]]]
VOLUME_STEP = {"up": 1.5, "down": 0.6}


@dataclass(frozen=True)
class TextOut:
    """A message for the user."""

    text: str


@dataclass(frozen=True)
class ToolCall:
    """The engine starts an operation (internal: the bot does not show it)."""

    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class ToolResult:
    """What an operation did, with its figures."""

    name: str
    result: dict[str, Any]


@dataclass(frozen=True)
class Heartbeat:
    """Still working (sent before each slow analysis)."""


@dataclass(frozen=True)
class NewDraft:
    """The draft after the turn, for the store to save (pushing the old one on its history)."""

    draft: dict[str, Any]


@dataclass(frozen=True)
class UndoRequest:
    """The store should restore the draft before the last edit, and say what that took back (in `lang`):
    only the store knows whether there is an edit to undo and what it was."""

    lang: str = "en"


TurnEvent = TextOut | ToolCall | ToolResult | Heartbeat | NewDraft | UndoRequest


class SpeechTools(Protocol):
    """What caption operations need from outside the turn: a clip's transcript (made by a worker on the
    speech queue, or read from its cache) and a way to hand the user a file."""

    def transcript(self, info: MediaInfo, language: str = "") -> Transcript: ...

    def publish(self, name: str, text: str) -> str: ...


def run_turn(
    text: str,
    lang: str,
    draft: dict[str, Any],
    media: Sequence[MediaInfo],
    data_dir: Path,
    keep_spans_fn: KeepSpansFn,
    speech: SpeechTools | None = None,
) -> Iterator[TurnEvent]:
    """Interpret `text`, apply it to `draft`, and stream what happens; `media` is the session's uploads."""
    # A session made before the user wrote a word (an upload first) may say "en": answer in kind, and in
    # the script the user typed (Devanagari or Roman Hinglish).
    lang = reply_lang(lang, text, speaks_hindi(text))
    ops = interpret(text)
    if any(isinstance(op, Undo) for op in ops):
        # the store owns the history: other edits in the same message would land on the wrong draft
        yield ToolCall(Undo.tool, {})
        yield UndoRequest(lang)
        yield ToolResult(Undo.tool, {"ok": True})
        if len(ops) > 1:
            yield TextOut(say(lang, "turn.undo_alone"))
        return
    known = [op for op in ops if not isinstance(op, Unknown)]
    # "um aur matlab hata do" names fillers in two clauses: one cut removes them all
    known = [
        op for i, op in enumerate(known) if not (isinstance(op, filler_ops.RemoveFillers) and op in known[:i])
    ]
    timeline = Timeline.from_draft(draft)
    if known and not timeline.video:
        timeline = _with_all_clips(timeline, media)  # clips uploaded before any edit: start from all of them
    if known and not timeline.video:
        yield TextOut(say(lang, "turn.no_video"))
        return
    changed = False
    for op in known:
        yield ToolCall(op.tool, asdict(op))
        if isinstance(op, RemoveSilences):
            spans: dict[str, list[tuple[float, float]]] = {}
            for info in _analysable(timeline, media):
                yield Heartbeat()
                spans[info.file_id] = keep_spans_fn(info.absolute(data_dir))
            outcome = _remove_silences(timeline, spans)
        elif isinstance(op, (*caption_ops.OPERATIONS, filler_ops.RemoveFillers)):
            outcome = yield from _with_speech(op, timeline, media, lang, text, speech)
        else:
            outcome = _apply(op, timeline, media, lang)
        yield ToolResult(
            op.tool, {"ok": outcome.ok, "duration_ms": outcome.timeline.duration_ms, **outcome.figures}
        )
        yield TextOut(say(lang, outcome.key, **outcome.figures))
        timeline = outcome.timeline
        changed = changed or outcome.ok
    for unread in ops:
        if isinstance(unread, Unknown):
            yield TextOut(say(lang, "turn.unknown", text=unread.text))
    if changed:  # a failed edit (no song uploaded yet) saves nothing, not even the clips laid out for it
        yield NewDraft(timeline.to_draft())


def _with_speech(
    op: caption_ops.CaptionOperation | filler_ops.RemoveFillers,
    timeline: Timeline,
    media: Sequence[MediaInfo],
    lang: str,
    text: str,
    speech: SpeechTools | None,
) -> Generator[TurnEvent, None, _Outcome]:
    """An operation on what is said: the clips' transcripts first (a heartbeat before each wait)."""
    if speech is None:
        return _Outcome(timeline, "edit.captions_unavailable", ok=False)
    transcripts: dict[str, Transcript] = {}
    if not isinstance(op, caption_ops.RemoveCaptions):
        try:
            for info in _analysable(timeline, media):
                yield Heartbeat()
                transcripts[info.file_id] = speech.transcript(info, lang)
        except SpeechError:
            return _Outcome(timeline, "edit.captions_failed", ok=False)
    if isinstance(op, filler_ops.RemoveFillers):
        return filler_ops.apply(op, timeline, transcripts, lang)
    script = caption_ops.default_script(lang, text)
    return caption_ops.apply(op, timeline, transcripts, lang, script=script, publish=speech.publish)


def _analysable(timeline: Timeline, media: Sequence[MediaInfo]) -> list[MediaInfo]:
    """The clips on the timeline that have sound to analyse, in timeline order."""
    by_id = {info.file_id: info for info in media}
    return [by_id[src] for src in timeline.sources if src in by_id and by_id[src].has_audio]


def _with_all_clips(timeline: Timeline, media: Sequence[MediaInfo]) -> Timeline:
    """Append every uploaded video or image not yet on the timeline, in upload order."""
    present = set(timeline.sources)
    for info in media:
        if info.kind != "audio" and info.file_id not in present:
            timeline = timeline.append_clip(info)
    return timeline


def _remove_silences(timeline: Timeline, spans: Spans) -> _Outcome:
    pauses = _count_pauses(timeline, spans)
    edited = timeline.keep_spans(spans)
    if not pauses:
        return _Outcome(timeline, "edit.silences_none", ok=False)
    return _Outcome(
        edited, "edit.silences", {"count": pauses, "seconds": _s(timeline.duration_ms - edited.duration_ms)}
    )


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


def _apply(op: Operation, timeline: Timeline, media: Sequence[MediaInfo], lang: str) -> _Outcome:
    """Apply one operation (silence removal aside: it needs the analysis) and say what it did."""
    total = timeline.duration_ms / 1000
    match op:
        case CutSpan() | KeepSpan():
            start, end = (total - op.end_s, total - op.start_s) if op.from_end else (op.start_s, op.end_s)
            start, end = max(start, 0.0), min(end, total)
            if end <= start:
                return _Outcome(timeline, "edit.span_outside", {"total": _s(timeline.duration_ms)}, ok=False)
            cut = isinstance(op, CutSpan)
            edited = timeline.cut_span(start, end) if cut else timeline.keep_span(start, end)
            figures = {"start": _s(start * 1000), "end": _s(end * 1000), "total": _s(edited.duration_ms)}
            return _Outcome(edited, "edit.cut" if cut else "edit.keep", figures)
        case FitDuration():
            edited = timeline.fit_duration(op.seconds)
            key = "edit.fit" if edited != timeline else "edit.fit_already"
            return _Outcome(edited, key, {"total": _s(edited.duration_ms), "target": _s(op.seconds * 1000)})
        case AddMusic():
            return _add_music(op, timeline, media, lang)
        case RemoveMusic():
            if not timeline.music:
                return _Outcome(timeline, "edit.music_none", ok=False)
            return _Outcome(timeline.remove_music(), "edit.music_removed")
        case SetTransitions(kind=None):
            return _Outcome(timeline.set_transitions(None), "edit.transitions_removed")
        case SetTransitions(kind=kind) if kind is not None:
            edited = timeline.set_transitions(kind, op.d_ms)
            cuts = sum(segment.tr is not None for segment in edited.video)
            if not cuts:
                return _Outcome(timeline, "edit.transitions_none_fit", ok=False)
            return _Outcome(
                edited, "edit.transitions", {"count": cuts, "name": say(lang, f"transition.{kind}")}
            )
        case AddTitle(text=""):
            return _Outcome(timeline, "edit.title_missing", ok=False)
        case AddTitle():
            return _add_title(op, timeline, lang)
        case SetAspect():
            aspect = op.aspect or timeline.canvas.aspect
            figures = {
                "aspect": say(lang, f"aspect.{aspect.replace(':', '_')}"),
                "fit": say(lang, f"fit.{op.fit}"),
            }
            return _Outcome(timeline.set_aspect(aspect, op.fit), "edit.aspect", figures)
        case SetSpeed():
            edited = timeline.set_speed(op.factor)
            return _Outcome(
                edited, "edit.speed", {"factor": f"{edited.canvas.speed:g}", "total": _s(edited.duration_ms)}
            )
        case ChangeVolume():
            level = (
                op.percent / 100
                if op.percent is not None
                else timeline.canvas.volume * VOLUME_STEP[op.direction or "up"]
            )
            edited = timeline.set_volume(level)
            return _Outcome(edited, "edit.volume", {"percent": round(edited.canvas.volume * 100)})
        case Mute():
            return _Outcome(timeline.set_mute(op.on), "edit.mute" if op.on else "edit.unmute")
        case audio_ops.CleanVoice():
            return audio_ops.apply(op, timeline)
        case MergeClips():
            edited = _with_all_clips(timeline, media)
            return _Outcome(
                edited, "edit.merge", {"count": len(edited.sources), "total": _s(edited.duration_ms)}
            )
    raise AssertionError(f"no edit for {op!r}")  # Undo and Unknown never reach here


def _add_music(op: AddMusic, timeline: Timeline, media: Sequence[MediaInfo], lang: str) -> _Outcome:
    """A mood's built-in track, the user's last audio upload, or (neither named) the current music."""
    current = timeline.music[0] if timeline.music else None
    volume = op.volume if op.volume is not None else 0.35
    if op.own:
        audio = [info for info in media if info.kind == "audio"]
        if not audio:
            return _Outcome(timeline, "edit.music_own_missing", ok=False)
        src, name = audio[-1].file_id, Path(audio[-1].filename).stem
    elif current is not None and not op.mood:
        src, name = current.src, timeline.track_title(1) or current.src
        volume = op.volume if op.volume is not None else current.vol
    else:
        src = f"builtin:{op.mood or 'lofi'}"
        name = BUILTIN_MUSIC[src]
    shown = say(lang, f"music.{src.removeprefix('builtin:')}") if src in BUILTIN_MUSIC else name
    edited = timeline.add_music(src, name, volume)
    return _Outcome(edited, "edit.music", {"name": shown, "percent": round(edited.music[0].vol * 100)})


def _add_title(op: AddTitle, timeline: Timeline, lang: str) -> _Outcome:
    """Say where and when the title shows, which title it replaced, and any letter no font can draw."""
    edited = timeline.add_title(op.text, op.pos)
    title = edited.titles[-1]
    replaced = [t.text for t in timeline.titles if t not in edited.titles]
    figures = {
        "text": title.text,
        "pos": say(lang, f"position.{op.pos}"),
        "start": _s(title.st),
        "end": _s(title.st + title.d),
        "old": replaced[0] if replaced else "",
    }
    if missing := missing_glyphs(title.text):
        return _Outcome(timeline, "edit.title_glyphs", {**figures, "chars": " ".join(missing)}, ok=False)
    return _Outcome(edited, "edit.title_replaced" if replaced else "edit.title", figures)


def _s(ms: float) -> str:
    """Seconds for people: 18, 18.5 (never 18.0)."""
    return f"{ms / 1000:.1f}".removesuffix(".0")
