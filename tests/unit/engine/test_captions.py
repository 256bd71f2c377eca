"""Caption layout, timing through edits, word fixes, script, and the ASS / SRT the renderer and user get."""

import itertools
import re

import srt

from engine.captions import (
    DEFAULT_SAFE,
    MAX_FIXES,
    MAX_LINE_CHARS,
    VERTICAL_SAFE,
    CaptionSettings,
    TimedWord,
    ass_text,
    captions_of,
    layout_cues,
    placed_words,
    shown_words,
    srt_text,
    with_captions,
)
from engine.fonts import SHIPPED, find_font, font_family
from engine.media import MediaInfo
from engine.speech import Segment, Transcript, Word
from engine.summary import summary_lines
from engine.timeline import Timeline


def shipped_family(text: str) -> str:
    """The family of the shipped font that draws `text`, as the renderer finds it."""
    return font_family(find_font(text, (SHIPPED,)))


CLIP = MediaInfo("a", "a.mp4", "a.mp4", "video", "mp4", 1, duration_s=10.0, width=1920, height=1080)


def transcript(*words: tuple[str, float, float]) -> Transcript:
    segment = Segment(words[0][1], words[-1][2], "en", tuple(Word(t, a, b) for t, a, b in words))
    return Transcript("en", 10.0, (segment,))


def timed(text: str, start: float = 0.0, step: float = 0.3) -> list[TimedWord]:
    return [TimedWord(w, start + i * step, start + i * step + 0.25) for i, w in enumerate(text.split())]


def test_settings_live_in_the_draft_and_survive_the_round_trip():
    timeline = with_captions(
        Timeline().append_clip(CLIP), CaptionSettings("plain", "top", "latin", (("a", "b"),))
    )
    again = Timeline.from_draft(timeline.to_draft())
    assert captions_of(again) == CaptionSettings("plain", "top", "latin", (("a", "b"),))
    assert captions_of(with_captions(again, None)) is None
    assert "Captions: plain, at the top" in summary_lines(again, "en")


def test_unknown_values_fall_back_to_the_defaults():
    assert (
        CaptionSettings.from_json({"style": "neon", "pos": "left", "replace": [["", "x"]]})
        == CaptionSettings()
    )


def test_words_follow_the_cuts_and_the_speed():
    spoken = transcript(("one", 1.0, 1.4), ("two", 3.0, 3.4), ("three", 6.0, 6.4), ("four", 8.0, 8.4))
    timeline = Timeline().append_clip(CLIP).cut_span(2.0, 5.0).set_speed(2.0)
    words = placed_words(timeline, {"a": spoken})
    # "two" was cut out; "three" was at 6.0 s, 3 s of source earlier are gone, and it plays twice as fast
    assert [w.text for w in words] == ["one", "three", "four"]
    assert words[1].start_s == 1.5 and words[1].end_s == 1.7


def test_a_word_cut_in_its_middle_goes_and_one_clipped_at_an_edge_keeps_what_plays():
    spoken = transcript(("kept", 0.5, 1.5), ("gone", 4.0, 5.0))
    timeline = Timeline().append_clip(CLIP).keep_spans({"a": [(1.0, 4.4)]})
    words = placed_words(timeline, {"a": spoken})
    assert [(w.text, w.start_s, w.end_s) for w in words] == [("kept", 0.0, 0.5)]


def test_cues_have_at_most_two_lines_of_32_characters_and_break_at_pauses_and_sentences():
    words = timed("so today I want to show you the easiest way to make chai at home with just four things")
    words += timed("Really. It works", start=words[-1].end_s + 1.0)
    cues = layout_cues(words)
    for cue in cues:
        assert len(cue.lines) <= 2
        assert all(len(" ".join(w.text for w in line)) <= MAX_LINE_CHARS for line in cue.lines)
    texts = [[w.text for w in cue.words] for cue in cues]
    assert texts[-3][-1] == "things" and texts[-2] == ["Really."]  # the pause ended a cue
    assert texts[-1] == ["It", "works"]  # and so did the sentence
    assert all(a.end_s <= b.start_s for a, b in itertools.pairwise(cues))


def test_fixes_replace_whole_words_in_any_case_and_keep_punctuation():
    words = [TimedWord("dilli,", 0, 1), TimedWord("Dilliwale", 1, 2), TimedWord("DILLI", 2, 3)]
    shown = shown_words(words, CaptionSettings(replace=(("Dilli", "Delhi"),)))
    assert [w.text for w in shown] == ["Delhi,", "Dilliwale", "Delhi"]


def test_hinglish_sessions_get_roman_letters_and_hindi_ones_keep_devanagari():
    words = [TimedWord("दिल्ली", 0, 1), TimedWord("chaat", 1, 2)]
    assert [w.text for w in shown_words(words, CaptionSettings(script="latin"))] == ["dilli", "chaat"]
    assert [w.text for w in shown_words(words, CaptionSettings())] == ["दिल्ली", "chaat"]


def test_bold_style_highlights_each_word_in_turn_plain_style_does_not():
    cues = layout_cues(timed("hello friends welcome back"))
    bold = ass_text(cues, CaptionSettings(), 1080, 1920, shipped_family)
    events = [line for line in bold.splitlines() if line.startswith("Dialogue:")]
    assert len(events) == 4
    highlighted = [m.group(1) for e in events if (m := re.search(r"\{\\c&H0000E6FF&\}(\w+)", e))]
    assert highlighted == ["hello", "friends", "welcome", "back"]
    plain = ass_text(cues, CaptionSettings(style="plain"), 1080, 1920, shipped_family)
    assert plain.count("Dialogue:") == 1 and "\\c&H0000E6FF&" not in plain


def test_placement_keeps_clear_of_the_reels_buttons_on_vertical_frames():
    cues = layout_cues(timed("hello"))
    script = ass_text(cues, CaptionSettings(), 1080, 1920, shipped_family)
    style = next(line for line in script.splitlines() if "Style: Bold" in line)
    *_, alignment, left, right, bottom, _encoding = style.split(",")
    assert (alignment, int(left), int(right)) == (
        "2",
        round(1080 * VERTICAL_SAFE.left),
        round(1080 * VERTICAL_SAFE.right),
    )
    assert int(bottom) == round(1920 * VERTICAL_SAFE.bottom)
    top = ass_text(cues, CaptionSettings(pos="top"), 1920, 1080, shipped_family)
    line = next(line for line in top.splitlines() if "Style: Bold" in line)
    assert line.split(",")[-5] == "8" and int(line.split(",")[-2]) == round(1080 * DEFAULT_SAFE.top)


def test_a_hindi_caption_names_the_font_for_each_script_it_holds():
    """On a machine without system fonts libass has no fallback: an English word in a Hindi cue must name
    the Latin font itself, or it is drawn as boxes."""
    cues = layout_cues([TimedWord("आज", 0, 0.4), TimedWord("Delhi", 0.4, 0.8), TimedWord("में", 0.8, 1.2)])
    script = ass_text(cues, CaptionSettings(style="plain"), 640, 360, shipped_family)
    assert "Style: Plain,Noto Sans Devanagari," in script
    (event,) = [line for line in script.splitlines() if line.startswith("Dialogue:")]
    assert event.endswith("आज {\\fnNoto Sans}Delhi{\\fnNoto Sans Devanagari} में")
    english = ass_text(layout_cues(timed("hello")), CaptionSettings(), 640, 360, shipped_family)
    assert "Style: Bold,Noto Sans," in english and "\\fn" not in english


def test_braces_in_words_cannot_become_ass_override_tags():
    cues = layout_cues([TimedWord("{\\b1}x", 0, 1)])
    assert "{\\b1}" not in ass_text(cues, CaptionSettings(style="plain"), 640, 360, shipped_family)


def test_srt_parses_back_with_the_cue_times_and_lines():
    cues = layout_cues(timed("hello friends welcome back to my channel today we cook something simple"))
    parsed = list(srt.parse(srt_text(cues)))
    assert [p.content for p in parsed] == [cue.text for cue in cues]
    assert parsed[0].start.total_seconds() == cues[0].start_s


def test_caption_fixes_from_a_client_draft_are_pairs_of_short_single_line_texts():
    # A draft comes from any client: junk must not crash the render, nor a newline add its own ASS lines.
    assert CaptionSettings.from_json({"replace": 5}).replace == ()
    assert CaptionSettings.from_json({"replace": ["abc", {"a": "b"}, [1, 2]]}).replace == ()
    fixed = CaptionSettings.from_json({"replace": [["Dilli", "Delhi\nDialogue: 0,x"], ["  ", "gone"]]})
    assert fixed.replace == (("Dilli", "Delhi Dialogue: 0,x"),)
    assert len(CaptionSettings.from_json({"replace": [["a", "b"]] * 500}).replace) == MAX_FIXES


def test_a_clip_switching_from_hindi_to_english_keeps_each_segment_in_its_script():
    hindi = Segment(
        0.0, 1.0, "hi", (Word(" आज", 0.0, 0.4, language="hi"), Word(" दिल्ली", 0.4, 1.0, language="hi"))
    )
    english = Segment(
        1.5, 2.5, "en", (Word(" let's", 1.5, 2.0, language="en"), Word(" go", 2.0, 2.5, language="en"))
    )
    spoken = {"a": Transcript("hi", 10.0, (hindi, english))}
    words = placed_words(Timeline().append_clip(CLIP), spoken)
    devanagari = shown_words(words, CaptionSettings(script="as_spoken"))
    hinglish = shown_words(words, CaptionSettings(script="latin"))
    assert [w.text for w in devanagari] == ["आज", "दिल्ली", "let's", "go"]
    assert [w.text for w in hinglish] == ["aaj", "dilli", "let's", "go"]
