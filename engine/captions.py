"""Captions: the draft's caption settings, words placed on the edited timeline, cues, and ASS / SRT text.

The draft keeps only *how* to caption (`m.captions`: style, place, script, word fixes), never the words: the
words come from each source's cached transcript at render time and are mapped through the video segments, so
every cut, speed change or reorder made before or after "captions lagao" keeps them in sync for free.

Layout: a cue is at most two lines of at most `MAX_LINE_CHARS` characters, broken at sentence ends and at
pauses. Rendering is libass (FFmpeg's `ass` filter, with HarfBuzz shaping for Devanagari): the bold style
shows the cue with the word being spoken highlighted, one event per word; the plain style shows the cue on a
soft box. Placement keeps inside the platform's safe area: on 9:16 clear of the Reels/Shorts buttons (right
side, bottom quarter), elsewhere in the lower third.

Fonts: the same as titles (`engine.fonts.find_font` over `ENGINE_FONT_DIRS`, the shipped Noto fonts first),
chosen per word, so a Hindi caption with an English word in it draws both. libass gets exactly those font
files in a folder of their own (`CaptionFile.fonts`): without fontconfig's system fonts (a bare machine, a
slim container) it has no fallback at all, and a letter the named font lacks would be drawn as a box.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal, get_args

import srt

from engine.fonts import FONT_DIRS, find_font, font_family
from engine.romanize import romanize
from engine.speech import Transcript, load_any
from engine.timeline import Timeline

CaptionStyle = Literal["bold", "plain"]
CaptionPlace = Literal["bottom", "top", "middle"]
Script = Literal["as_spoken", "latin"]
MAX_LINE_CHARS = 32
MAX_LINES = 2
MAX_FIXES = 50  # caption fixes kept in a draft ("Dilli -> Delhi"); each is matched against every word
MAX_FIX_CHARS = 64
PAUSE_BREAK_S = 0.6  # a pause this long starts a new cue
HOLD_S = 0.4  # a cue stays this long after its last word, unless the next one starts
_SENTENCE_END = re.compile(r"[.!?।]$")
_DEVANAGARI = re.compile("[\u0900-\u097f]")
_HIGHLIGHT = "&H0000E6FF&"  # ASS colours are BGR: a warm yellow
_CHAR_EM = 0.6  # average advance of a bold sans letter, in ems (a safe upper estimate)
FamilyFor = Callable[[str], str]  # a text -> the family name of the font that draws it


@dataclass(frozen=True)
class SafeArea:
    """Fractions of the frame kept clear on each side."""

    left: float
    right: float
    top: float
    bottom: float


# Reels / Shorts / TikTok draw buttons down the right edge and the caption, name and sound in the bottom
# quarter; elsewhere, the lower third with a broadcast-style 5 % margin.
VERTICAL_SAFE = SafeArea(left=0.06, right=0.16, top=0.14, bottom=0.26)
DEFAULT_SAFE = SafeArea(left=0.05, right=0.05, top=0.08, bottom=0.08)


def safe_area(width: int, height: int) -> SafeArea:
    """The safe area for a frame shape: vertical frames get the short-video platforms' one."""
    return VERTICAL_SAFE if width < height else DEFAULT_SAFE


@dataclass(frozen=True)
class CaptionSettings:
    """How to caption: `replace` holds the user's word fixes ("Dilli" → "Delhi"), applied in order."""

    style: CaptionStyle = "bold"
    pos: CaptionPlace = "bottom"
    script: Script = "as_spoken"
    replace: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CaptionSettings:
        style: Any = data.get("style")
        pos: Any = data.get("pos")
        script: Any = data.get("script")
        return cls(
            style=style if style in get_args(CaptionStyle) else "bold",
            pos=pos if pos in get_args(CaptionPlace) else "bottom",
            script=script if script in get_args(Script) else "as_spoken",
            replace=_fixes(data.get("replace")),
        )

    def to_json(self) -> dict[str, Any]:
        pairs = [list(pair) for pair in self.replace]
        return {"style": self.style, "pos": self.pos, "script": self.script, "replace": pairs}


def _fixes(raw: Any) -> tuple[tuple[str, str], ...]:
    """A draft's caption fixes, as a client may send them: only pairs of short texts, and a bounded number
    (each is a pattern applied to every word), on one line each."""
    if not isinstance(raw, list):
        return ()
    pairs = []
    for pair in raw[:MAX_FIXES]:
        if isinstance(pair, list | tuple) and len(pair) == 2 and all(isinstance(p, str) for p in pair):
            old, new = (" ".join(p.split())[:MAX_FIX_CHARS] for p in pair)
            if old:
                pairs.append((old, new))
    return tuple(pairs)


def captions_of(timeline: Timeline) -> CaptionSettings | None:
    """The timeline's caption settings, or None when it has no captions."""
    data = timeline.canvas.extra.get("captions")
    return CaptionSettings.from_json(data) if isinstance(data, Mapping) else None


def with_captions(timeline: Timeline, settings: CaptionSettings | None) -> Timeline:
    """The timeline with these caption settings (None: captions off)."""
    extra = {key: value for key, value in timeline.canvas.extra.items() if key != "captions"}
    if settings is not None:
        extra["captions"] = settings.to_json()
    return replace(timeline, canvas=replace(timeline.canvas, extra=extra))


# ---- words on the edited timeline ----------------------------------------------------------------------
@dataclass(frozen=True)
class TimedWord:
    """A word as shown: its text after fixes and script, and when it is spoken on the output timeline."""

    text: str
    start_s: float
    end_s: float


def placed_words(timeline: Timeline, transcripts: Mapping[str, Transcript]) -> list[TimedWord]:
    """Every transcribed word that survives the cuts, at its output time (a word whose middle was cut out
    goes; one clipped at a cut's edge keeps the part that plays)."""
    speed = timeline.canvas.speed
    placed: list[TimedWord] = []
    for segment in timeline.video:
        transcript = transcripts.get(segment.src)
        if transcript is None:
            continue
        lo, hi = segment.in_ms / 1000, segment.out_ms / 1000
        for word in transcript.words:
            middle = (word.start_s + word.end_s) / 2
            if not (lo <= middle < hi) or not word.text.strip():
                continue
            start = segment.st / 1000 + (max(word.start_s, lo) - lo) / speed
            end = segment.st / 1000 + (min(word.end_s, hi) - lo) / speed
            placed.append(TimedWord(word.text.strip(), round(start, 3), round(max(end, start + 0.05), 3)))
    return sorted(placed, key=lambda w: w.start_s)


def shown_words(words: Sequence[TimedWord], settings: CaptionSettings) -> list[TimedWord]:
    """Words with the user's fixes applied (whole words, any case, punctuation kept) and in the session's
    script (Devanagari romanized for Hinglish)."""
    fixes = [(re.compile(rf"(?<!\w){re.escape(a)}(?!\w)", re.IGNORECASE), b) for a, b in settings.replace]
    out: list[TimedWord] = []
    for word in words:
        text = word.text
        if settings.script == "latin" and _DEVANAGARI.search(text):
            text = romanize(text)
        for pattern, target in fixes:
            text = pattern.sub(target, text)
        out.append(replace(word, text=text))
    return out


def fix_count(words: Sequence[TimedWord], old: str) -> int:
    """How many shown words a fix of `old` would change (to tell the user, and to refuse a fix of nothing)."""
    pattern = re.compile(rf"(?<!\w){re.escape(old)}(?!\w)", re.IGNORECASE)
    return sum(len(pattern.findall(word.text)) for word in words)


# ---- cues --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cue:
    """What is on screen at once: up to two lines of words, and when."""

    lines: tuple[tuple[TimedWord, ...], ...]
    start_s: float
    end_s: float

    @property
    def words(self) -> list[TimedWord]:
        return [word for line in self.lines for word in line]

    @property
    def text(self) -> str:
        return "\n".join(" ".join(word.text for word in line) for line in self.lines)


def layout_cues(words: Sequence[TimedWord], max_chars: int = MAX_LINE_CHARS) -> list[Cue]:
    """Group words into cues of at most two lines of `max_chars`, breaking at sentence ends and pauses."""
    groups: list[list[list[TimedWord]]] = []
    for index, word in enumerate(words):
        previous = words[index - 1] if index else None
        new_cue = (
            previous is None
            or word.start_s - previous.end_s > PAUSE_BREAK_S
            or bool(_SENTENCE_END.search(previous.text))
        )
        if not new_cue:
            line = groups[-1][-1]
            if len(" ".join(w.text for w in [*line, word])) > max_chars:
                if len(groups[-1]) >= MAX_LINES:
                    new_cue = True
                else:
                    groups[-1].append([word])
                    continue
            else:
                line.append(word)
                continue
        groups.append([[word]])
    cues: list[Cue] = []
    for index, group in enumerate(groups):
        start, last_end = round(group[0][0].start_s, 3), round(group[-1][-1].end_s, 3)
        following = round(groups[index + 1][0][0].start_s, 3) if index + 1 < len(groups) else None
        end = last_end + HOLD_S if following is None else min(last_end + HOLD_S, max(following, last_end))
        cues.append(Cue(tuple(tuple(line) for line in group), start, round(end, 3)))
    return cues


# ---- SRT ---------------------------------------------------------------------------------------------------
def srt_text(cues: Sequence[Cue]) -> str:
    """The cues as a SubRip file (what players and platforms import)."""
    text: str = srt.compose(
        [
            srt.Subtitle(index, timedelta(seconds=cue.start_s), timedelta(seconds=cue.end_s), cue.text)
            for index, cue in enumerate(cues, 1)
        ]
    )
    return text


# ---- ASS ---------------------------------------------------------------------------------------------------
def _ass_time(seconds: float) -> str:
    centis = max(round(seconds * 100), 0)
    return f"{centis // 360000}:{centis // 6000 % 60:02d}:{centis // 100 % 60:02d}.{centis % 100:02d}"


def _ass_escape(text: str) -> str:
    """Words can hold braces or backslashes, which ASS reads as override tags and line breaks."""
    return text.replace("\\", "\u29f5").replace("{", "(").replace("}", ")")


def font_size(width: int, height: int) -> int:
    """Large enough to read on a phone, small enough that `MAX_LINE_CHARS` fit inside the safe area."""
    area = safe_area(width, height)
    usable = width * (1 - area.left - area.right)
    return max(12, min(round(height * 0.06), round(usable / (MAX_LINE_CHARS * _CHAR_EM))))


def ass_text(
    cues: Sequence[Cue], settings: CaptionSettings, width: int, height: int, family_for: FamilyFor
) -> str:
    """An ASS script drawing the cues on a `width`x`height` frame in the chosen style and place; the styles
    name the font `family_for` picks for all the words, and a word it draws with another font says so."""
    area = safe_area(width, height)
    size = font_size(width, height)
    alignment = {"bottom": 2, "middle": 5, "top": 8}[settings.pos]
    margin_v = round(height * (area.top if settings.pos == "top" else area.bottom))
    margins = f"{round(width * area.left)},{round(width * area.right)},{margin_v}"
    font = family_for(" ".join(cue.text for cue in cues))
    families = {word.text: family_for(word.text) for cue in cues for word in cue.words}
    outline = max(2, size // 14)
    styles = [
        f"Style: Bold,{font},{size},&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,"
        f"{outline},{max(1, outline // 2)},{alignment},{margins},1",
        f"Style: Plain,{font},{round(size * 0.85)},&H00FFFFFF,&H00FFFFFF,&H60000000,&H60000000,0,0,0,0,"
        f"100,100,0,0,3,{max(2, size // 6)},0,{alignment},{margins},1",
    ]
    events: list[str] = []
    for cue in cues:
        if settings.style == "plain":
            events.append(_dialogue("Plain", cue.start_s, cue.end_s, _cue_markup(cue, None, font, families)))
            continue
        words = cue.words
        for index, word in enumerate(words):
            start = cue.start_s if index == 0 else word.start_s
            end = words[index + 1].start_s if index + 1 < len(words) else cue.end_s
            if end > start:
                events.append(_dialogue("Bold", start, end, _cue_markup(cue, word, font, families)))
    return "\n".join(
        [
            "[Script Info]",
            "ScriptType: v4.00+",
            f"PlayResX: {width}",
            f"PlayResY: {height}",
            "WrapStyle: 0",
            "ScaledBorderAndShadow: yes",
            "",
            "[V4+ Styles]",
            "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, "
            "Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, "
            "Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
            *styles,
            "",
            "[Events]",
            "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
            *events,
            "",
        ]
    )


def _dialogue(style: str, start: float, end: float, text: str) -> str:
    return f"Dialogue: 0,{_ass_time(start)},{_ass_time(end)},{style},,0,0,0,,{text}"


def _cue_markup(cue: Cue, current: TimedWord | None, font: str, families: Mapping[str, str]) -> str:
    """The cue's lines joined by ASS line breaks, the current word (if any) in the highlight colour, and a
    word the style's `font` cannot draw in its own font (`families`)."""

    def word_markup(word: TimedWord) -> str:
        text = _ass_escape(word.text)
        if families.get(word.text, font) != font:
            text = f"{{\\fn{families[word.text]}}}{text}{{\\fn{font}}}"
        return f"{{\\c{_HIGHLIGHT}}}{text}{{\\c&H00FFFFFF&}}" if word is current else text

    return "\\N".join(" ".join(word_markup(word) for word in line) for line in cue.lines)


@dataclass(frozen=True)
class CaptionFile:
    """An ASS script, and the folder holding exactly the font files it names (libass's `fontsdir`)."""

    ass: Path
    fonts: Path


def write_ass_file(
    timeline: Timeline,
    data_dir: Path,
    width: int,
    height: int,
    path: Path,
    font_dirs: tuple[Path, ...] = FONT_DIRS,
) -> CaptionFile | None:
    """For the renderer: the timeline's captions as an ASS file at `path` with its fonts (found in
    `font_dirs`, ENGINE_FONT_DIRS) copied beside it, or None (no captions, no words). Words come from the
    clips' cached transcripts, made when the captions were asked for."""
    settings = captions_of(timeline)
    if settings is None:
        return None
    transcripts = {src: t for src in timeline.sources if (t := load_any(data_dir, src)) is not None}
    cues = layout_cues(shown_words(placed_words(timeline, transcripts), settings))
    if not cues:
        return None
    used: dict[str, Path] = {}

    def family_for(text: str) -> str:
        font = find_font(text, font_dirs)
        used.setdefault(font.name, font)
        return font_family(font) or font.stem

    path.write_text(ass_text(cues, settings, width, height, family_for), encoding="utf-8")
    fonts = path.with_name(f"{path.stem}-fonts")
    fonts.mkdir(exist_ok=True)
    for name, font in used.items():
        shutil.copyfile(font, fonts / name)
    return CaptionFile(path, fonts)
