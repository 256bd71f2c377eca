"""Intent routing on every row of tests/data/intent_cases.tsv, and slash commands."""

import csv
from pathlib import Path

import pytest

from bot.intents import classify_intent, command_intent

CASES = Path(__file__).resolve().parents[2] / "data" / "intent_cases.tsv"


def _rows() -> list[dict[str, str]]:
    with CASES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _rows()


def test_case_file_covers_every_intent_in_every_language():
    assert len(ROWS) >= 180
    covered = {(row["expected"], row["lang"]) for row in ROWS}
    languages = ("en", "hinglish", "hi", "zh")
    assert covered == {
        (i, lang) for i in ("export", "credits", "status", "upload", "edit") for lang in languages
    }


@pytest.mark.parametrize(
    ("expected", "text"), [(row["expected"], row["text"]) for row in ROWS], ids=[row["text"] for row in ROWS]
)
def test_classify_intent(expected, text):
    assert classify_intent(text) == expected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("export", "export"),
        ("/export", "export"),
        ("/Export@NemoEditBot", "export"),
        ("download", "export"),
        ("credits", "credits"),
        ("/balance", "credits"),
        ("status", "status"),
        ("/timeline", "status"),
        ("upload", "upload"),
        ("/start", None),
        ("/help", None),
        ("/language", None),
        ("", None),
    ],
)
def test_command_intent(command, expected):
    assert command_intent(command) == expected
