"""Reading the backend's draft: the timeline summary users see, and what a turn changed.

The draft's short keys (profile §4): `t` tracks, `tt` track type (0 video, 1 audio/BGM, 7 text/title), `sg`
segments, `d` duration in ms, `m` metadata. Segment keys are undocumented and differ between backends (our
engine writes `st`, `vol` as a fraction and `text`; cloud drafts carry `s`, `v` in percent and `n`), so
each is read under every name seen, and everything else is left alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

TrackKind = Literal["video", "audio", "title", "other"]
_KINDS: dict[int, TrackKind] = {0: "video", 1: "audio", 7: "title"}
_START = ("st", "s", "start")
_VOLUME = ("vol", "v", "volume")
_NAME = ("text", "n", "name", "title")
_MIN_CHANGE_S = 0.5  # shorter than this is not worth telling


@dataclass(frozen=True)
class TrackSummary:
    """One track as a person would describe it."""

    kind: TrackKind
    label: str
    start_s: float
    end_s: float
    volume: float | None = None

    @property
    def span(self) -> str:
        """`0–42 s`."""
        return f"{seconds_text(self.start_s)}–{seconds_text(self.end_s)} s"


@dataclass(frozen=True)
class Change:
    """One difference between two drafts."""

    what: Literal["added", "removed", "shorter", "longer", "edited"]
    track: TrackSummary | None = None
    seconds: float = 0.0


def summarize(draft: dict[str, Any] | None) -> list[TrackSummary]:
    """The tracks that have segments, in draft order."""
    tracks = (draft or {}).get("t") or []
    return [s for s in (_track(t) for t in tracks if isinstance(t, dict)) if s is not None]


@dataclass(frozen=True)
class SpeechEdits:
    """What was done to the speech, as the draft's `m` records it (our engine's keys; other backends
    write none, and then there is nothing to tell)."""

    fillers: int = 0
    retakes: int = 0
    voice_clean: bool = False
    captions: bool = False


def speech_edits(draft: dict[str, Any] | None) -> SpeechEdits:
    """The speech edits the draft records."""
    meta = (draft or {}).get("m")
    if not isinstance(meta, dict):
        return SpeechEdits()

    def count(key: str) -> int:
        value = meta.get(key)
        return value if isinstance(value, int) and value > 0 else 0

    return SpeechEdits(
        fillers=count("fillers_cut"),
        retakes=count("retakes_cut"),
        voice_clean=meta.get("voice_clean") is True,
        captions=isinstance(meta.get("captions"), dict),
    )


def frame_size(draft: dict[str, Any] | None) -> tuple[int, int] | None:
    """The output frame the draft's `m` names (width, height), if it names one."""
    meta = (draft or {}).get("m")
    if not isinstance(meta, dict):
        return None
    width, height = meta.get("width"), meta.get("height")
    if isinstance(width, int | float) and isinstance(height, int | float) and width > 0 and height > 0:
        return int(width), int(height)
    return None


def framing(draft: dict[str, Any] | None) -> tuple[str, int]:
    """How the engine frames the picture: `face` (following the speaker), `auto` (following a face where one
    is seen), another fit or "", and the punch-in zoom on jump cuts in percent (0: none); cloud drafts say
    neither."""
    meta = (draft or {}).get("m")
    if not isinstance(meta, dict):
        return "", 0
    fit = meta.get("fit") if isinstance(meta.get("fit"), str) else ""
    zoom = meta.get("zoom")
    percent = zoom.get("percent") if isinstance(zoom, dict) else None
    return str(fit), int(percent) if isinstance(percent, int | float) and percent > 0 else 0


def zoom_follows(draft: dict[str, Any] | None) -> str:
    """What the engine's punch-ins follow: "emphasis" (the words the speaker stresses) or "cuts"."""
    meta = (draft or {}).get("m")
    zoom = meta.get("zoom") if isinstance(meta, dict) else None
    return "emphasis" if isinstance(zoom, dict) and zoom.get("on") == "emphasis" else "cuts"


def ratio(width: int, height: int) -> str:
    """`9:16` for 1080×1920; empty when the reduced ratio is no shape people name (1918×1080)."""
    common = math.gcd(width, height)
    w, h = width // common, height // common
    return f"{w}:{h}" if max(w, h) <= 32 else ""


def duration_s(draft: dict[str, Any] | None) -> float:
    """The draft's length: its `d`, or the end of its last segment."""
    if draft and isinstance(draft.get("d"), int | float) and draft["d"] > 0:
        return float(draft["d"]) / 1000
    return max((t.end_s for t in summarize(draft)), default=0.0)


def length_change_s(before: dict[str, Any] | None, after: dict[str, Any] | None) -> float:
    """How much longer (negative: shorter) the video got: its video tracks first, else the draft's `d`.

    What "shorter" means to a creator: removing pauses shortens the video even when a music track added in
    the same turn keeps the draft's own `d` where it was.
    """
    video = _video_end_s(after) - _video_end_s(before)
    return video if abs(video) >= _MIN_CHANGE_S else duration_s(after) - duration_s(before)


def _video_end_s(draft: dict[str, Any] | None) -> float:
    return max((t.end_s for t in summarize(draft) if t.kind == "video"), default=0.0)


def is_exportable(draft: dict[str, Any] | None) -> bool:
    """Some track has a non-empty `sg`."""
    return bool(summarize(draft))


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """What changed between two drafts, track by track and in length."""
    old, new = summarize(before), summarize(after)
    changes: list[Change] = []
    for track in new:
        if not any(o.kind == track.kind and o.label == track.label for o in old):
            changes.append(Change("added", track))
    for track in old:
        if not any(n.kind == track.kind and n.label == track.label for n in new):
            changes.append(Change("removed", track))
    delta = length_change_s(before, after)
    if delta <= -_MIN_CHANGE_S:
        changes.append(Change("shorter", seconds=-delta))
    elif delta >= _MIN_CHANGE_S:
        changes.append(Change("longer", seconds=delta))
    if not changes and _tracks(before) != _tracks(after):
        changed = next((n for o, n in zip(old, new, strict=False) if o != n), new[0] if new else None)
        changes.append(Change("edited", changed))
    elif not changes and (before or {}) != (after or {}):
        changes.append(Change("edited"))  # outside the tracks: a filter, the canvas, the volume…
    return changes


def _tracks(draft: dict[str, Any] | None) -> Any:
    return (draft or {}).get("t")


def _track(track: dict[str, Any]) -> TrackSummary | None:
    segments = [s for s in track.get("sg") or [] if isinstance(s, dict)]
    if not segments:
        return None
    kind = _KINDS.get(track.get("tt", -1), "other")
    starts = [_number(_first(s, _START)) or 0.0 for s in segments]
    ends = [st + (_number(s.get("d")) or 0.0) for st, s in zip(starts, segments, strict=True)]
    meta = track.get("m") or {}
    label = str(meta.get("title") or meta.get("name") or _first(segments[0], _NAME) or "")
    volume = _number(_first(segments[0], _VOLUME)) if kind == "audio" else None
    if volume is not None and volume > 1:
        volume /= 100  # a percentage: music is never mixed louder than the original (engine: 0 to 1)
    return TrackSummary(kind, label, min(starts) / 1000, max(ends) / 1000, volume)


def _first(segment: dict[str, Any], names: tuple[str, ...]) -> Any:
    """The value of the first of `names` that the segment has."""
    return next((segment[name] for name in names if segment.get(name) is not None), None)


def _number(value: Any) -> float | None:
    """A number, also from a numeric string; None for anything else (booleans included)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def seconds_text(seconds: float) -> str:
    """`18`, `2.4`: whole seconds without decimals, others to a tenth (0.6 s must not read as 1 or 0)."""
    return f"{seconds:.0f}" if abs(seconds - round(seconds)) < 0.05 else f"{seconds:.1f}"
