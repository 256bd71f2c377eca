"""Pause removal from voice activity and words, and filler finding: pure over made-up transcripts."""

from collections.abc import Iterable

from engine.operations.fillers import filler_spans
from engine.speech import Segment, Transcript, Word
from engine.speechcut import LEAD_S, TAIL_S, speech_keep_spans


def transcript(
    speech: Iterable[tuple[float, float]], words: Iterable[tuple[str, float, float]] = ()
) -> Transcript:
    segment = Segment(0.0, 10.0, "en", tuple(Word(t, a, b) for t, a, b in words))
    return Transcript("en", 10.0, (segment,) if words else (), tuple(speech))


def test_long_pauses_go_short_ones_stay_with_breath_margins():
    keep = speech_keep_spans(transcript([(1.0, 2.0), (2.3, 3.0), (5.0, 6.0)]))
    assert keep == [(1.0 - LEAD_S, 3.0 + TAIL_S), (5.0 - LEAD_S, 6.0 + TAIL_S)]


def test_a_word_the_voice_detector_missed_is_kept_whole_by_its_core():
    keep = speech_keep_spans(transcript([(1.0, 2.0)], [("hello", 1.0, 2.0), ("soft", 4.0, 4.4)]))
    assert len(keep) == 2 and keep[1][0] <= 4.1 and keep[1][1] >= 4.3


def test_smeared_word_edges_do_not_bridge_a_pause():
    # the recogniser stretched "back" over the pause; its core lies inside the voiced span
    keep = speech_keep_spans(transcript([(1.0, 2.0), (3.0, 4.0)], [("back", 1.5, 2.8), ("to", 3.0, 3.5)]))
    assert len(keep) == 2


def test_a_click_is_not_speech():
    assert speech_keep_spans(transcript([(1.0, 1.1), (3.0, 4.0)])) == [(3.0 - LEAD_S, 4.0 + TAIL_S)]


def test_filler_words_and_wordless_sounds_are_found():
    words = [("So,", 0.5, 0.8), ("basically", 0.9, 1.4), ("we", 2.5, 2.7), ("go", 2.7, 3.0)]
    voiced = [(0.5, 1.4), (1.8, 2.2), (2.5, 3.0), (5.0, 7.0)]  # 1.8-2.2: an "umm"; 5-7: long, no words
    assert filler_spans(transcript(voiced, words)) == [(0.9, 1.4), (1.8, 2.2)]
