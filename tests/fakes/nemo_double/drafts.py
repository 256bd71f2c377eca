"""The draft (timeline) in the profile's short keys, and the double's keyword rules for edits.

Keys: `t` tracks, `tt` track type (0 video, 1 audio/BGM, 7 text/title), `sg` segments, `d` duration in ms,
`m` metadata. Segments also carry keys the profile does not document (`o`, `fx`), so tests can check a
client passes a draft back without dropping them. The rules are crude on purpose: they only need to make
state change in a way a test (and the bot's "what changed" summary) can see.
"""

from __future__ import annotations

import copy
import re
from typing import Any

Draft = dict[str, Any]

VIDEO, AUDIO, TEXT = 0, 1, 7
_IMAGE_MS = 3000
_BGM_VOLUME = 35

_MUSIC_WORDS = ("music", "bgm", "song", "संगीत", "गाना", "म्यूजिक", "音乐")
_SILENCE_WORDS = ("silence", "silent", "pause", "खामोशी", "चुप्पी", "静音")
_TITLE_WORDS = ("title", "caption", "subtitle", "शीर्षक", "टाइटल", "标题")
_QUOTED = re.compile(r"[\"“'](.+?)[\"”']")


def _track(draft: Draft, track_type: int) -> dict[str, Any] | None:
    return next((t for t in draft.get("t", []) if t.get("tt") == track_type), None)


def _ensure_track(draft: Draft, track_type: int) -> dict[str, Any]:
    track = _track(draft, track_type)
    if track is None:
        track = {"tt": track_type, "sg": []}
        draft.setdefault("t", []).append(track)
    return track


def _video_ms(draft: Draft) -> int:
    video = _track(draft, VIDEO)
    return sum(int(s["d"]) for s in video["sg"]) if video else 0


def _restack(track: dict[str, Any]) -> None:
    """Lay segments end to end and set the track's duration."""
    start = 0
    for segment in track["sg"]:
        segment["s"] = start
        start += int(segment["d"])
    track["d"] = start


def _finish(draft: Draft) -> Draft:
    draft["d"] = max((int(t.get("d", 0)) for t in draft.get("t", [])), default=0)
    return draft


def add_media(draft: Draft, file_info: dict[str, Any]) -> Draft:
    """A new draft with an uploaded file appended: video and images to the video track, audio to BGM."""
    new = copy.deepcopy(draft)
    kind = file_info["file_type"]
    track = _ensure_track(new, AUDIO if kind == "audio" else VIDEO)
    duration_ms = _IMAGE_MS if kind == "image" else int(float(file_info["duration"]) * 1000)
    track["sg"].append(
        {
            "id": f"sg_{sum(len(t['sg']) for t in new['t'])}",
            "n": file_info["filename"],
            "src": file_info["cdn_url"],
            "d": duration_ms,
            "o": 0,
            "fx": [],
        }
    )
    _restack(track)
    meta = new.setdefault("m", {})
    if kind != "audio" and "width" not in meta:
        meta.update(width=file_info["width"], height=file_info["height"])
    return _finish(new)


def apply_instruction(draft: Draft, text: str) -> tuple[Draft, list[str]]:
    """A new draft edited by keyword rules on `text`, and one line per change made."""
    new = copy.deepcopy(draft)
    lowered = text.lower()
    changes: list[str] = []
    if any(w in lowered for w in _MUSIC_WORDS):
        bgm = _ensure_track(new, AUDIO)
        bgm["sg"] = [{"id": "sg_bgm", "n": "Lo-fi", "d": _video_ms(new) or 10_000, "v": _BGM_VOLUME}]
        _restack(bgm)
        changes.append("added background music (Lo-fi, 35%)")
    if any(w in lowered for w in _SILENCE_WORDS) and (video := _track(new, VIDEO)) and video["sg"]:
        for segment in video["sg"]:
            segment["d"] = int(segment["d"]) * 4 // 5
        _restack(video)
        changes.append(f"removed silences, video is now {video['d'] / 1000:.1f} s")
    if any(w in lowered for w in _TITLE_WORDS):
        quoted = _QUOTED.search(text)
        title = quoted.group(1) if quoted else "My Video"
        titles = _ensure_track(new, TEXT)
        titles["sg"] = [{"id": "sg_title", "text": title, "d": 3000}]
        _restack(titles)
        new.setdefault("m", {})["title"] = title
        changes.append(f'added the title "{title}" (0-3 s)')
    meta = new.setdefault("m", {})
    if not changes:
        meta["filter"] = "warm"
        changes.append("applied a warm colour filter")
    meta["rev"] = int(meta.get("rev", 0)) + 1
    return _finish(new), changes


def is_exportable(draft: Any) -> bool:
    """The profile's rule: some track has a non-empty `sg`."""
    return isinstance(draft, dict) and any(t.get("sg") for t in draft.get("t", []) if isinstance(t, dict))
