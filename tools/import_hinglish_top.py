"""Copy the queries of Google's Hinglish-TOP (Apache-2.0) into the language corpus.

Run once, from the project root, with a checkout of github.com/google-research-datasets/Hinglish-TOP-Dataset:
`python -m tools.import_hinglish_top PATH`. Only the two query columns are kept (English `en_query`,
romanized Hinglish `cs_query`): train and validation become training data for the language model; the test
split goes to tests/data/ and is never trained on (bench/routing_accuracy.py reports on it).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT / "bot" / "data" / "corpus" / "hinglish_top.tsv"
TEST = ROOT / "tests" / "data" / "hinglish_top_test.tsv"
NOTICE = "# From Google's Hinglish-TOP dataset (Apache-2.0), {splits}: English and Hinglish queries.\n"


def _queries(folder: Path, split: str) -> list[tuple[str, str]]:
    """(style, text) rows of one split: each English query and its code-switched Hinglish version."""
    rows: list[tuple[str, str]] = []
    with (folder / "Dataset" / "Human Annotated Data" / f"{split}.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            for style, column in (("en", "en_query"), ("hi-Latn", "cs_query")):
                text = " ".join(row[column].split())
                if text:
                    rows.append((style, text))
    return rows


def _write(path: Path, splits: str, rows: list[tuple[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(NOTICE.format(splits=splits))
        handle.write("style\ttext\n")
        for style, text in rows:
            handle.write(f"{style}\t{text}\n")


def main() -> None:
    """Write the training file and the test file from a dataset checkout."""
    folder = Path(sys.argv[1])
    _write(TRAIN, "train and validation splits", _queries(folder, "train") + _queries(folder, "validation"))
    _write(TEST, "test split (never trained on)", _queries(folder, "test"))


if __name__ == "__main__":
    main()
