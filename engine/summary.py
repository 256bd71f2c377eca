"""The timeline told in the session's words, one line per track or setting: the workspace page shows the
lines, and an undo reply names the lines it took off and brought back.

Every line is a catalog key (`summary.*`) with its figures, and the draft's codes (a caption `style`, a
frame `fit`) are said in words through the same keys the edit replies use, so a Hindi session never reads
"bold, bottom" or "following the face" in English. Caption settings are read through `CaptionSettings`,
so an unknown code in a draft shows as the default it renders as, never raw.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.captions import captions_of
from engine.operations.family import seconds_text
from engine.timeline import BUILTIN_MUSIC, DEFAULT_VIDEO_TITLE, MUSIC, VIDEO, Timeline
from engine.words import say

MALFORMED_DRAFT = (KeyError, TypeError, ValueError, AttributeError)  # what reading a broken draft raises


def summary_lines(timeline: Timeline, lang: str) -> list[str]:
    """The timeline's tracks and settings, each a sentence in `lang` (none for an empty timeline)."""
    lines: list[str] = []
    if timeline.video:
        end = seconds_text(timeline.duration_ms)
        name = timeline.track_title(VIDEO)
        if name and name != DEFAULT_VIDEO_TITLE:
            lines.append(say(lang, "summary.video_named", name=name, end=end))
        else:
            lines.append(say(lang, "summary.video", clips=len(timeline.sources), end=end))
    for music in timeline.music:
        if music.src in BUILTIN_MUSIC:
            name = say(lang, f"music.{music.src.removeprefix('builtin:')}")
        else:
            name = timeline.track_title(MUSIC) or say(lang, "summary.own_music")
        span = _span(music.st, music.st + music.d)
        lines.append(say(lang, "summary.music", name=name, percent=round(music.vol * 100), **span))
    for title in timeline.titles:
        lines.append(say(lang, "summary.title", text=title.text, **_span(title.st, title.st + title.d)))
    captions = captions_of(timeline)
    if captions is not None:
        style, pos = say(lang, f"caption_style.{captions.style}"), say(lang, f"caption_pos.{captions.pos}")
        lines.append(say(lang, "summary.captions", style=style, pos=pos))
    if timeline.video:
        aspect = say(lang, f"aspect.{timeline.canvas.aspect.replace(':', '_')}")
        lines.append(say(lang, "summary.frame", aspect=aspect, fit=say(lang, f"fit.{timeline.canvas.fit}")))
    zoom = timeline.canvas.extra.get("zoom")  # kept by engine.operations.frame
    if isinstance(zoom, Mapping) and isinstance(zoom.get("percent"), int | float):
        key = "summary.zoom_emphasis" if zoom.get("on") == "emphasis" else "summary.zoom"
        lines.append(say(lang, key, percent=round(zoom["percent"])))
    return lines


def draft_lines(draft: Mapping[str, Any] | None, lang: str) -> list[str] | None:
    """`summary_lines` of a stored draft, or None when the draft is not a timeline the engine can read
    (made by another editor, or damaged): its reader says so instead of failing."""
    try:
        return summary_lines(Timeline.from_draft(draft), lang)
    except MALFORMED_DRAFT:
        return None


def _span(start_ms: int, end_ms: int) -> dict[str, str]:
    return {"start": seconds_text(start_ms), "end": seconds_text(end_ms)}
