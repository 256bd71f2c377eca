"""The reply style of a chat: hard cases from tests/data/style_cases.tsv, and how a session follows it."""

import csv
from pathlib import Path

import pytest

from bot.language import LanguageState, backend_lang, detect_language, follow_language, is_decisive

CASES = Path(__file__).resolve().parents[2] / "data" / "style_cases.tsv"


def _rows() -> list[dict[str, str]]:
    with CASES.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _rows()


@pytest.mark.parametrize("row", ROWS, ids=[f"{row['text']}|{row['hint']}" for row in ROWS])
def test_hard_cases(row):
    hint = None if row["hint"] == "-" else row["hint"]
    assert detect_language(row["text"], hint) == row["expected"]
    assert is_decisive(row["text"]) is (row["decisive"] == "yes")


def test_both_hindi_styles_are_hindi_to_the_backend():
    assert [backend_lang(lang) for lang in ("en", "hi", "hi-Latn")] == ["en", "hi", "hi"]


def _after(state: LanguageState, *texts: str, hint: str | None = None) -> LanguageState:
    for text in texts:
        state = follow_language(state, text, hint)
    return state


FRESH = LanguageState("en", "hint")


def test_the_first_decisive_message_sets_the_style():
    assert _after(FRESH, "ok", "silence hata do").lang == "hi-Latn"
    assert _after(FRESH, "ok", hint="hi").lang == "hi"  # a hint, until the user says more
    assert _after(FRESH, "ok", "remove the pauses please", hint="hi").lang == "en"


def test_one_off_words_and_a_single_message_in_another_style_do_not_switch():
    english = _after(FRESH, "can you remove the pauses")
    assert _after(english, "ok", "export", "👍", "bhai").lang == "en"
    assert _after(english, "silence hata do").lang == "en"


def test_two_decisive_messages_in_another_style_switch():
    english = _after(FRESH, "can you remove the pauses")
    assert _after(english, "silence hata do", "ok", "music daal do").lang == "hi-Latn"
    assert _after(english, "silence hata do", "साइलेंस हटाओ", "म्यूज़िक डालो").lang == "hi"


def test_a_message_in_the_current_style_cancels_a_pending_switch():
    english = _after(FRESH, "can you remove the pauses")
    assert _after(english, "silence hata do", "now add some music please", "music daal do").lang == "en"


def test_a_chosen_style_is_pinned():
    chosen = LanguageState("hi-Latn", "chosen")
    assert _after(chosen, "can you remove the pauses", "and add some music please") == chosen
