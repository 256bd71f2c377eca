"""Which words a punch-in lands on (engine.emphasis): louder than their own sentence, sparingly."""

import pytest

from engine.emphasis import MIN_GAP_S, MIN_HOLD_S, stressed_phrases
from engine.speech import Segment, Transcript, Word


def sentence(*words: tuple[str, float, float]) -> Segment:
    """Words of 0.3 s every 0.4 s from their start time: (text, start, loudness dB)."""
    spoken = tuple(Word(text, start, start + 0.3, loudness_db=db) for text, start, db in words)
    return Segment(spoken[0].start_s, spoken[-1].end_s, "en", spoken)


def flat(start: float, count: int = 5, db: float = -30.0) -> list[tuple[str, float, float]]:
    return [(f"w{i}", start + 0.4 * i, db) for i in range(count)]


def test_a_word_clearly_louder_than_its_sentence_is_punched_in_on_its_word_boundaries():
    words = flat(0.0)
    words[2] = ("really", 0.8, -20.0)
    (span,) = stressed_phrases(Transcript("en", 10.0, (sentence(*words),)))
    assert span[0] == 0.8  # the stressed word's start
    assert span[1] - span[0] >= MIN_HOLD_S and span[1] == pytest.approx(
        1.5
    )  # held to the end of the next word
    assert stressed_phrases(Transcript("en", 10.0, (sentence(*flat(0.0)),))) == []


def test_a_small_rise_is_not_emphasis():
    words = flat(0.0)
    words[2] = ("meh", 0.8, -27.0)
    assert stressed_phrases(Transcript("en", 10.0, (sentence(*words),))) == []


def test_loudness_counts_against_the_sentence_not_the_clip():
    quiet, loud = flat(0.0, db=-40.0), flat(3.0, db=-20.0)  # the speaker came closer to the phone
    assert stressed_phrases(Transcript("en", 10.0, (sentence(*quiet), sentence(*loud)))) == []


def test_consecutive_stressed_words_are_one_phrase():
    words = flat(0.0, 6)
    words[1], words[2] = ("so", 0.4, -18.0), ("good", 0.8, -19.0)
    ((start, end),) = stressed_phrases(Transcript("en", 10.0, (sentence(*words),)))
    assert start == 0.4 and end == pytest.approx(1.1)


def test_punch_ins_are_sparing_the_stronger_of_two_close_ones_wins():
    words = flat(0.0, 10)
    words[1], words[4] = ("big", 0.4, -22.0), ("huge", 1.6, -15.0)  # 1.2 s apart: one punch-in
    words[9] = ("wow", 3.6, -20.0)
    spans = stressed_phrases(Transcript("en", 10.0, (sentence(*words),)))
    assert [start for start, _ in spans] == [1.6]  # "wow" starts 2.0 s after "huge", inside the gap
    far = flat(0.0, 5) + flat(MIN_GAP_S + 1, 5)
    far[1], far[7] = ("one", 0.4, -20.0), ("two", far[7][1], -20.0)
    assert len(stressed_phrases(Transcript("en", 10.0, (sentence(*far),)))) == 2


def test_short_sentences_and_transcripts_without_loudness_have_no_emphasis():
    assert (
        stressed_phrases(Transcript("en", 10.0, (sentence(("no", 0.0, -10.0), ("way", 0.4, -30.0)),))) == []
    )
    old = Segment(0.0, 2.0, "en", tuple(Word(f"w{i}", i * 0.4, i * 0.4 + 0.3) for i in range(5)))
    assert stressed_phrases(Transcript("en", 10.0, (old,))) == []
