"""The captions family: "captions lagao", "subtitle daal do", "कैप्शन जोड़ो", "captions upar karo",
"captions hatao", "caption mein Dilli ko Delhi karo", "srt bhi bhejo".

Reading is pure and table-driven (`engine/data/captions.json`). Applying needs the clips' transcripts, which
the turn fetches (through the speech queue) before it calls `apply`; the words themselves never enter the
draft (see `engine.captions`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from engine.captions import (
    CaptionPlace,
    CaptionSettings,
    CaptionStyle,
    Script,
    captions_of,
    fix_count,
    layout_cues,
    placed_words,
    shown_words,
    srt_text,
    with_captions,
)
from engine.operations.family import Family, Inputs, Outcome
from engine.phrasebook import Clause
from engine.words import say

PHRASES = Path(__file__).resolve().parent.parent / "data" / "captions.json"
_EDGE = r"[\w\u0900-\u097f]"
_QUOTES = "\"'“”‘’«»"


@dataclass(frozen=True)
class AddCaptions:
    """Captions on (or, when they are on, restyled / moved): None keeps the current choice or the default."""

    style: CaptionStyle | None = None
    pos: CaptionPlace | None = None
    script: Script | None = None
    tool: ClassVar[str] = "add_captions"


@dataclass(frozen=True)
class RemoveCaptions:
    """Captions off."""

    tool: ClassVar[str] = "remove_captions"


@dataclass(frozen=True)
class FixCaption:
    """Show `new` wherever the captions say `old` (a misheard name, a spelling)."""

    old: str
    new: str
    tool: ClassVar[str] = "fix_caption"


@dataclass(frozen=True)
class SendSrt:
    """Send the captions as a SubRip (.srt) file."""

    tool: ClassVar[str] = "send_srt"


CaptionOperation = AddCaptions | RemoveCaptions | FixCaption | SendSrt
OPERATIONS = (AddCaptions, RemoveCaptions, FixCaption, SendSrt)


@cache
def _phrases() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PHRASES.read_text(encoding="utf-8"))
    return data


@cache
def _words(*path: str) -> re.Pattern[str]:
    node: Any = _phrases()
    for part in path:
        node = node[part]
    return re.compile(rf"(?<!{_EDGE})(?:{'|'.join(node)})(?!{_EDGE})")


def _key_of(text: str, group: str) -> str | None:
    return next((key for key in _phrases()[group] if _words(group, key).search(text)), None)


def claim(clause: Clause) -> list[CaptionOperation] | None:
    """The caption operations in one clause, or None when the clause is not about captions (a title
    "caption: Happy Diwali" stays a title)."""
    text, original = clause.text, clause.restored
    srt = _words("srt").search(text) is not None
    about = _words("nouns").search(text) is not None
    if not (srt or about):
        return None
    squeezed = re.sub(r"\s+", " ", original).strip(" .!?")
    for pattern in _phrases()["fix"]:
        match = re.search(pattern, squeezed, re.IGNORECASE)
        if match:
            old, new = (match.group(name).strip(_QUOTES + " ") for name in ("old", "new"))
            if old and new:
                return [FixCaption(old, new)]
    if srt:
        return [SendSrt()]
    if ":" in text or "\ue000" in text:
        return None  # text after a colon or in quotes is a title's
    style: Any = _key_of(text, "styles")
    if style is None and _words("remove").search(text):
        return [RemoveCaptions()]
    script: Script | None = (
        "latin" if _words("latin").search(text) else "as_spoken" if _words("native").search(text) else None
    )
    pos: Any = _key_of(text, "positions")
    return [AddCaptions(style=style, pos=pos, script=script)]


def default_script(lang: str, instruction: str) -> Script:
    """Script follows the session: Hindi asked in Roman letters (Hinglish) gets Roman captions."""
    devanagari = re.search("[\u0900-\u097f]", instruction) is not None
    return "latin" if lang.startswith("hi") and not devanagari else "as_spoken"


def apply(op: CaptionOperation, inputs: Inputs) -> Outcome:
    """Apply one caption operation; `inputs.transcripts` holds every clip on the timeline (by file id)."""
    timeline, transcripts, lang, publish = inputs.timeline, inputs.transcripts, inputs.lang, inputs.publish
    script = default_script(lang, inputs.instruction)
    current = captions_of(timeline)
    match op:
        case RemoveCaptions():
            if current is None:
                return Outcome(timeline, "edit.captions_none", ok=False)
            return Outcome(with_captions(timeline, None), "edit.captions_removed")
        case AddCaptions():
            base = current or CaptionSettings(script=script)
            settings = CaptionSettings(
                style=op.style or base.style,
                pos=op.pos or base.pos,
                script=op.script or base.script,
                replace=base.replace,
            )
            words = shown_words(placed_words(timeline, transcripts), settings)
            if not words:
                return Outcome(timeline, "edit.captions_no_speech", ok=False)
            figures: dict[str, str | int] = {
                "count": len(words),
                "style": say(lang, f"caption_style.{settings.style}"),
                "pos": say(lang, f"caption_pos.{settings.pos}"),
            }
            key = "edit.captions" if current is None else "edit.captions_changed"
            return Outcome(with_captions(timeline, settings), key, figures)
        case FixCaption():
            base = current or CaptionSettings(script=script)
            count = fix_count(shown_words(placed_words(timeline, transcripts), base), op.old)
            fix: dict[str, str | int] = {"old": op.old, "new": op.new, "count": count}
            if not count:
                return Outcome(timeline, "edit.caption_fix_missing", fix, ok=False)
            fixed = CaptionSettings(base.style, base.pos, base.script, (*base.replace, (op.old, op.new)))
            return Outcome(with_captions(timeline, fixed), "edit.caption_fixed", fix)
        case SendSrt():
            settings = current or CaptionSettings(script=script)
            cues = layout_cues(shown_words(placed_words(timeline, transcripts), settings))
            first = next((info for info in inputs.media if info.file_id == timeline.sources[0]), None)
            if not cues or publish is None or first is None:
                return Outcome(timeline, "edit.captions_no_speech", ok=False)
            # the first clip's file: it counts towards its owner's storage and is deleted with it
            url = publish(first, srt_text(cues))
            return Outcome(timeline, "edit.srt", {"url": url, "count": len(cues)}, ok=False)
    raise AssertionError(f"not a caption operation: {op!r}")


FAMILY = Family(
    operations=OPERATIONS,
    apply=apply,
    claim=claim,
    needs={AddCaptions: "speech", FixCaption: "speech", SendSrt: "speech"},
)
