"""Bad-take finding over made-up transcripts: earlier takes go, the last take and the rest stay."""

from engine.operations.takes import retake_spans
from engine.speech import Segment, Transcript, Word


def said(*lines: str, gap: float = 0.5) -> Transcript:
    """Each line's words 0.3 s apart, `gap` between lines; one voice-activity span per line."""
    words, speech, cursor = [], [], 0.5
    for line in lines:
        start = cursor
        for text in line.split():
            words.append(Word(text, cursor + 0.02, cursor + 0.28))  # the recogniser starts words late
            cursor += 0.3
        speech.append((start, cursor))
        cursor += gap
    return Transcript("en", cursor, (Segment(0.0, cursor, "en", tuple(words)),), tuple(speech))


def test_a_false_start_is_cut_from_its_first_sound_to_the_retake():
    t = said("hello friends", "so today we", "so today we are going to the market")
    assert retake_spans(t) == [(t.speech[1][0], t.speech[2][0])]


def test_a_cut_off_word_still_matches_its_retake():
    t = said("so today we are go-", "So, today we are going to the market.")
    assert retake_spans(t) == [(t.speech[0][0], t.speech[1][0])]


def test_of_three_takes_the_last_stays():
    t = said("welcome to my channel", "welcome to my channel", "welcome to my channel friends")
    assert retake_spans(t) == [(t.speech[0][0], t.speech[1][0]), (t.speech[1][0], t.speech[2][0])]


def test_emphasis_and_different_sentences_are_not_takes():
    assert retake_spans(said("it is very very good", "and then we go home", "we go to the hills")) == []
