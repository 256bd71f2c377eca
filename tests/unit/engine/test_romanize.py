"""Devanagari becomes the Roman letters Hinglish speakers type, not a scholarly transliteration."""

import pytest

from engine.romanize import romanize

CASES = [
    ("आज हम दिल्ली की चाट खाएंगे", "aaj ham dilli ki chaat khaaenge"),
    ("नमस्ते दोस्तों", "namaste doston"),
    ("मेरा नाम राहुल है", "mera naam raahul hai"),
    ("धड़कन", "dhadkan"),
    ("ज़िंदगी", "zindgi"),
    ("देखने के लिए धन्यवाद।", "dekhne ke lie dhanyavaad."),
    ("२०२४ में Reels", "2024 men Reels"),
]


@pytest.mark.parametrize(("hindi", "roman"), CASES)
def test_words_read_as_people_type_them(hindi, roman):
    assert romanize(hindi) == roman


def test_no_scholarly_marks_or_capitals_appear():
    text = romanize("पहाड़ों पर चलेंगे और गाना गाएंगे")
    assert text.isascii() and text == text.lower()
