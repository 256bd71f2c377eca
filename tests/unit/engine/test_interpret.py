"""The interpreter against real-looking instructions in English, Hindi and Hinglish (tests/data table)."""

from dataclasses import fields
from pathlib import Path

import pytest

from engine.interpret import Unknown, interpret
from engine.operations.audio import AddMusic
from engine.operations.cuts import RemoveSilences, SetTransitions
from engine.operations.text import AddTitle

TABLE = Path(__file__).resolve().parents[2] / "data" / "engine_instructions.tsv"
CASES = [
    tuple(line.split("\t"))
    for line in TABLE.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def describe(op) -> str:
    """The table's notation: the tool, then each field that differs from its default."""
    changed = [f"{f.name}={getattr(op, f.name)}" for f in fields(op) if getattr(op, f.name) != f.default]
    return " ".join([op.tool, *changed])


def test_the_table_covers_three_languages():
    devanagari = [text for text, _ in CASES if any("\u0900" <= ch <= "\u097f" for ch in text)]
    assert len(CASES) >= 80
    assert len(devanagari) >= 15


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text for text, _ in CASES])
def test_instruction_becomes_the_expected_operations(text, expected):
    assert " ; ".join(describe(op) for op in interpret(text)) == expected


def test_several_edits_in_one_hinglish_sentence_keep_their_order():
    ops = interpret("silence hata do, background music daalo, transitions lagao")
    assert ops == [RemoveSilences(), AddMusic(), SetTransitions("fade", 500)]


def test_quoted_title_is_not_split_or_read_as_instructions():
    ops = interpret("add title 'Music, Silence and Me' and add calm music")
    assert ops == [AddTitle("Music, Silence and Me"), AddMusic(mood="calm")]


def test_nukta_spelling_does_not_matter():
    assert interpret("म्यूज़िक डालो") == interpret("म्यूजिक डालो") == [AddMusic()]


def test_unreadable_text_is_never_a_silent_no_op():
    assert interpret("please") == [Unknown("please")]
    assert interpret("   ") == [Unknown("")]
