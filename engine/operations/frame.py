"""The frame family: the output's shape ("reels ke liye vertical karo", "make it 1:1", "crop karo"), the
vertical reframe that follows the speaker ("mera chehra beech mein rakho", "face follow karo", "keep my face
in the centre", "चेहरा बीच में रखो"), and zoom punch-ins on jump cuts ("zoom in karo jab cut ho", "punch in
on cuts", "jump cuts pe zoom") or on the words the speaker stresses ("zoom on emphasis", "jahan zor se bolun
wahan zoom karo", "ज़ोर वाले शब्दों पर ज़ूम करो").

A clip of another shape fits into the frame cropped, over a blurred fill of itself, or cropped around the
face. Following is the fit `face` (an asked-for follow; with no face seen, the centre crop); a plain "make it
vertical" sets `auto`: follow a face where the clip shows one, else the blurred fill. Punch-ins are
`m.zoom` = {"percent": 5..15}, plus, on emphasis, `"on": "emphasis"` and `"at"`: each clip's stressed
phrases in source milliseconds (engine.emphasis, found once from the transcript's word loudness; in source
time, so later cuts keep them). Both live in the draft's canvas, so later turns, undo and `status` see them;
the renderer finds the faces (engine.reframe) and zooms every other segment after a jump cut
(`segment_zooms`), or the frames of the stressed phrases (`emphasis_frames`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from engine.emphasis import stressed_phrases
from engine.operations.family import Family, Inputs, Outcome
from engine.phrasebook import Clause
from engine.reframe import crop_share
from engine.spokentime import times_in
from engine.timeline import ASPECT_SIZES, Aspect, Fit, Timeline, VideoSegment
from engine.words import say

PHRASES = Path(__file__).resolve().parent.parent / "data" / "frame.json"
ZOOM_RANGE = (5, 15)  # percent: subtle enough to hide a cut, not to notice the zoom
DEFAULT_ZOOM = 10
_EDGE = r"[\w\u0900-\u097f]"
MAX_STRESSED = 400  # per clip: one every few seconds of a long video; a client draft cannot ask for more
_PERCENT = re.compile(r"(\d{1,3})\s*(?:%|percent|pratishat|प्रतिशत)")


@dataclass(frozen=True)
class SetAspect:
    """Frame shape (None: keep it) and how other shapes fit into it."""

    aspect: Aspect | None
    fit: Fit = "auto"  # no fit named: follow a face where the clip shows one, else the blurred fill
    tool: ClassVar[str] = "set_aspect"


@dataclass(frozen=True)
class FollowFace:
    """Crop a wide picture so that the face stays in the middle (`on`), in `aspect` (None: vertical unless the
    frame is already narrower than the clips); or stop following it."""

    aspect: Aspect | None = None
    on: bool = True
    tool: ClassVar[str] = "follow_face"


@dataclass(frozen=True)
class ZoomCuts:
    """Punch in by `percent` on every other jump cut (`on`), or no punch-ins."""

    percent: int = DEFAULT_ZOOM
    on: bool = True
    tool: ClassVar[str] = "zoom_cuts"


@dataclass(frozen=True)
class ZoomEmphasis:
    """Punch in by `percent` on the words the speaker stresses."""

    percent: int = DEFAULT_ZOOM
    tool: ClassVar[str] = "zoom_emphasis"


FrameOperation = SetAspect | FollowFace | ZoomCuts | ZoomEmphasis


@cache
def _pattern(group: str) -> re.Pattern[str]:
    phrases: dict[str, Any] = json.loads(PHRASES.read_text(encoding="utf-8"))
    return re.compile(rf"(?<!{_EDGE})(?:{'|'.join(phrases[group])})(?!{_EDGE})")


def _aspect(clause: Clause) -> Aspect | None:
    found = next((a for a in ("1:1", "9:16", "16:9") if clause.has(f"aspect.{a}")), None)
    return found  # type: ignore[return-value]


def claim(clause: Clause) -> list[FollowFace | ZoomCuts | ZoomEmphasis] | None:
    """[FollowFace], [ZoomCuts] or [ZoomEmphasis] for a clause about following the face or punching in
    (on cuts unless it names stress), else None."""
    text = clause.text
    if _pattern("zoom").search(text):
        if _pattern("no_zoom").search(text):
            return [ZoomCuts(on=False)]
        found = _PERCENT.search(text)
        percent = (
            DEFAULT_ZOOM if found is None else min(max(int(found.group(1)), ZOOM_RANGE[0]), ZOOM_RANGE[1])
        )
        if _pattern("emphasis").search(text):
            return [ZoomEmphasis(percent)]
        return [ZoomCuts(percent)]
    if not _pattern("face").search(text):
        return None
    aspect = _aspect(clause)
    if _pattern("stop").search(text):
        return [FollowFace(on=False)]
    if _pattern("follow").search(text) or aspect is not None:
        return [FollowFace(aspect)]
    return None


def read(clause: Clause, found: Sequence[Any]) -> list[SetAspect]:
    """A frame shape and / or a fit named in the clause."""
    aspect = _aspect(clause)
    crop = clause.has("aspect.crop")
    if aspect is None and not crop and not clause.has("aspect.blur"):
        return []
    if aspect is None and crop and times_in(clause.text):
        return []  # "crop the first 5 seconds" is a cut
    fit = "crop" if crop else "blur" if clause.has("aspect.blur") else "auto"
    return [SetAspect(aspect=aspect, fit=fit)]  # type: ignore[arg-type]


def merged(ops: Sequence[Any]) -> list[Any]:
    """A message's operations with a frame shape folded into the face following it asks for ("reels ke
    liye vertical karo, mera chehra beech mein rakho" is one edit, not two), the rest untouched."""
    follow = next((op for op in ops if isinstance(op, FollowFace) and op.on), None)
    shape = next((op for op in ops if isinstance(op, SetAspect) and op.aspect is not None), None)
    if follow is None or shape is None:
        return list(ops)
    combined = replace(follow, aspect=follow.aspect or shape.aspect)
    return [combined if op is follow else op for op in ops if op is not shape]


def apply(op: FrameOperation, inputs: Inputs) -> Outcome:
    """Set the frame, the face following or the punch-ins, and say what that does."""
    timeline, lang = inputs.timeline, inputs.lang
    if isinstance(op, ZoomCuts):
        return _zoom(op, timeline)
    if isinstance(op, ZoomEmphasis):
        return _zoom_emphasis(op, inputs)
    if isinstance(op, FollowFace):
        return _follow(op, timeline, inputs)
    aspect = op.aspect or timeline.canvas.aspect
    figures = {"aspect": say(lang, f"aspect.{aspect.replace(':', '_')}"), "fit": say(lang, f"fit.{op.fit}")}
    return Outcome(timeline.set_aspect(aspect, op.fit), "edit.aspect", figures)


def _follow(op: FollowFace, timeline: Timeline, inputs: Inputs) -> Outcome:
    if not op.on:
        if timeline.canvas.fit not in ("face", "auto"):
            return Outcome(timeline, "edit.face_none", ok=False)
        return Outcome(timeline.set_aspect(timeline.canvas.aspect, "blur"), "edit.face_off")
    aspect = op.aspect or timeline.canvas.aspect
    by_id = {info.file_id: info for info in inputs.media}
    clips = [by_id[src] for src in timeline.sources if src in by_id and by_id[src].kind == "video"]
    if op.aspect is None and all(crop_share(info, *ASPECT_SIZES[aspect]) >= 0.99 for info in clips):
        aspect = "9:16"  # "face follow karo" on a landscape frame: following needs a narrower frame
    shown = say(inputs.lang, f"aspect.{aspect.replace(':', '_')}")
    return Outcome(timeline.set_aspect(aspect, "face"), "edit.face", {"aspect": shown})


def _zoom(op: ZoomCuts, timeline: Timeline) -> Outcome:
    extra = {key: value for key, value in timeline.canvas.extra.items() if key != "zoom"}
    if not op.on:
        if "zoom" not in timeline.canvas.extra:
            return Outcome(timeline, "edit.zoom_none", ok=False)
        return Outcome(replace(timeline, canvas=replace(timeline.canvas, extra=extra)), "edit.zoom_off")
    extra["zoom"] = {"percent": op.percent}
    edited = replace(timeline, canvas=replace(timeline.canvas, extra=extra))
    zooms = segment_zooms(edited)
    zoomed = sum(zoom > 1 and (i == 0 or zooms[i - 1] != zoom) for i, zoom in enumerate(zooms))
    key = "edit.zoom" if zoomed else "edit.zoom_later"
    return Outcome(edited, key, {"percent": op.percent, "count": zoomed})


def _zoom_emphasis(op: ZoomEmphasis, inputs: Inputs) -> Outcome:
    timeline = inputs.timeline
    stressed: dict[str, list[list[int]]] = {}
    for src in timeline.sources:
        transcript = inputs.transcripts.get(src)
        phrases = stressed_phrases(transcript) if transcript is not None else []
        if phrases:
            stressed[src] = [[round(a * 1000), round(b * 1000)] for a, b in phrases[:MAX_STRESSED]]
    if not stressed:
        return Outcome(timeline, "edit.zoom_emphasis_none", ok=False)
    extra = {key: value for key, value in timeline.canvas.extra.items() if key != "zoom"}
    extra["zoom"] = {"percent": op.percent, "on": "emphasis", "at": stressed}
    edited = replace(timeline, canvas=replace(timeline.canvas, extra=extra))
    count = sum(len(frames) for frames in emphasis_frames(edited, 1000))  # milliseconds: what plays now
    return Outcome(edited, "edit.zoom_emphasis", {"percent": op.percent, "count": count})


def zoom_mode(timeline: Timeline) -> str:
    """What the punch-ins follow: "cuts", "emphasis", or "" when there are none."""
    zoom = timeline.canvas.extra.get("zoom")
    if not isinstance(zoom, Mapping) or not zoom_percent(timeline):
        return ""
    return "emphasis" if zoom.get("on") == "emphasis" else "cuts"


def _stressed(timeline: Timeline) -> dict[str, list[tuple[float, float]]]:
    """Each clip's stressed phrases (source ms) as the draft holds them: numbers only, in order, at most
    `MAX_STRESSED` (a client's draft is untrusted)."""
    zoom = timeline.canvas.extra.get("zoom")
    at = zoom.get("at") if isinstance(zoom, Mapping) else None
    if not isinstance(at, Mapping):
        return {}
    out: dict[str, list[tuple[float, float]]] = {}
    for src, spans in at.items():
        if not isinstance(spans, list):
            continue
        good = [
            (float(span[0]), float(span[1]))
            for span in spans[:MAX_STRESSED]
            if isinstance(span, list) and len(span) == 2
            and all(isinstance(v, int | float) and math.isfinite(v) for v in span) and 0 <= span[0] < span[1]
        ]  # fmt: skip
        out[str(src)] = sorted(good)
    return out


def emphasis_frames(timeline: Timeline, fps: int) -> list[list[tuple[int, int]]]:
    """For each video segment, the output frames [first, end) of its punch-ins on stressed phrases (none
    unless the punch-ins follow emphasis): a phrase maps through the segment's cut and speed, clipped to
    what of it plays."""
    stressed = _stressed(timeline) if zoom_mode(timeline) == "emphasis" else {}
    speed = timeline.canvas.speed
    frames: list[list[tuple[int, int]]] = []
    for segment in timeline.video:
        inside: list[tuple[int, int]] = []
        for start, end in stressed.get(segment.src, []):
            lo, hi = max(start, segment.in_ms), min(end, segment.out_ms)
            if hi > lo:
                first = round((segment.st + (lo - segment.in_ms) / speed) * fps / 1000)
                inside.append((first, round((segment.st + (hi - segment.in_ms) / speed) * fps / 1000)))
        frames.append([(a, b) for a, b in inside if b > a])
    return frames


def zoom_percent(timeline: Timeline) -> int:
    """The punch-in the draft asks for (0: none)."""
    zoom = timeline.canvas.extra.get("zoom")
    if not isinstance(zoom, Mapping):
        return 0
    try:
        return min(max(int(zoom.get("percent", DEFAULT_ZOOM)), ZOOM_RANGE[0]), ZOOM_RANGE[1])
    except (TypeError, ValueError, OverflowError):  # a draft's `Infinity` too
        return 0


def _jump_cut(before: VideoSegment, after: VideoSegment) -> bool:
    """A hard cut inside one clip where something was taken out (a pause, a filler, a bad take)."""
    return after.src == before.src and after.tr is None and after.in_ms != before.out_ms


def segment_zooms(timeline: Timeline) -> list[float]:
    """Each video segment's zoom: punched in and out at alternate jump cuts; a new clip starts unzoomed
    (all 1.0 when the punch-ins follow emphasis instead)."""
    factor = 1 + zoom_percent(timeline) / 100 if zoom_mode(timeline) == "cuts" else 1.0
    zooms: list[float] = []
    zoomed = False
    for index, segment in enumerate(timeline.video):
        if index and _jump_cut(timeline.video[index - 1], segment):
            zoomed = not zoomed and factor > 1
        elif index and segment.src != timeline.video[index - 1].src:
            zoomed = False
        zooms.append(factor if zoomed else 1.0)
    return zooms


FAMILY = Family(
    operations=(SetAspect, FollowFace, ZoomCuts, ZoomEmphasis),
    apply=apply,
    claim=claim,
    read=read,
    needs={ZoomEmphasis: "speech"},
)
