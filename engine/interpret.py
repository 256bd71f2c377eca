"""Instruction text (English, Devanagari Hindi, Hinglish) → typed edit operations.

Pure and table-driven: every word it knows is in `engine/data/phrases.json`. A message is split into clauses
("silence hata do, music daalo aur transitions lagao" → three), each clause is read by a fixed sequence of
detectors, and whatever a clause does not explain becomes an `Unknown` — never a silent no-op. Quoted text
is set aside first, so a title such as 'Me and You' is never split or read as instructions.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal

from engine.operations import audio, captions, fillers
from engine.operations.audio import CleanVoice
from engine.operations.captions import CaptionOperation
from engine.operations.fillers import RemoveFillers
from engine.timeline import Aspect, Fit, Position, TransitionKind

Mood = Literal["lofi", "upbeat", "calm"]
PHRASES = Path(__file__).resolve().parent / "data" / "phrases.json"
DEFAULT_TRANSITION_MS = 500
_LETTER = r"\w\u0900-\u097F"
_QUOTES = {'"': '"', "“": "”", "‘": "’", "«": "»", "'": "'"}
_MARK = "\ue000{}\ue001"  # stands in for a quoted text while the message is parsed
_COLON = re.compile(r"(?<!\d)[:：](?!\d)")


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
class AddMusic:
    """Background music: a mood (None: keep the current one, else lo-fi), or the user's last audio upload."""

    mood: Mood | None = None
    own: bool = False
    volume: float | None = None
    tool: ClassVar[str] = "add_music"


@dataclass(frozen=True)
class RemoveMusic:
    """Take the background music out."""

    tool: ClassVar[str] = "remove_music"


@dataclass(frozen=True)
class SetTransitions:
    """One kind of transition on every cut (None: hard cuts)."""

    kind: TransitionKind | None = "fade"
    d_ms: int = DEFAULT_TRANSITION_MS
    tool: ClassVar[str] = "set_transitions"


@dataclass(frozen=True)
class AddTitle:
    """A text overlay; empty `text` means the user named no text (the turn asks for it)."""

    text: str
    pos: Position = "center"
    tool: ClassVar[str] = "add_title"


@dataclass(frozen=True)
class SetAspect:
    """Frame shape (None: keep it) and how other shapes fit into it."""

    aspect: Aspect | None
    fit: Fit = "blur"
    tool: ClassVar[str] = "set_aspect"


@dataclass(frozen=True)
class SetSpeed:
    """Playback speed factor."""

    factor: float
    tool: ClassVar[str] = "set_speed"


@dataclass(frozen=True)
class ChangeVolume:
    """The clips' own sound: a step up or down, or an exact percentage."""

    direction: Literal["up", "down"] | None = None
    percent: int | None = None
    tool: ClassVar[str] = "change_volume"


@dataclass(frozen=True)
class Mute:
    """Silence the clips' own sound (`on`), or bring it back."""

    on: bool = True
    tool: ClassVar[str] = "mute"


@dataclass(frozen=True)
class MergeClips:
    """Join all uploaded clips in upload order (what the timeline does anyway; confirms it)."""

    tool: ClassVar[str] = "merge_clips"


@dataclass(frozen=True)
class Undo:
    """Go back to the draft before the last edit."""

    tool: ClassVar[str] = "undo"


@dataclass(frozen=True)
class Unknown:
    """A clause the interpreter could not read."""

    text: str
    tool: ClassVar[str] = "unknown"


Operation = (
    RemoveSilences
    | CutSpan
    | KeepSpan
    | FitDuration
    | AddMusic
    | RemoveMusic
    | SetTransitions
    | AddTitle
    | SetAspect
    | SetSpeed
    | ChangeVolume
    | Mute
    | MergeClips
    | Undo
    | Unknown
    | CaptionOperation
    | RemoveFillers
    | CleanVoice
)


def normalize(text: str) -> str:
    """Lower case, one space between words, and no nukta (users type ज़ and ज alike)."""
    decomposed = unicodedata.normalize("NFD", text.lower()).replace("\u093c", "").replace("\u0901", "\u0902")
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", decomposed)).strip()


def _pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """One regex for a phrase list: whole words, or any ending after a trailing `*`."""
    parts = []
    for phrase in sorted({normalize(p) for p in phrases}, key=len, reverse=True):
        stem = phrase.removesuffix("*")
        body = r"\s+".join(re.escape(word) for word in stem.split(" "))
        tail = f"[{_LETTER}]*" if phrase.endswith("*") else f"(?![{_LETTER}])"
        parts.append(body + tail)
    # a digit may touch a phrase on its left ("45s", "2x"), a letter may not
    return re.compile(f"(?<![^\\W\\d]|[\u0900-\u097f])(?:{'|'.join(parts)})")


class _Table:
    """The phrase file, compiled: `has(text, "music.nouns")` answers whether any of those phrases occurs.

    A group may be a list of phrases or a mapping of keys (moods, speeds, numbers) to lists; `key` picks one
    list of a mapping, and a whole mapping matches any of its phrases.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self._compiled: dict[tuple[str, str], re.Pattern[str]] = {}

    def group(self, path: str) -> Any:
        node: Any = self.data
        for part in path.split("."):
            node = node[part]
        return node

    def pattern(self, path: str, key: str = "") -> re.Pattern[str]:
        if (path, key) not in self._compiled:
            node = self.group(path)[key] if key else self.group(path)
            phrases = [p for group in node.values() for p in group] if isinstance(node, Mapping) else node
            self._compiled[path, key] = _pattern(phrases)
        return self._compiled[path, key]

    def has(self, text: str, path: str, key: str = "") -> bool:
        return self.pattern(path, key).search(text) is not None

    def first_key(self, text: str, path: str) -> str | None:
        """The first key of a phrase mapping (in file order) with a phrase in `text`."""
        return next((key for key in self.group(path) if self.has(text, path, key)), None)


@cache
def _table() -> _Table:
    return _Table(json.loads(PHRASES.read_text(encoding="utf-8")))


# ---- splitting -----------------------------------------------------------------------------------------
def _set_quotes_aside(text: str) -> tuple[str, list[str]]:
    """Replace quoted passages by markers; an apostrophe inside a word (don't) is not a quote."""
    quoted: list[str] = []

    def mark(match: re.Match[str]) -> str:
        quoted.append(match.group(2).strip())
        return _MARK.format(len(quoted) - 1)

    for opening, closing in _QUOTES.items():
        pattern = f"(?<![{_LETTER}])({re.escape(opening)})([^{re.escape(closing)}]+){re.escape(closing)}"
        text = re.sub(pattern, mark, text)
    return text, quoted


def _restore_quotes(text: str, quoted: list[str]) -> str:
    return re.sub("\ue000(\\d+)\ue001", lambda m: quoted[int(m.group(1))], text)


@cache
def _separator() -> re.Pattern[str]:
    table = _table()
    punctuation = "|".join(re.escape(p) for p in table.data["separators"]["punctuation"])
    words = table.pattern("separators.words").pattern
    return re.compile(rf"(\s*(?:{punctuation}|\.(?!\d)|\s{words}\s)\s*)", re.IGNORECASE)


def _clauses(text: str) -> list[tuple[str, str]]:
    """(separator before, clause) pairs, separators kept so a title after a colon can take them back."""
    pieces = _separator().split(f" {text} ")
    pairs = [("", pieces[0])] + [(pieces[i], pieces[i + 1]) for i in range(1, len(pieces) - 1, 2)]
    return [(sep, clause.strip()) for sep, clause in pairs if clause.strip()]


# ---- reading one clause --------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Clause:
    original: str
    text: str  # normalized

    def has(self, path: str) -> bool:
        return _table().has(self.text, path)


def _clause_ops(clause: _Clause, quoted: list[str]) -> list[Operation]:
    """Every operation one clause asks for, in a fixed order; undo and titles take the whole clause."""
    if clause.has("undo"):
        return [Undo()]
    original = _restore_quotes(clause.original, quoted)
    family = (
        captions.read(clause.text, original)
        or fillers.read(clause.text, original)
        or audio.read(clause.text, original)
    )
    if family is not None:
        return list(family)
    if clause.has("title.nouns") or "\ue000" in clause.text:
        return [_title(clause, quoted)]
    ops: list[Operation] = []
    music = clause.has("music.nouns") or clause.has("music.own")
    sound = clause.has("volume.nouns")
    if music:
        ops.append(_music(clause))
    ops += _sound(clause) if not music else []
    if clause.has("silence"):
        ops.append(RemoveSilences())
    ops += _transitions(clause, music)
    ops += _aspect(clause)
    ops += _speed(clause, music or sound)
    if not any(isinstance(op, SetTransitions | SetSpeed) for op in ops):
        ops += _spans(clause)
    if not ops and clause.has("merge"):
        ops.append(MergeClips())
    return ops


def _title(clause: _Clause, quoted: list[str]) -> AddTitle:
    """Text in quotes, or after a colon; where it goes is read from the rest of the clause."""
    marks = re.findall("\ue000(\\d+)\ue001", clause.original)
    head, text = clause.original, " ".join(quoted[int(i)] for i in marks)
    if not marks and (colon := _COLON.search(clause.original)):
        head, text = clause.original[: colon.start()], _restore_quotes(clause.original[colon.end() :], quoted)
    where = normalize(re.sub("\ue000\\d+\ue001", " ", head))
    pos = _table().first_key(where, "title.positions") or "center"
    return AddTitle(text=text.strip(), pos=pos)  # type: ignore[arg-type]


def _music(clause: _Clause) -> AddMusic | RemoveMusic:
    own = clause.has("music.own")
    mood = None if own else _table().first_key(clause.text, "music.moods")
    # "remove silences, add lofi music" removes the silences, not the music
    if (clause.has("remove") and not (own or mood or clause.has("silence"))) or clause.has("mute.on"):
        return RemoveMusic()
    percent = _percent(clause.text)
    level = _table().first_key(clause.text, "music.levels")
    volume = percent / 100 if percent is not None else float(level) if level else None
    return AddMusic(mood=mood, own=own, volume=volume)  # type: ignore[arg-type]


def _sound(clause: _Clause) -> list[Operation]:
    """The clips' own sound: mute / unmute, or louder / quieter."""
    if clause.has("mute.unmute"):
        return [Mute(on=False)]
    noun = clause.has("volume.nouns")
    if clause.has("mute.on") or (noun and clause.has("remove")):
        return [Mute(on=True)]
    percent = _percent(clause.text)
    if noun and percent is not None:
        return [ChangeVolume(percent=percent)]
    if (noun and clause.has("volume.up")) or clause.has("volume.alone_up"):
        return [ChangeVolume(direction="up")]
    if (noun and clause.has("volume.down")) or clause.has("volume.alone_down"):
        return [ChangeVolume(direction="down")]
    return []


def _transitions(clause: _Clause, music: bool) -> list[Operation]:
    if clause.has("transition.none") or (clause.has("transition.nouns") and clause.has("remove")):
        return [SetTransitions(kind=None)]
    if not clause.has("transition.nouns") and (music or not clause.has("transition.kinds")):
        return []
    kind = _table().first_key(clause.text, "transition.kinds") or "fade"
    times = [t for t in _times(clause.text) if t.unit]
    d_ms = round(min(max(times[0].seconds, 0.1), 2.0) * 1000) if times else DEFAULT_TRANSITION_MS
    return [SetTransitions(kind=kind, d_ms=d_ms)]  # type: ignore[arg-type]


def _aspect(clause: _Clause) -> list[Operation]:
    aspect = next((a for a in ("1:1", "9:16", "16:9") if clause.has(f"aspect.{a}")), None)
    crop = clause.has("aspect.crop")
    if aspect is None and not crop and not clause.has("aspect.blur"):
        return []
    if aspect is None and crop and _times(clause.text):
        return []  # "crop the first 5 seconds" is a cut
    return [SetAspect(aspect=aspect, fit="crop" if crop else "blur")]  # type: ignore[arg-type]


def _speed(clause: _Clause, about_sound: bool) -> list[Operation]:
    table = _table()
    factor = re.search(rf"(\d+(?:\.\d+)?)\s*(?:{table.pattern('speed.multiplier').pattern})", clause.text)
    factor = factor or re.search(r"(?<![\w.])x\s*(\d+(?:\.\d+)?)", clause.text)
    if factor:
        return [SetSpeed(float(factor.group(1)))]
    named = table.first_key(clause.text, "speed.named")
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


# ---- times ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Time:
    """A number in the text: seconds if it had a unit or was a clock time, else a bare value."""

    start: int
    end: int
    value: float
    unit: float | None  # seconds per unit; None for a bare number

    @property
    def seconds(self) -> float:
        return self.value * (self.unit or 1)


@cache
def _time_pattern() -> re.Pattern[str]:
    table = _table()
    words = table.pattern("span.numbers").pattern
    units = "|".join(
        f"(?P<u{key}>{table.pattern('span.units', key).pattern})" for key in table.group("span.units")
    )
    any_unit = table.pattern("span.units").pattern
    number = rf"(?P<num>\d+(?:\.\d+)?)|(?P<word>{words})(?=\s*(?:{any_unit}))"
    return re.compile(rf"(?P<clock>\d{{1,2}}:\d{{2}})(?!\d)|(?:{number})\s*(?:{units})?")


def _times(text: str) -> list[_Time]:
    """Every time-like number, after setting aside what only looks like one (9:16, 1.5x, 40 %)."""
    table = _table()
    multiplier = table.pattern("speed.multiplier").pattern
    blank = re.sub(rf"\b(?:16:9|9:16|1:1|4:5)\b|\d+(?:\.\d+)?\s*(?:%|percent|{multiplier})", _spaces, text)
    found: list[_Time] = []
    for match in _time_pattern().finditer(blank):
        if match.group("clock"):
            minutes, seconds = match.group("clock").split(":")
            found.append(_Time(match.start(), match.end(), int(minutes) * 60 + int(seconds), 1.0))
            continue
        unit = next((float(k[1:]) for k, v in match.groupdict().items() if k[0] == "u" and v), None)
        if match.group("num"):
            value = float(match.group("num"))
        else:
            value = float(table.first_key(match.group("word"), "span.numbers") or 0)
        found.append(_Time(match.start(), match.end(), value, unit))
    return found


def _spaces(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _percent(text: str) -> int | None:
    match = re.search(r"(\d+)\s*(?:%|percent|pratishat|प्रतिशत)", text)
    return int(match.group(1)) if match else None


def _spans(clause: _Clause) -> list[Operation]:
    """First / last N seconds, a range, or a target length."""
    times = _times(clause.text)
    if not times:
        return []
    keep = clause.has("span.keep")
    first, last = clause.has("span.first"), clause.has("span.last")
    connectors = _table().pattern("span.connectors")
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


# ---- the whole message ---------------------------------------------------------------------------------
def interpret(text: str) -> list[Operation]:
    """The operations an instruction asks for, in the order given; never empty (unread parts → Unknown)."""
    marked, quoted = _set_quotes_aside(text)
    ops: list[Operation] = []
    pending_title: AddTitle | None = None
    for separator, original in _clauses(marked):
        clause = _Clause(original, normalize(original))
        found = _clause_ops(clause, quoted)
        if not found and pending_title is not None and pending_title.text:
            # a title after a colon may itself contain "and" or a comma: take the words back
            pending_title = AddTitle(
                pending_title.text + separator + _restore_quotes(original, quoted), pending_title.pos
            )
            ops[-1] = pending_title
            continue
        if not found and not _is_filler(clause.text):
            found = [Unknown(_restore_quotes(original, quoted))]
        pending_title = found[-1] if found and isinstance(found[-1], AddTitle) and ":" in original else None
        previous = ops[-1] if ops else None
        if isinstance(previous, SetAspect) and found and found[0] == SetAspect(None, "crop"):
            ops.pop()  # "make it 9:16 and crop" is one change
            found[0] = SetAspect(previous.aspect, "crop")
        ops += found
    return ops or [Unknown(text.strip())]


def _is_filler(text: str) -> bool:
    """Nothing left once politeness and glue words are taken out ("please", "bhai", "isko")."""
    return not _table().pattern("fillers").sub(" ", text).strip(" .,!?")


_DEVANAGARI = re.compile("[\u0900-\u097f]")


def speaks_hindi(text: str) -> bool:
    """Whether an instruction is Hindi (Devanagari, or Hinglish marker words), to answer in kind."""
    if _DEVANAGARI.search(text):
        return True
    return _table().has(normalize(text), "hindi_markers")
