"""GUI-text translation on every row of tests/data/guitext_cases.tsv, and the trailing-glitch filter.

In the case file, `=` means "unchanged", `\\n` a line break, and `{gui.key}` / `{gui.key|action=X}` the
catalog message in the row's language, so the rows pin behaviour and not the catalog's wording.
"""

import csv
import re
from pathlib import Path

import pytest

from bot.i18n import translate
from worker.guitext import GuiText, strip_trailing_glitch, translate_gui_text

CASES = Path(__file__).resolve().parents[2] / "data" / "guitext_cases.tsv"
PLACEHOLDER = re.compile(r"\{(gui\.\w+)(?:\|action=([^}]*))?\}")


def _rows() -> list[dict[str, str]]:
    with CASES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _expected(row: dict[str, str]) -> GuiText:
    text = row["input"] if row["expected"] == "=" else row["expected"]
    text = PLACEHOLDER.sub(lambda m: translate(row["lang"], m[1], action=m[2] or ""), text)
    return GuiText(text.replace("\\n", "\n"), row["export"] == "1", row["status"] == "1")


ROWS = _rows()


@pytest.mark.parametrize("row", ROWS, ids=[row["input"][:50] for row in ROWS])
def test_translate_gui_text(row):
    assert translate_gui_text(row["input"].replace("\\n", "\n"), row["lang"]) == _expected(row)


def test_no_gui_word_reaches_the_user_in_any_language():
    for lang in ("en", "hi", "hi-Latn"):
        for row in ROWS:
            if row["expected"] != "=":
                out = translate_gui_text(row["input"].replace("\\n", "\n"), lang).text
                assert not re.search(r"\bclick|\bdrag|\bpanel\b|点击|拖拽|打开|क्लिक", out, re.IGNORECASE), out


def test_hints_come_in_the_session_language():
    message = "Your video is ready! Click [Export] to download it."
    assert translate_gui_text(message, "hi").text.endswith(translate("hi", "gui.export_hint"))
    assert translate("hi", "gui.export_hint") != translate("en", "gui.export_hint")


def test_hinglish_sessions_get_hints_in_roman_script():
    # The agent of a Hindi session writes Devanagari ("एक्सपोर्ट बटन"); a Roman-script user reads the hint.
    out = translate_gui_text("वीडियो तैयार है। एक्सपोर्ट बटन दबाइए।", "hi-Latn")
    assert out.wants_export and out.text.endswith(translate("hi-Latn", "gui.export_hint"))
    assert translate("hi-Latn", "gui.export_hint").startswith("Video paane ke liye")


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Music added.", "I encountered a temporary issue."], ["Music added."]),
        (["Music added.", "I encountered a temporary issue. Please try again.", ""], ["Music added."]),
        (["Music added. I encountered a temporary issue."], ["Music added."]),
        (["Music added.", "Sorry, I’ve encountered a temporary issue!"], ["Music added."]),
        (["I encountered a temporary issue."], ["I encountered a temporary issue."]),
        (["I encountered a temporary issue.", ""], ["I encountered a temporary issue.", ""]),
        (
            ["I encountered a temporary issue.", "Music added."],
            ["I encountered a temporary issue.", "Music added."],
        ),
        (["Music added.", "Subtitles added."], ["Music added.", "Subtitles added."]),
        ([], []),
    ],
)
def test_strip_trailing_glitch(texts, expected):
    assert strip_trailing_glitch(texts) == expected
