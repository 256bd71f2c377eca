"""One edit turn: an instruction → the events the `/run_sse` stream carries, and the new draft.

The turn is pure apart from `keep_spans_fn`, the loudness analysis the caller passes in (it reads media
files; pauses are cut by voice when the speech tools hear one), so the whole conversation logic is
testable without FFmpeg. Events follow the profile's typed stream: a tool call and its result per
operation, a text per operation in the session language, heartbeats while an analysis runs and the
transcription's progress while one is waited on (`transcribe` tool results: a client that hears only
heartbeats for ten minutes gives up, profile §3), then the new draft — or an undo request for the store,
which owns the history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from engine.fonts import FONT_DIRS
from engine.interpret import Undo, Unknown, interpret, speaks_hindi
from engine.media import MediaInfo
from engine.operations import frame, registry
from engine.operations.family import Inputs, Outcome
from engine.operations.fillers import RemoveFillers
from engine.speech import SpeechError, Transcript
from engine.speechcut import speech_keep_spans
from engine.timeline import Timeline
from engine.words import reply_lang, say

KeepSpansFn = Callable[[Path], list[tuple[float, float]]]
log = logging.getLogger(__name__)
REST_OF_TURN_S = 5.0  # a wait inside the turn ends this long before the turn's deadline: time to finish it
TRANSCRIBE_TOOL = "transcribe"  # its results carry a transcription's progress while a turn waits on it
_T = TypeVar("_T")


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
    speech queue, or read from its cache), its progress yielded while it is waited on, a way to hand the
    user a file; and, for the frame, a way to start a clip's face detection before the export."""

    def follow(
        self, info: MediaInfo, language: str = "", deadline: float | None = None
    ) -> Generator[int, None, Transcript]: ...

    def find_faces(self, sources: Sequence[MediaInfo], width: int, height: int) -> None: ...

    def publish(self, source: MediaInfo, text: str) -> str: ...


def run_turn(
    text: str,
    lang: str,
    draft: dict[str, Any],
    media: Sequence[MediaInfo],
    data_dir: Path,
    keep_spans_fn: KeepSpansFn,
    speech: SpeechTools | None = None,
    font_dirs: tuple[Path, ...] = FONT_DIRS,
    deadline: float | None = None,
) -> Iterator[TurnEvent]:
    """Interpret `text`, apply it to `draft`, and stream what happens; `media` is the session's uploads.
    `deadline` (a `time.monotonic()` instant) is when the turn's stream gives up: no wait outlasts it."""
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
    known = [op for i, op in enumerate(known) if not (isinstance(op, RemoveFillers) and op in known[:i])]
    known = frame.merged(known)  # "reels ke liye vertical karo, mera chehra beech mein rakho" is one edit
    timeline = before = Timeline.from_draft(draft)
    if known and not timeline.video:
        timeline = timeline.with_clips(media)  # clips uploaded before any edit: start from all of them
    if known and not timeline.video:
        yield TextOut(say(lang, "turn.no_video"))
        return
    changed = False
    heard = _Heard(speech, lang, deadline)
    reframes: list[frame.SetAspect | frame.FollowFace] = [
        op for op in known if isinstance(op, frame.SetAspect | frame.FollowFace)
    ]
    if reframes:  # faces are found while this turn waits for words, not after it (engine.facejobs)
        ahead = timeline
        for reframe in reframes:
            ahead = registry.apply(reframe, Inputs(ahead, lang, media, text, font_dirs=font_dirs)).timeline
        _find_faces_ahead(before, ahead, media, speech)
    for op in known:
        assert not isinstance(op, Undo | Unknown)  # handled above
        yield ToolCall(op.tool, asdict(op))
        publish = speech.publish if speech else None
        inputs = Inputs(timeline, lang, media, text, publish=publish, font_dirs=font_dirs)
        need = registry.needs(op)
        if need == "pauses":
            keep: dict[str, list[tuple[float, float]]] = {}
            for info in _analysable(timeline, media):
                yield Heartbeat()
                transcript = yield from heard.transcript(info)  # pauses are cut by voice when it is heard
                spans = speech_keep_spans(transcript) if transcript is not None else []
                # by loudness when no voice was heard at all (music would all be cut) or words cannot be had
                keep[info.file_id] = spans or keep_spans_fn(info.absolute(data_dir))
            outcome = registry.apply(op, replace(inputs, keep=keep))
        elif need == "speech":
            transcripts = yield from _transcripts(timeline, media, heard)
            if transcripts is None:
                failed = "edit.captions_unavailable" if speech is None else "edit.captions_failed"
                outcome = Outcome(timeline, failed, ok=False)
            else:
                outcome = registry.apply(op, replace(inputs, transcripts=transcripts))
        else:
            outcome = registry.apply(op, inputs)
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


def _find_faces_ahead(
    before: Timeline, after: Timeline, media: Sequence[MediaInfo], speech: SpeechTools | None
) -> None:
    """A turn that makes the frame follow faces starts their detection first, so that it runs while the
    turn waits for words (a transcription queued at upload) and the export after it does not wait for it
    (engine.facejobs)."""
    canvas = after.canvas
    if speech is None or canvas.fit not in ("face", "auto") or canvas == before.canvas:
        return
    by_id = {info.file_id: info for info in media}
    speech.find_faces([by_id[src] for src in after.sources if src in by_id], canvas.width, canvas.height)


def _transcripts(
    timeline: Timeline, media: Sequence[MediaInfo], heard: _Heard
) -> Generator[TurnEvent, None, dict[str, Transcript] | None]:
    """The transcripts of the clips on the timeline (a heartbeat before each wait); None if they cannot be
    had (no speech service, or transcription failed)."""
    transcripts: dict[str, Transcript] = {}
    for info in _analysable(timeline, media):
        yield Heartbeat()
        transcript = yield from heard.transcript(info)
        if transcript is None:
            return None
        transcripts[info.file_id] = transcript
    return transcripts


class _Heard:
    """The turn's transcripts, each waited for once: a failed or late transcription is not waited for again
    by the next operation of the same turn ("silences hata do aur captions lagao"), which falls back or
    says so at once."""

    def __init__(self, speech: SpeechTools | None, lang: str, deadline: float | None) -> None:
        self.speech, self.lang, self.deadline = speech, lang, deadline
        self.known: dict[str, Transcript | None] = {}

    def transcript(self, info: MediaInfo) -> Generator[TurnEvent, None, Transcript | None]:
        if self.speech is None:
            return None
        if info.file_id not in self.known:
            until = None if self.deadline is None else self.deadline - REST_OF_TURN_S
            try:
                self.known[info.file_id] = yield from _reported(self.speech.follow(info, self.lang, until))
            except SpeechError as error:
                log.warning("no words for %s in this turn: %s", info.file_id, error)
                self.known[info.file_id] = None
        return self.known[info.file_id]


def _reported(steps: Generator[int, None, _T]) -> Generator[TurnEvent, None, _T]:
    """Each step of a transcription waited on as an event of the stream; then what it returns."""
    while True:
        try:
            percent = next(steps)
        except StopIteration as done:
            result: _T = done.value
            return result
        yield ToolResult(TRANSCRIBE_TOOL, {"progress": percent})


def _analysable(timeline: Timeline, media: Sequence[MediaInfo]) -> list[MediaInfo]:
    """The clips on the timeline that have sound to analyse, in timeline order."""
    by_id = {info.file_id: info for info in media}
    return [by_id[src] for src in timeline.sources if src in by_id and by_id[src].has_audio]
