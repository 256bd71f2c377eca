"""Accuracy of `bot.language.detect_language` on tests/data/language_cases.tsv.

Run from the project root: `python -m bench.language_accuracy`. Prints the accuracy per class of text
(Hinglish, Devanagari, English, Indian English, mixed, no evidence) for each split of rows (tuning,
held-out, adversarial probe), then every misclassified line. tests/unit/bot/test_language.py asserts
its thresholds on the same figures.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.language import detect_language

CASES = Path(__file__).resolve().parent.parent / "tests" / "data" / "language_cases.tsv"


@dataclass(frozen=True)
class Case:
    """One line a user might type, with the language the bot should answer in."""

    expected: str
    kind: str
    split: str
    hint: str | None
    text: str

    @property
    def detected(self) -> str:
        """The language the detector says ("hi" for both Hindi styles: the file's column names languages)."""
        return detect_language(self.text, self.hint).split("-")[0]


def load_cases(path: Path = CASES) -> list[Case]:
    """The rows of the case file (`-` in the hint column means no hint)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Case(
                row["expected"],
                row["class"],
                row["split"],
                None if row["hint"] == "-" else row["hint"],
                row["text"],
            )
            for row in rows
        ]


def accuracy(cases: list[Case]) -> dict[str, float]:
    """The share of correctly detected cases, per class."""
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for case in cases:
        total[case.kind] += 1
        right[case.kind] += case.detected == case.expected
    return {kind: right[kind] / total[kind] for kind in total}


def main() -> None:
    """Print the figures and the misclassified lines."""
    cases = load_cases()
    for split in [*dict.fromkeys(c.split for c in cases), "all"]:
        chosen = [c for c in cases if split in ("all", c.split)]
        figures = accuracy(chosen)
        print(f"{split:5} ({len(chosen)} lines)")
        for kind, share in sorted(figures.items()):
            count = sum(c.kind == kind for c in chosen)
            print(f"  {kind:15} {share:7.1%}  of {count}")
    wrong = [c for c in cases if c.detected != c.expected]
    print(f"misclassified: {len(wrong)}")
    for case in wrong:
        print(f"  [{case.split}/{case.kind}] expected {case.expected}, got {case.detected}: {case.text}")


if __name__ == "__main__":
    main()
