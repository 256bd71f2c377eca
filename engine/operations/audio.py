"""The audio family: background music, the clips' own volume, mute, and voice clean-up.

"lofi music daalo", "use my song", "music hatao", "awaaz kam karo", "volume 150%", "mute karo",
"awaaz saaf karo", "remove the background noise", "आवाज़ साफ़ करो".

Clean-up is a switch in the draft (`m.voice_clean`); the renderer's final mix runs the clips' own sound
through `VOICE_CHAIN` before the music and the loudness normalisation: a high-pass under the voice's range
(rumble, handling, wind), FFmpeg's FFT denoiser tracking the noise floor as it changes (street noise, fans),
and a gentle compressor that evens the voice out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar, Literal

from engine.operations.family import Family, Inputs, Outcome
from engine.phrasebook import Clause, family_pattern, table
from engine.spokentime import percent_in
from engine.timeline import BUILTIN_MUSIC, Timeline
from engine.words import say

Mood = Literal["lofi", "upbeat", "calm"]
PHRASES = Path(__file__).resolve().parent.parent / "data" / "audio.json"
# nf=-20: phone noise is loud (street, fans); a -35 dB noise-floor guess leaves most of it in
VOICE_CHAIN = (
    "highpass=f=90,afftdn=nr=30:nf=-20:tn=1,acompressor=threshold=0.125:ratio=2:attack=10:release=200"
)
VOLUME_STEP = {"up": 1.5, "down": 0.6}


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
class CleanVoice:
    """Clean up the clips' own sound (`on`), or play it as recorded."""

    on: bool = True
    tool: ClassVar[str] = "clean_voice"


AudioOperation = AddMusic | RemoveMusic | ChangeVolume | Mute | CleanVoice


# ---- reading ---------------------------------------------------------------------------------------------
def _pattern(group: str) -> re.Pattern[str]:
    return family_pattern(PHRASES, group)


def claim(clause: Clause) -> list[AudioOperation] | None:
    """[CleanVoice] when the clause asks to clean the sound or remove noise, else None."""
    text = clause.text
    noise = _pattern("noise").search(text) is not None
    clean = _pattern("clean").search(text) is not None
    sound = _pattern("sound").search(text) is not None
    if not (noise and (clean or _pattern("remove").search(text))) and not (sound and clean):
        return None
    return [CleanVoice(on=_pattern("undo").search(text) is None)]


def read(clause: Clause, found: Sequence[Any]) -> list[AudioOperation]:
    """Music, or else the clips' own sound, in a clause other families may share."""
    if clause.has("music.nouns") or clause.has("music.own"):
        return [_music(clause)]
    return _sound(clause)


def _music(clause: Clause) -> AddMusic | RemoveMusic:
    own = clause.has("music.own")
    mood = None if own else table().first_key(clause.text, "music.moods")
    # "remove silences, add lofi music" removes the silences, not the music
    if (clause.has("remove") and not (own or mood or clause.has("silence"))) or clause.has("mute.on"):
        return RemoveMusic()
    percent = percent_in(clause.text)
    level = table().first_key(clause.text, "music.levels")
    volume = percent / 100 if percent is not None else float(level) if level else None
    return AddMusic(mood=mood, own=own, volume=volume)  # type: ignore[arg-type]


def _sound(clause: Clause) -> list[AudioOperation]:
    """The clips' own sound: mute / unmute, or louder / quieter."""
    if clause.has("mute.unmute"):
        return [Mute(on=False)]
    noun = clause.has("volume.nouns")
    if clause.has("mute.on") or (noun and clause.has("remove")):
        return [Mute(on=True)]
    percent = percent_in(clause.text)
    if noun and percent is not None:
        return [ChangeVolume(percent=percent)]
    if (noun and clause.has("volume.up")) or clause.has("volume.alone_up"):
        return [ChangeVolume(direction="up")]
    if (noun and clause.has("volume.down")) or clause.has("volume.alone_down"):
        return [ChangeVolume(direction="down")]
    return []


# ---- applying --------------------------------------------------------------------------------------------
def voice_clean(timeline: Timeline) -> bool:
    """Whether the timeline's own sound is cleaned up."""
    return bool(timeline.canvas.extra.get("voice_clean"))


def apply(op: AudioOperation, inputs: Inputs) -> Outcome:
    """Apply one audio operation and say what it did."""
    timeline = inputs.timeline
    match op:
        case AddMusic():
            return _add_music(op, inputs)
        case RemoveMusic():
            if not timeline.music:
                return Outcome(timeline, "edit.music_none", ok=False)
            return Outcome(timeline.remove_music(), "edit.music_removed")
        case ChangeVolume():
            level = (
                op.percent / 100
                if op.percent is not None
                else timeline.canvas.volume * VOLUME_STEP[op.direction or "up"]
            )
            edited = timeline.set_volume(level)
            return Outcome(edited, "edit.volume", {"percent": round(edited.canvas.volume * 100)})
        case Mute():
            return Outcome(timeline.set_mute(op.on), "edit.mute" if op.on else "edit.unmute")
        case CleanVoice():
            extra = {key: value for key, value in timeline.canvas.extra.items() if key != "voice_clean"}
            if op.on:
                extra["voice_clean"] = True
            edited = replace(timeline, canvas=replace(timeline.canvas, extra=extra))
            return Outcome(edited, "edit.voice_clean" if op.on else "edit.voice_raw")
    raise AssertionError(f"not an audio operation: {op!r}")


def _add_music(op: AddMusic, inputs: Inputs) -> Outcome:
    """A mood's built-in track, the user's last audio upload, or (neither named) the current music."""
    timeline = inputs.timeline
    current = timeline.music[0] if timeline.music else None
    volume = op.volume if op.volume is not None else 0.35
    if op.own:
        audio = [info for info in inputs.media if info.kind == "audio"]
        if not audio:
            return Outcome(timeline, "edit.music_own_missing", ok=False)
        src, name = audio[-1].file_id, Path(audio[-1].filename).stem
    elif current is not None and not op.mood:
        src, name = current.src, timeline.track_title(1) or current.src
        volume = op.volume if op.volume is not None else current.vol
    else:
        src = f"builtin:{op.mood or 'lofi'}"
        name = BUILTIN_MUSIC[src]
    shown = say(inputs.lang, f"music.{src.removeprefix('builtin:')}") if src in BUILTIN_MUSIC else name
    edited = timeline.add_music(src, name, volume)
    return Outcome(edited, "edit.music", {"name": shown, "percent": round(edited.music[0].vol * 100)})


FAMILY = Family(
    operations=(AddMusic, RemoveMusic, ChangeVolume, Mute, CleanVoice), apply=apply, claim=claim, read=read
)
