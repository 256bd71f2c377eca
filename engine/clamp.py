"""A client's draft, made safe to render: re-timed against the real sources, bounded in size and length.

`POST /api/render/proxy/lambda` may carry any draft a client likes. Before it is queued, every clip segment
is clamped to the source's real duration as the probe measured it (`in`/`out` inside `[0, duration]`; a still
shows for at most `MAX_STILL_MS`), speed, volume and transitions are brought into their ranges, positions are
recomputed from the clamped spans, and what is left must fit the operator's limits on segments and output
length. A 4 s upload claiming a 10⁹ ms segment renders as 4 s. Unknown keys pass through untouched, as
everywhere in the timeline. Pure: values in, values out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from engine.errors import EngineError
from engine.media import MediaInfo
from engine.timeline import MIN_PIECE_MS, SPEED_RANGE, VOLUME_RANGE, Timeline, Transition, VideoSegment

MAX_STILL_MS = 60_000  # a picture on screen for a minute at most
MAX_TRANSITION_MS = 2_000
MAX_TITLES = 50
MAX_TITLE_CHARS = 500


class DraftRefusedError(EngineError):
    """The draft cannot be rendered within the limits, even clamped; the message says which one."""


@dataclass(frozen=True)
class DraftLimits:
    """The operator's bounds on one render, and its time budget: a floor plus so many seconds of work per
    second of output, never more than the ceiling (RQ kills the job there)."""

    max_segments: int
    max_output_s: float
    budget_floor_s: float
    budget_per_output_s: float
    budget_ceiling_s: int

    def budget_s(self, timeline: Timeline) -> int:
        """The job time limit for rendering `timeline` (a clamped one: its length is real)."""
        wanted = self.budget_floor_s + self.budget_per_output_s * timeline.duration_ms / 1000
        return max(1, min(round(wanted), self.budget_ceiling_s))


def clamp_draft(draft: Mapping[str, Any], media: Mapping[str, MediaInfo], limits: DraftLimits) -> Timeline:
    """The timeline to render for `draft`: clamped to the sources in `media` and checked against `limits`."""
    timeline = Timeline.from_draft(draft)
    canvas = timeline.canvas
    canvas = replace(
        canvas,
        speed=min(max(canvas.speed, SPEED_RANGE[0]), SPEED_RANGE[1]),
        volume=min(max(canvas.volume, VOLUME_RANGE[0]), VOLUME_RANGE[1]),
    )
    video = tuple(
        segment
        for segment in (_clamp_segment(s, media.get(s.src)) for s in timeline.video)
        if segment.out_ms - segment.in_ms >= MIN_PIECE_MS
    )
    if len(video) > limits.max_segments:
        limit = limits.max_segments
        raise DraftRefusedError(f"the draft has {len(video)} clips; at most {limit} can be rendered")
    titles = tuple(
        replace(title, text=title.text[:MAX_TITLE_CHARS], st=max(title.st, 0), d=max(title.d, 0))
        for title in timeline.titles[:MAX_TITLES]
    )
    clamped = replace(timeline, canvas=canvas, video=video, titles=titles)._retimed()
    if clamped.duration_ms > limits.max_output_s * 1000:
        raise DraftRefusedError(
            f"the video would last {clamped.duration_ms / 1000:.0f} s; at most {limits.max_output_s:.0f} s"
        )
    return clamped


def _clamp_segment(segment: VideoSegment, info: MediaInfo | None) -> VideoSegment:
    """A segment inside its source; a segment naming unknown media is left for the renderer to refuse."""
    if info is None:
        return segment
    length = MAX_STILL_MS if info.kind == "image" else max(round(info.duration_s * 1000), 0)
    start = min(max(segment.in_ms, 0), length)
    end = min(max(segment.out_ms, start), length)
    tr = segment.tr
    if tr is not None:
        tr = Transition(type=tr.type, d=min(max(tr.d, 0), MAX_TRANSITION_MS), extra=tr.extra)
    return replace(segment, in_ms=start, out_ms=end, tr=tr)
