"""Reading the backend's draft: the timeline summary users see, and what a turn changed.

The draft's short keys (profile §4): `t` tracks, `tt` track type (0 video, 1 audio/BGM, 7 text/title), `sg`
segments, `d` duration in ms, `m` metadata. Segment keys are undocumented, so only the few known ones are
read (`st` start, `d` duration, `vol`, `text`) and everything else is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

TrackKind = Literal["video", "audio", "title", "other"]
_KINDS: dict[int, TrackKind] = {0: "video", 1: "audio", 7: "title"}


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
        return f"{_fmt(self.start_s)}–{_fmt(self.end_s)} s"


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


def duration_s(draft: dict[str, Any] | None) -> float:
    """The draft's length: its `d`, or the end of its last segment."""
    if draft and isinstance(draft.get("d"), int | float) and draft["d"] > 0:
        return float(draft["d"]) / 1000
    return max((t.end_s for t in summarize(draft)), default=0.0)


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
    delta = duration_s(after) - duration_s(before)
    if delta <= -0.5:
        changes.append(Change("shorter", seconds=-delta))
    elif delta >= 0.5:
        changes.append(Change("longer", seconds=delta))
    if not changes and _tracks(before) != _tracks(after):
        changed = next((n for o, n in zip(old, new, strict=False) if o != n), new[0] if new else None)
        changes.append(Change("edited", changed))
    return changes


def _tracks(draft: dict[str, Any] | None) -> Any:
    return (draft or {}).get("t")


def _track(track: dict[str, Any]) -> TrackSummary | None:
    segments = [s for s in track.get("sg") or [] if isinstance(s, dict)]
    if not segments:
        return None
    kind = _KINDS.get(track.get("tt", -1), "other")
    starts = [float(s.get("st", 0) or 0) for s in segments]
    ends = [st + float(s.get("d", 0) or 0) for st, s in zip(starts, segments, strict=True)]
    meta = track.get("m") or {}
    label = str(meta.get("title") or meta.get("name") or segments[0].get("text") or "")
    volume = segments[0].get("vol") if kind == "audio" else None
    return TrackSummary(kind, label, min(starts) / 1000, max(ends) / 1000, volume)


def _fmt(seconds: float) -> str:
    return f"{seconds:.0f}" if abs(seconds - round(seconds)) < 0.05 else f"{seconds:.1f}"
