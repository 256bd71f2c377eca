"""Times and amounts as people type them: "last 10 sec", "1:30 se 2:00", "pehle paanch second", "40 %".

Pure over normalized text; the units, number words and connectors are in the phrase file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from engine.phrasebook import table


@dataclass(frozen=True)
class SpokenTime:
    """A number in the text: seconds if it had a unit or was a clock time, else a bare value."""

    start: int
    end: int
    value: float
    unit: float | None  # seconds per unit; None for a bare number

    @property
    def seconds(self) -> float:
        return self.value * (self.unit or 1)


@cache
def _time_pattern() -> re.Pattern[str]:
    phrases = table()
    words = phrases.pattern("span.numbers").pattern
    units = "|".join(
        f"(?P<u{key}>{phrases.pattern('span.units', key).pattern})" for key in phrases.group("span.units")
    )
    any_unit = phrases.pattern("span.units").pattern
    number = rf"(?P<num>\d+(?:\.\d+)?)|(?P<word>{words})(?=\s*(?:{any_unit}))"
    return re.compile(rf"(?P<clock>\d{{1,2}}:\d{{2}})(?!\d)|(?:{number})\s*(?:{units})?")


def times_in(text: str) -> list[SpokenTime]:
    """Every time-like number, after setting aside what only looks like one (9:16, 1.5x, 40 %)."""
    phrases = table()
    multiplier = phrases.pattern("speed.multiplier").pattern
    blank = re.sub(rf"\b(?:16:9|9:16|1:1|4:5)\b|\d+(?:\.\d+)?\s*(?:%|percent|{multiplier})", _spaces, text)
    found: list[SpokenTime] = []
    for match in _time_pattern().finditer(blank):
        if match.group("clock"):
            minutes, seconds = match.group("clock").split(":")
            found.append(SpokenTime(match.start(), match.end(), int(minutes) * 60 + int(seconds), 1.0))
            continue
        unit = next((float(k[1:]) for k, v in match.groupdict().items() if k[0] == "u" and v), None)
        if match.group("num"):
            value = float(match.group("num"))
        else:
            value = float(phrases.first_key(match.group("word"), "span.numbers") or 0)
        found.append(SpokenTime(match.start(), match.end(), value, unit))
    return found


def _spaces(match: re.Match[str]) -> str:
    return " " * len(match.group())


def percent_in(text: str) -> int | None:
    """A percentage ("40 %", "40 percent", "40 प्रतिशत"), if the text names one."""
    match = re.search(r"(\d+)\s*(?:%|percent|pratishat|प्रतिशत)", text)
    return int(match.group(1)) if match else None
