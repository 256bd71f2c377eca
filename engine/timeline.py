"""The draft (the profile's timeline) as frozen dataclasses, and the pure edits on it.

The draft travels as a JSON-safe dict with the profile's short keys (`shared/nemo-protocol.md` §4): `d` total
milliseconds, `m` canvas settings, `t` tracks (`tt` 0 video, 1 background music, 7 titles), each with `sg`
segments. Every dataclass keeps the keys it does not know in `extra` and writes them back untouched, and
tracks of other types pass through whole, because a draft may come from a newer engine or from NemoVideo.

Time: `in`/`out` are positions in the source clip; `st`/`d` are on-screen positions after the global speed
(`d = (out - in) / speed`). A segment with a transition (`tr`, the transition INTO it) starts `tr.d` before
its predecessor ends — the two overlap — so the total is the sum of durations minus the transitions. Every
edit returns a new Timeline with positions recomputed; music always spans the whole video (the renderer loops
a shorter source) and titles are clipped to it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from engine.draft import (
    MAX_BLEND_MS,
    Aspect,
    Canvas,
    Fit,
    Json,
    MusicSegment,
    Position,
    TitleSegment,
    Track,
    Transition,
    TransitionKind,
    VideoSegment,
    to_ms,
    unknown_keys,
)
from engine.media import MediaInfo

__all__ = [
    "ASPECT_SIZES",
    "BUILTIN_MUSIC",
    "IMAGE_MS",
    "MAX_BLEND_MS",
    "MIN_PIECE_MS",
    "MUSIC",
    "SPEED_RANGE",
    "TITLES",
    "VIDEO",
    "VOLUME_RANGE",
    "Aspect",
    "Canvas",
    "Fit",
    "MusicSegment",
    "Position",
    "Timeline",
    "TitleSegment",
    "Track",
    "Transition",
    "TransitionKind",
    "VideoSegment",
]

VIDEO, MUSIC, TITLES = 0, 1, 7
ASPECT_SIZES: dict[Aspect, tuple[int, int]] = {
    "16:9": (1920, 1080),
    "9:16": (1080, 1920),
    "1:1": (1080, 1080),
}
BUILTIN_MUSIC: dict[str, str] = {"builtin:lofi": "Lo-fi", "builtin:upbeat": "Upbeat", "builtin:calm": "Calm"}
IMAGE_MS = 3000  # how long an uploaded still stays on screen
MIN_PIECE_MS = 40  # about one frame: shorter leftovers of a cut are dropped
SPEED_RANGE = (0.25, 4.0)
VOLUME_RANGE = (0.0, 4.0)
DEFAULT_VIDEO_TITLE = "Video"  # what a new video track is called: no name of the user's
_TRACK_TITLES: dict[int, Json] = {VIDEO: {"title": DEFAULT_VIDEO_TITLE}, MUSIC: {}, TITLES: {}}


@dataclass(frozen=True)
class Timeline:
    """The whole draft. Build with `from_draft`, edit with the methods (each returns a new Timeline)."""

    canvas: Canvas = field(default_factory=Canvas)
    video: tuple[VideoSegment, ...] = ()
    music: tuple[MusicSegment, ...] = ()
    titles: tuple[TitleSegment, ...] = ()
    duration_ms: int = 0
    tracks: tuple[Track, ...] = ()  # every track in draft order, so that to_draft writes them back in place
    extra: Mapping[str, Any] = field(default_factory=dict)

    # ---- JSON in and out -------------------------------------------------------------------------------
    @classmethod
    def from_draft(cls, draft: Mapping[str, Any] | None) -> Timeline:
        """Read a draft; an empty or missing draft is an empty timeline."""
        draft = draft or {}
        layout: list[Track] = []
        segments: dict[int, list[Mapping[str, Any]]] = {}
        for raw in draft.get("t") or []:
            tt = int(raw.get("tt", -1))
            meta = copy.deepcopy(dict(raw.get("m") or {}))
            extra = unknown_keys(raw, ("tt", "m", "sg"))
            if tt in _TRACK_TITLES and tt not in segments:
                segments[tt] = list(raw.get("sg") or [])
                layout.append(Track(tt, meta, extra))
            else:  # a second track of a kind we edit, or a kind we do not know: carried through whole
                layout.append(Track(tt, meta, extra, tuple(copy.deepcopy(list(raw.get("sg") or [])))))
        return cls(
            canvas=Canvas.from_json(draft.get("m") or {}),
            video=tuple(VideoSegment.from_json(s) for s in segments.get(VIDEO, [])),
            music=tuple(MusicSegment.from_json(s) for s in segments.get(MUSIC, [])),
            titles=tuple(TitleSegment.from_json(s) for s in segments.get(TITLES, [])),
            duration_ms=to_ms(draft.get("d")),
            tracks=tuple(layout),
            extra=unknown_keys(draft, ("d", "m", "t")),
        )

    def to_draft(self) -> Json:
        """The draft as the profile stores and returns it."""
        tracks = [track.to_json(self._segments_json(track.tt)) for track in self.tracks]
        return {
            **copy.deepcopy(dict(self.extra)),
            "d": self.duration_ms,
            "m": self.canvas.to_json(),
            "t": tracks,
        }

    def _segments_json(self, tt: int) -> list[Json]:
        by_type: dict[int, Sequence[VideoSegment | MusicSegment | TitleSegment]] = {
            VIDEO: self.video,
            MUSIC: self.music,
            TITLES: self.titles,
        }
        return [segment.to_json() for segment in by_type.get(tt, ())]

    # ---- reading ---------------------------------------------------------------------------------------
    @property
    def sources(self) -> list[str]:
        """The distinct clips on the video track, in first-use order."""
        return list(dict.fromkeys(segment.src for segment in self.video))

    @property
    def transition(self) -> Transition | None:
        """The transition style in use (the first one on the track), re-applied when cuts change."""
        return next((segment.tr for segment in self.video if segment.tr is not None), None)

    def track_title(self, tt: int) -> str:
        """The `m.title` of the first track of that type, or ""."""
        return next(
            (str(t.meta.get("title", "")) for t in self.tracks if t.tt == tt and t.opaque is None), ""
        )

    # ---- edits -----------------------------------------------------------------------------------------
    def append_clip(self, media: MediaInfo) -> Timeline:
        """Add an uploaded video (whole) or image (a still) at the end; the first clip sets the frame."""
        if media.kind == "audio":
            raise ValueError("an audio file is music, not a clip")
        out_ms = IMAGE_MS if media.kind == "image" else round(media.duration_s * 1000)
        segment = VideoSegment(src=media.file_id, in_ms=0, out_ms=out_ms)
        edited = replace(self, video=(*self.video, segment))
        if not self.video and media.width and media.height:
            edited = edited.set_aspect(_nearest_aspect(media.width, media.height), self.canvas.fit)
        return edited._with_track(VIDEO)._resegmented(self.transition)

    def with_clips(self, media: Sequence[MediaInfo]) -> Timeline:
        """Append every uploaded video or image not yet on the timeline, in upload order."""
        present = set(self.sources)
        edited = self
        for info in media:
            if info.kind != "audio" and info.file_id not in present:
                edited = edited.append_clip(info)
        return edited

    def keep_spans(self, spans: Mapping[str, Sequence[tuple[float, float]]], blend_ms: int = 0) -> Timeline:
        """Keep only the given source spans (seconds, per file id) of the clips they name: silence, filler
        and bad-take removal; `blend_ms` of sound is crossfaded across each new cut (see `VideoSegment`)."""
        pieces: list[VideoSegment] = []
        for segment in _unwidened(self.video):
            if segment.src not in spans:
                pieces.append(segment)
                continue
            kept_end: int | None = None  # where the previous piece of this segment ended
            for start_s, end_s in spans[segment.src]:
                start, end = (
                    max(segment.in_ms, round(start_s * 1000)),
                    min(segment.out_ms, round(end_s * 1000)),
                )
                if end - start >= MIN_PIECE_MS:
                    if kept_end is None:  # the segment's own start: what preceded it still does
                        pause, blend = (segment.pause, segment.blend) if start == segment.in_ms else (0, 0)
                    else:
                        pause, blend = start - kept_end, min(blend_ms, MAX_BLEND_MS)
                    cut = replace(segment, in_ms=start, out_ms=end, tr=None, pause=max(pause, 0), blend=blend)
                    pieces.append(cut)
                    kept_end = end
        return replace(self, video=tuple(pieces))._resegmented(self.transition)

    def cut_span(self, start_s: float, end_s: float) -> Timeline:
        """Remove what plays on screen between two moments (seconds on the timeline)."""
        cut_start, cut_end = round(start_s * 1000), round(end_s * 1000)
        speed = self.canvas.speed
        pieces: list[VideoSegment] = []
        for segment in self.video:
            lo, hi = max(cut_start, segment.st), min(cut_end, segment.st + segment.d)
            if hi <= lo:
                pieces.append(segment)
                continue
            source_lo = segment.in_ms + round((lo - segment.st) * speed)
            source_hi = segment.in_ms + round((hi - segment.st) * speed)
            for start, end in ((segment.in_ms, source_lo), (source_hi, segment.out_ms)):
                if end - start >= MIN_PIECE_MS:
                    first = start == segment.in_ms  # what precedes a later piece now is a cut
                    pause, blend = (segment.pause, segment.blend) if first else (0, 0)
                    pieces.append(replace(segment, in_ms=start, out_ms=end, pause=pause, blend=blend))
        return replace(self, video=tuple(pieces))._resegmented(self.transition)

    def keep_span(self, start_s: float, end_s: float) -> Timeline:
        """Keep only what plays between two moments (seconds on the timeline)."""
        total_s = self.duration_ms / 1000
        return self.cut_span(max(end_s, 0.0), max(total_s, end_s)).cut_span(0.0, max(start_s, 0.0))

    def fit_duration(self, seconds: float) -> Timeline:
        """Shorten to at most `seconds` by trimming every segment's tail in proportion; never lengthens."""
        target = round(seconds * 1000)
        if not self.video or self.duration_ms <= target:
            return self
        overlap = sum(segment.tr.d for segment in self.video if segment.tr is not None)
        content = self.duration_ms + overlap
        ratio = max(target + overlap, 0) / content
        speed = self.canvas.speed
        trimmed = tuple(
            replace(segment, out_ms=segment.in_ms + max(round(segment.d * ratio * speed), MIN_PIECE_MS))
            for segment in self.video
        )
        edited = replace(self, video=trimmed)._retimed()
        excess = edited.duration_ms - target  # rounding and transitions dropped on shorter neighbours
        return (
            edited.cut_span((edited.duration_ms - excess) / 1000, edited.duration_ms / 1000)
            if excess > 0
            else edited
        )

    def add_music(self, src: str, title: str, vol: float = 0.35, duck: bool = True) -> Timeline:
        """Set the background music (replacing any), faded in and out and ducked under speech."""
        music = MusicSegment(src=src, vol=min(max(vol, 0.0), 1.0), duck=duck)
        return replace(self, music=(music,))._with_track(MUSIC, title=title)._retimed()

    def remove_music(self) -> Timeline:
        """Take the background music out (its empty track stays, as tracks do)."""
        return replace(self, music=())

    def set_transitions(self, kind: TransitionKind | None, d_ms: int = 500) -> Timeline:
        """Put one kind of transition on every cut long enough to carry it (None: hard cuts everywhere)."""
        style = Transition(kind, d_ms) if kind is not None else None
        return self._resegmented(style)

    def add_title(
        self, text: str, pos: Position = "center", start_s: float = 0.0, d_ms: int = 3000
    ) -> Timeline:
        """Show a text overlay; a new title at the same moment and place replaces the old one."""
        start = round(start_s * 1000)
        kept = tuple(title for title in self.titles if (title.st, title.pos) != (start, pos))
        title = TitleSegment(text=text.strip(), st=start, d=d_ms, pos=pos)
        return replace(self, titles=(*kept, title))._with_track(TITLES)._retimed()

    def set_aspect(self, aspect: Aspect, fit: Fit = "blur") -> Timeline:
        """Change the frame shape; `fit`: other shapes are cropped, or shown over a blurred fill."""
        width, height = ASPECT_SIZES[aspect]
        return replace(self, canvas=replace(self.canvas, aspect=aspect, fit=fit, width=width, height=height))

    def set_speed(self, speed: float) -> Timeline:
        """Play everything faster or slower (clamped to 0.25x-4x)."""
        clamped = min(max(speed, SPEED_RANGE[0]), SPEED_RANGE[1])
        return replace(self, canvas=replace(self.canvas, speed=clamped))._retimed()

    def set_volume(self, volume: float) -> Timeline:
        """Set the clips' own sound level (1.0 = as recorded), clamped to 0-4; unmutes."""
        clamped = min(max(volume, VOLUME_RANGE[0]), VOLUME_RANGE[1])
        return replace(self, canvas=replace(self.canvas, volume=round(clamped, 2), mute=False))

    def set_mute(self, mute: bool) -> Timeline:
        """Silence (or restore) the clips' own sound; background music still plays."""
        return replace(self, canvas=replace(self.canvas, mute=mute))

    # ---- keeping positions true ------------------------------------------------------------------------
    def _with_track(self, tt: int, **meta: Any) -> Timeline:
        """Make sure the track is in the layout (a new one goes in order 0, 1, 7), with this meta."""
        index = next((i for i, t in enumerate(self.tracks) if t.tt == tt and t.opaque is None), None)
        if index is None:
            track = Track(tt, {**_TRACK_TITLES[tt], **meta})
            order = [t.tt if t.opaque is None else -1 for t in self.tracks]
            at = next((i for i, other in enumerate(order) if other > tt), len(order))
            return replace(self, tracks=(*self.tracks[:at], track, *self.tracks[at:]))
        if not meta:
            return self
        tracks = list(self.tracks)
        tracks[index] = replace(tracks[index], meta={**tracks[index].meta, **meta})
        return replace(self, tracks=tuple(tracks))

    def _resegmented(self, style: Transition | None) -> Timeline:
        """After the cuts changed: the transition style on every cut, then positions recomputed."""
        speed = self.canvas.speed
        video = [
            replace(segment, tr=style if index else None)
            for index, segment in enumerate(_unwidened(self.video))
        ]
        return replace(self, video=tuple(_widened(video, speed)))._retimed()

    def _retimed(self) -> Timeline:
        """Recompute every `st`/`d`, drop transitions a neighbour is too short for, fit music and titles."""
        speed = self.canvas.speed
        video: list[VideoSegment] = []
        end = 0
        for segment in self.video:
            d = round((segment.out_ms - segment.in_ms) / speed)
            tr = segment.tr if video and segment.tr and min(d, video[-1].d) >= 2 * segment.tr.d else None
            start = end - tr.d if tr else end
            video.append(replace(segment, st=start, d=d, tr=tr))
            end = start + d
        music = tuple(
            replace(m, st=0, d=end, fi=min(m.fi, end // 2), fo=min(m.fo, end // 2)) for m in self.music
        )
        titles = self.titles
        if video:  # before the first clip arrives there is nothing to clip titles to
            titles = tuple(replace(t, d=min(t.d, end - t.st)) for t in titles if t.st < end)
        return replace(self, video=tuple(video), music=music, titles=titles, duration_ms=end)


def _silence_cut(before: VideoSegment, after: VideoSegment) -> bool:
    """Whether the cut between two neighbours removed silence from one clip (and nothing else)."""
    return after.pause > 0 and after.src == before.src and before.out_ms <= after.in_ms


def _unwidened(video: Sequence[VideoSegment]) -> list[VideoSegment]:
    """The segments as silence removal kept them: any borrowed silence given back (see `_widened`)."""
    out = list(video)
    for index in range(1, len(out)):
        before, after = out[index - 1], out[index]
        if not _silence_cut(before, after):
            continue
        borrowed = max(after.pause - (after.in_ms - before.out_ms), 0) // 2
        out[index - 1] = replace(before, out_ms=before.out_ms - borrowed)
        out[index] = replace(after, in_ms=after.in_ms + borrowed)
    return out


def _widened(video: Sequence[VideoSegment], speed: float) -> list[VideoSegment]:
    """Transitions over silence cuts made of that silence: both neighbours extend into the removed pause
    by the transition's length, so the overlap holds only what was cut out and no word is blended."""
    out = list(video)
    for index in range(1, len(out)):
        before, after = out[index - 1], out[index]
        if after.tr is None or not _silence_cut(before, after):
            continue
        length = min(after.tr.d, int(after.pause / 2 / speed))
        if length < MIN_PIECE_MS:
            out[index] = replace(after, tr=None)  # too little silence to borrow: a hard cut
            continue
        borrowed = round(length * speed)
        out[index - 1] = replace(before, out_ms=before.out_ms + borrowed)
        out[index] = replace(after, in_ms=after.in_ms - borrowed, tr=replace(after.tr, d=length))
    return out


def _nearest_aspect(width: int, height: int) -> Aspect:
    """The supported frame shape closest to a clip's own."""
    ratio = width / height
    return min(
        ASPECT_SIZES, key=lambda aspect: abs(ASPECT_SIZES[aspect][0] / ASPECT_SIZES[aspect][1] - ratio)
    )
