"""The voice clean-up family: "awaaz saaf karo", "remove the background noise", "आवाज़ साफ़ करो".

Clean-up is a switch in the draft (`m.voice_clean`); the renderer's final mix runs the clips' own sound
through `VOICE_CHAIN` before the music and the loudness normalisation: a high-pass under the voice's range
(rumble, handling, wind), FFmpeg's FFT denoiser tracking the noise floor as it changes (street noise, fans),
and a gentle compressor that evens the voice out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from engine.operations import Outcome
from engine.timeline import Timeline

PHRASES = Path(__file__).resolve().parent.parent / "data" / "audio.json"
# nf=-20: phone noise is loud (street, fans); a -35 dB noise-floor guess leaves most of it in
VOICE_CHAIN = (
    "highpass=f=90,afftdn=nr=30:nf=-20:tn=1,acompressor=threshold=0.125:ratio=2:attack=10:release=200"
)
_EDGE = r"[\w\u0900-\u097f]"


@dataclass(frozen=True)
class CleanVoice:
    """Clean up the clips' own sound (`on`), or play it as recorded."""

    on: bool = True
    tool: ClassVar[str] = "clean_voice"


@cache
def _pattern(group: str) -> re.Pattern[str]:
    phrases: dict[str, Any] = json.loads(PHRASES.read_text(encoding="utf-8"))
    return re.compile(rf"(?<!{_EDGE})(?:{'|'.join(phrases[group])})(?!{_EDGE})")


def read(text: str, original: str) -> list[CleanVoice] | None:
    """[CleanVoice] when the clause asks to clean the sound or remove noise, else None."""
    noise = _pattern("noise").search(text) is not None
    clean = _pattern("clean").search(text) is not None
    sound = _pattern("sound").search(text) is not None
    if not (noise and (clean or _pattern("remove").search(text))) and not (sound and clean):
        return None
    return [CleanVoice(on=_pattern("undo").search(text) is None)]


def voice_clean(timeline: Timeline) -> bool:
    """Whether the timeline's own sound is cleaned up."""
    return bool(timeline.canvas.extra.get("voice_clean"))


def apply(op: CleanVoice, timeline: Timeline) -> Outcome:
    """Switch the clean-up on or off."""
    extra = {key: value for key, value in timeline.canvas.extra.items() if key != "voice_clean"}
    if op.on:
        extra["voice_clean"] = True
    edited = replace(timeline, canvas=replace(timeline.canvas, extra=extra))
    return Outcome(edited, "edit.voice_clean" if op.on else "edit.voice_raw")
