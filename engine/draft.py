"""The draft's parts as frozen dataclasses, read from and written to the profile's short keys.

`shared/nemo-protocol.md` §4: `m` canvas settings, segments with `src`, `in`/`out` (positions in the source
clip), `st`/`d` (on-screen positions), `tr` (the transition INTO a segment). Every dataclass keeps the keys
it does not know in `extra` and writes them back untouched, because a draft may come from a newer engine or
from NemoVideo. The edits on the whole draft are in `engine.timeline`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

Aspect = Literal["16:9", "9:16", "1:1"]
Fit = Literal["blur", "crop", "face", "auto"]  # face/auto: follow the face (engine.operations.frame)
TransitionKind = Literal["fade", "fadeblack", "dissolve", "wipeleft", "slideleft", "circleopen"]
Position = Literal["top", "center", "bottom"]
Json = dict[str, Any]
MAX_BLEND_MS = 50  # a longer crossfade of two moments of speech is heard as two voices


def unknown_keys(data: Mapping[str, Any], known: Sequence[str]) -> Json:
    """The keys this model does not edit, deep-copied so the caller's dict and ours never share state."""
    return {key: copy.deepcopy(value) for key, value in data.items() if key not in known}


def to_ms(value: Any, default: int = 0) -> int:
    return round(float(value)) if value is not None else default


@dataclass(frozen=True)
class Canvas:
    """The output frame and the global mix: the draft's top-level `m`."""

    width: int = 1920
    height: int = 1080
    aspect: Aspect = "16:9"
    fit: Fit = "blur"
    loudnorm: bool = True
    mute: bool = False
    volume: float = 1.0
    speed: float = 1.0
    extra: Mapping[str, Any] = field(default_factory=dict)

    _KEYS = ("width", "height", "aspect", "fit", "loudnorm", "mute", "volume", "speed")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Canvas:
        aspect = data.get("aspect", "16:9")
        return cls(
            width=int(data.get("width", 1920)),
            height=int(data.get("height", 1080)),
            aspect=aspect if aspect in get_args(Aspect) else "16:9",
            fit=data["fit"] if data.get("fit") in get_args(Fit) else "blur",
            loudnorm=bool(data.get("loudnorm", True)),
            mute=bool(data.get("mute", False)),
            volume=float(data.get("volume", 1.0)),
            speed=float(data.get("speed", 1.0)) or 1.0,
            extra=unknown_keys(data, cls._KEYS),
        )

    def to_json(self) -> Json:
        known = {key: getattr(self, key) for key in self._KEYS}
        return {**copy.deepcopy(dict(self.extra)), **known}


@dataclass(frozen=True)
class Transition:
    """The transition INTO a segment from the one before it."""

    type: TransitionKind = "fade"
    d: int = 500
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Transition:
        kind = data.get("type", "fade")
        return cls(
            type=kind if kind in get_args(TransitionKind) else "fade",
            d=to_ms(data.get("d"), 500),
            extra=unknown_keys(data, ("type", "d")),
        )

    def to_json(self) -> Json:
        return {**copy.deepcopy(dict(self.extra)), "type": self.type, "d": self.d}


@dataclass(frozen=True)
class VideoSegment:
    """A kept span `[in_ms, out_ms)` of an uploaded clip, placed at `st` for `d` on-screen milliseconds.

    `pause` (draft key `pause`): the milliseconds of silence that silence removal cut out of the same clip
    right before this segment. A transition over that cut borrows its overlap from the removed silence (both
    neighbours are widened into it, `_widened`), so it never blends the speech on either side.
    """

    src: str
    in_ms: int
    out_ms: int
    st: int = 0
    d: int = 0
    tr: Transition | None = None
    pause: int = 0
    blend: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> VideoSegment:
        tr = data.get("tr")
        return cls(
            src=str(data.get("src", "")),
            in_ms=to_ms(data.get("in")),
            out_ms=to_ms(data.get("out")),
            st=to_ms(data.get("st")),
            d=to_ms(data.get("d")),
            tr=Transition.from_json(tr) if isinstance(tr, Mapping) else None,
            pause=max(to_ms(data.get("pause")), 0),
            blend=min(max(to_ms(data.get("blend")), 0), MAX_BLEND_MS),
            extra=unknown_keys(data, ("src", "in", "out", "st", "d", "tr", "pause", "blend")),
        )

    def to_json(self) -> Json:
        out = {**copy.deepcopy(dict(self.extra))}
        out.update({"src": self.src, "in": self.in_ms, "out": self.out_ms, "st": self.st, "d": self.d})
        if self.tr is not None:
            out["tr"] = self.tr.to_json()
        if self.pause:
            out["pause"] = self.pause
        if self.blend:
            out["blend"] = self.blend
        return out


@dataclass(frozen=True)
class MusicSegment:
    """Background music: a built-in track (`builtin:…`) or an uploaded audio file id, ducked under speech."""

    src: str
    st: int = 0
    d: int = 0
    vol: float = 0.35
    duck: bool = True
    fi: int = 1000
    fo: int = 2000
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MusicSegment:
        return cls(
            src=str(data.get("src", "")),
            st=to_ms(data.get("st")),
            d=to_ms(data.get("d")),
            vol=float(data.get("vol", 0.35)),
            duck=bool(data.get("duck", True)),
            fi=to_ms(data.get("fi"), 1000),
            fo=to_ms(data.get("fo"), 2000),
            extra=unknown_keys(data, ("src", "st", "d", "vol", "duck", "fi", "fo")),
        )

    def to_json(self) -> Json:
        known = {"src": self.src, "st": self.st, "d": self.d, "vol": self.vol, "duck": self.duck}
        return {**copy.deepcopy(dict(self.extra)), **known, "fi": self.fi, "fo": self.fo}


@dataclass(frozen=True)
class TitleSegment:
    """A text overlay."""

    text: str
    st: int = 0
    d: int = 3000
    pos: Position = "center"
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TitleSegment:
        pos = data.get("pos", "center")
        return cls(
            text=str(data.get("text", "")),
            st=to_ms(data.get("st")),
            d=to_ms(data.get("d"), 3000),
            pos=pos if pos in get_args(Position) else "center",
            extra=unknown_keys(data, ("text", "st", "d", "pos")),
        )

    def to_json(self) -> Json:
        known = {"text": self.text, "st": self.st, "d": self.d, "pos": self.pos}
        return {**copy.deepcopy(dict(self.extra)), **known}


@dataclass(frozen=True)
class Track:
    """A track's own keys besides its segments; `opaque` holds the segments of a track type we do not edit."""

    tt: int
    meta: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    opaque: tuple[Json, ...] | None = None

    def to_json(self, segments: list[Json]) -> Json:
        out = {**copy.deepcopy(dict(self.extra)), "tt": self.tt, "m": copy.deepcopy(dict(self.meta))}
        out["sg"] = copy.deepcopy(list(self.opaque)) if self.opaque is not None else segments
        return out
