"""What a message asks for: export, credits, status, upload, or an edit for the backend's agent.

The first four are answered without the agent (profile §5: "export" must never reach the stream); all
else is an edit. The rules are a data table (`data/intents.json`) of phrases per intent and language, tried
in priority order. A message that merely *mentions* a keyword inside a request for a change is an edit:
if, besides the matched phrase, the message has a word from the edit guard (a verb that changes
something, a thing on screen, a duration or aspect ratio, a negation), it goes to the agent. So
"add a download button animation", "make the credits roll at the end", "export ke liye 9:16 kar do"
and "abhi export mat karo" are edits, while "export kar do", "send me the video" and "kitne credit bache"
are not.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import cast, get_args

from bot.models import Intent

RULES_PATH = Path(__file__).resolve().parent / "data" / "intents.json"

# Word characters for the boundaries of a phrase: Python's \w misses Devanagari vowel signs and viramas.
_WORD = r"[\w\u0900-\u0963\u0970-\u097f']"
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff]")


@dataclass(frozen=True)
class Rules:
    """The compiled table: phrases per intent in priority order, the edit guard, the slash commands."""

    phrases: tuple[tuple[Intent, re.Pattern[str]], ...]
    edit_guard: re.Pattern[str]
    commands: dict[str, Intent]


def _compile(entries: list[str]) -> re.Pattern[str]:
    """One pattern for a list of entries: whole words, except in Chinese, which has no spaces."""
    alternatives = [
        entry if _CJK.search(entry) else rf"(?<!{_WORD})(?:{entry})(?!{_WORD})"
        for entry in (unicodedata.normalize("NFC", raw) for raw in entries)
    ]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _intent(name: str) -> Intent:
    if name not in get_args(Intent):
        raise ValueError(f"{RULES_PATH.name}: unknown intent {name!r}")
    return cast(Intent, name)


@cache
def rules() -> Rules:
    """The rules table, compiled once."""
    table = json.loads(RULES_PATH.read_text(encoding="utf-8"))
    phrases = tuple(
        (_intent(name), _compile([entry for entries in table["intents"][name].values() for entry in entries]))
        for name in table["priority"]
    )
    guard = _compile([entry for entries in table["edit_guard"].values() for entry in entries])
    commands = {command: _intent(name) for name, names in table["commands"].items() for command in names}
    return Rules(phrases=phrases, edit_guard=guard, commands=commands)


def classify_intent(text: str) -> Intent:
    """The intent of a typed message; anything that is not clearly a command for the bot is an edit."""
    normalized = unicodedata.normalize("NFC", text).replace("’", "'").strip()
    table = rules()
    for intent, pattern in table.phrases:
        if pattern.search(normalized):
            rest = pattern.sub(" ", normalized)
            return "edit" if table.edit_guard.search(rest) else intent
    return "edit"


def command_intent(command: str) -> Intent | None:
    """The intent of a slash command (`/export`, `export@SomeBot`), or None for commands of other kinds."""
    name = command.strip().lstrip("/").split("@", 1)[0].lower()
    return rules().commands.get(name)
