"""The timeline's summary lines (workspace page, undo replies) in the session's words, codes said in words."""

from __future__ import annotations

import re

import pytest

from engine.captions import CaptionSettings, with_captions
from engine.media import MediaInfo
from engine.summary import draft_lines, summary_lines
from engine.timeline import Timeline

CLIP = MediaInfo("a", "a.mp4", "a.mp4", "video", "mp4", 1, duration_s=10.0, width=1920, height=1080)
_DEVANAGARI = re.compile("[\u0900-\u097f]")


def edited() -> Timeline:
    timeline = (
        Timeline()
        .append_clip(CLIP)
        .add_music("builtin:lofi", "Lo-fi")
        .add_title("Urban Dreams", "top")
        .set_aspect("9:16", "auto")
    )
    timeline = with_captions(timeline, CaptionSettings("plain", "top"))
    canvas = {**timeline.canvas.to_json(), "zoom": {"percent": 12}}
    return Timeline.from_draft({**timeline.to_draft(), "m": canvas})


def test_every_line_reads_as_a_sentence_in_english() -> None:
    assert summary_lines(edited(), "en") == [
        "Video: 1 clip, 0–10 s",
        "Background music: Lo-fi at 35 %, 0–10 s",
        'Title "Urban Dreams", 0–3 s',
        "Captions: plain, at the top",
        "Frame: 9:16 (reels, shorts), following your face where one is seen, else over a blurred fill",
        "Punch-in zoom: 12 % on every other jump cut",
    ]


@pytest.mark.parametrize("lang", ["hi", "hi-Latn"])
def test_hindi_sessions_get_no_english_codes(lang: str) -> None:
    lines = summary_lines(edited(), lang)
    assert len(lines) == 6
    text = "\n".join(lines)
    for english in ("following the face", "Captions: plain", "top", "bottom", "auto", "BGM", "punch-ins on"):
        assert english not in text, english
    assert bool(_DEVANAGARI.search(text)) == (lang == "hi")


def test_raw_caption_codes_in_a_draft_are_never_shown() -> None:
    timeline = Timeline().append_clip(CLIP)
    draft = timeline.to_draft()
    draft["m"]["captions"] = {"style": "<b>neon</b>", "pos": "sideways"}
    (captions,) = [line for line in draft_lines(draft, "en") or [] if line.startswith("Captions")]
    assert captions == (
        "Captions: bold, the spoken word highlighted, at the bottom (clear of the app's buttons)"
    )


def test_a_named_track_and_the_users_own_song_are_named() -> None:
    timeline = Timeline().append_clip(CLIP).add_music("f7", "Holi Song")
    draft = timeline.to_draft()
    draft["t"][0]["m"]["title"] = "city timelapse"
    lines = draft_lines(draft, "hi-Latn") or []
    assert lines[:2] == [
        "Video: city timelapse, 0–10 sec",
        "Background music: Holi Song, awaaz 35 %, 0–10 sec",
    ]


@pytest.mark.parametrize(
    "draft", [{"t": ["junk"]}, {"t": [{"tt": "x"}]}, {"m": [1, 2]}, {"t": [{"tt": 0, "sg": [{"in": "a"}]}]}]
)
def test_a_malformed_draft_has_no_lines_rather_than_an_error(draft: dict[str, object]) -> None:
    assert draft_lines(draft, "en") is None


def test_an_empty_draft_has_no_lines() -> None:
    assert draft_lines({}, "en") == []
