"""Retrain the router and language model (bot/data/router.npz) and print held-out accuracy per class.

Run from the project root: `python -m tools.train_router` (a few seconds, numpy only). Data:
- routes: bot/data/corpus/routing_generated.tsv (tools/make_routing_corpus.py), routing_handwritten.tsv
  and the hard cases of tests/data/intent_cases.tsv;
- writing styles: the same rows (en, hi = Devanagari, hi-Latn = romanized Hinglish), Hinglish-TOP's train
  and validation queries (bot/data/corpus/hinglish_top.tsv) and the `tune` rows of
  tests/data/language_cases.tsv.
A fixed 15 % of the corpus rows (chosen by a hash of the text; the hard-case table is always trained on)
is held out: the shipped model never sees it, so the figures printed here and by
bench/routing_accuracy.py are on unseen messages. The hand-written tests/data/routing_heldout.tsv and
Hinglish-TOP's test split are never read by this script.
"""

from __future__ import annotations

import csv
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot import textmodel

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bot" / "data" / "corpus"
TESTS = ROOT / "tests" / "data"
ROUTES = ("export", "credits", "status", "upload", "edit")
STYLES = ("en", "hi", "hi-Latn")
HELD_OUT_PERCENT = 15
MIN_COUNT = 2
EPOCHS = 300
L2 = 1e-5

Rows = list[tuple[str, str]]


def read_tsv(path: Path) -> list[dict[str, str]]:
    """The rows of a corpus file, skipping `#` comment lines."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def is_held_out(text: str) -> bool:
    """The fixed held-out share, by a hash of the text (stable across runs and machines)."""
    return zlib.crc32(text.strip().lower().encode()) % 100 < HELD_OUT_PERCENT


def _intent_case_style(lang: str) -> str | None:
    return {"en": "en", "hi": "hi", "hinglish": "hi-Latn"}.get(lang)


def route_rows() -> Rows:
    """(route, text) for every corpus row."""
    return [
        (r["route"], r["text"])
        for name in ("routing_generated", "routing_handwritten")
        for r in read_tsv(CORPUS / f"{name}.tsv")
    ]


def hard_case_rows() -> Rows:
    """The table of hard cases (tests/data/intent_cases.tsv): always trained on, each a past miss."""
    return [(r["expected"], r["text"]) for r in read_tsv(TESTS / "intent_cases.tsv")]


def style_rows() -> Rows:
    """(style, text) for every row whose writing style is known."""
    rows = [
        (r["style"], r["text"])
        for name in ("routing_generated", "routing_handwritten")
        for r in read_tsv(CORPUS / f"{name}.tsv")
        if r["style"] in STYLES
    ]
    rows += [
        (style, r["text"])
        for r in read_tsv(TESTS / "intent_cases.tsv")
        if (style := _intent_case_style(r["lang"])) is not None
    ]
    rows += [(r["style"], r["text"]) for r in read_tsv(CORPUS / "hinglish_top.tsv")]
    for r in read_tsv(TESTS / "language_cases.tsv"):
        if r["split"] == "tune" and r["class"] != "neutral":
            devanagari = any("\u0900" <= ch <= "\u097f" for ch in r["text"])
            rows.append(("en" if r["expected"] == "en" else "hi" if devanagari else "hi-Latn", r["text"]))
    return rows


Sparse = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]


def _matrix(texts: list[str], vocabulary: dict[str, int]) -> Sparse:
    """Feature indices of each text, as CSR-style (indices, row starts)."""
    indices: list[int] = []
    starts = [0]
    for text in texts:
        indices += [vocabulary[f] for f in textmodel.features(text) if f in vocabulary]
        starts.append(len(indices))
    return np.array(indices, dtype=np.int64), np.array(starts, dtype=np.int64)


def fit(rows: Rows, classes: tuple[str, ...], vocabulary: dict[str, int]) -> textmodel.Head:
    """Multinomial logistic regression, class-balanced, full-batch Adam on the sparse features."""
    indices, starts = _matrix([text for _, text in rows], vocabulary)
    labels = np.array([classes.index(label) for label, _ in rows])
    counts = np.bincount(labels, minlength=len(classes)).astype(np.float64)
    sample_weight = (len(labels) / (len(classes) * np.maximum(counts, 1)))[labels]
    lengths = np.diff(starts)
    row_of = np.repeat(np.arange(len(rows)), lengths)
    weights = np.zeros((len(vocabulary), len(classes)))
    bias = np.zeros(len(classes))
    moments = [np.zeros_like(weights), np.zeros_like(weights), np.zeros_like(bias), np.zeros_like(bias)]
    onehot = np.eye(len(classes))[labels]
    rate, beta1, beta2 = 0.05, 0.9, 0.999
    for step in range(1, EPOCHS + 1):
        # Per-class bincounts: the sparse matrix products, without a sparse-matrix library.
        gathered = weights[indices]
        scores = np.stack(
            [np.bincount(row_of, gathered[:, c], minlength=len(rows)) for c in range(len(classes))], axis=1
        ).astype(np.float64)
        scores = scores + bias
        scores -= scores.max(axis=1, keepdims=True)
        shares = np.exp(scores)
        shares /= shares.sum(axis=1, keepdims=True)
        delta = (shares - onehot) * sample_weight[:, None] / len(rows)
        spread = delta[row_of]
        grad_w = np.stack(
            [np.bincount(indices, spread[:, c], minlength=len(vocabulary)) for c in range(len(classes))],
            axis=1,
        ).astype(np.float64)
        grad_w = grad_w + L2 * weights
        grad_b = delta.sum(axis=0)
        pairs = ((weights, grad_w, moments[0], moments[1]), (bias, grad_b, moments[2], moments[3]))
        for param, grad, m, v in pairs:
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            param -= rate * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + 1e-8)
    return textmodel.Head(classes, weights.astype(np.float32), bias.astype(np.float32))


def vocabulary_of(texts: list[str]) -> list[str]:
    """Features seen at least MIN_COUNT times, in a stable order."""
    counted = Counter(f for text in texts for f in set(textmodel.features(text)))
    return sorted(name for name, count in counted.items() if count >= MIN_COUNT)


def report(title: str, head: textmodel.Head, model: textmodel.Model, rows: Rows) -> None:
    """Print accuracy per class and overall."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for label, text in rows:
        shares = head.probabilities(model.indices(text))
        total[label] += 1
        right[label] += max(shares, key=shares.__getitem__) == label
    print(f"{title}: {sum(right.values()) / max(1, sum(total.values())):.1%} of {sum(total.values())}")
    for label in head.classes:
        if total[label]:
            print(f"  {label:8} {right[label] / total[label]:7.1%}  of {total[label]}")


def main() -> None:
    """Train on the non-held-out rows, save, and print held-out figures."""
    routes, styles = route_rows(), style_rows()
    train_routes = [row for row in routes if not is_held_out(row[1])] + hard_case_rows()
    train_styles = [row for row in styles if not is_held_out(row[1])]
    names = vocabulary_of([text for _, text in train_routes + train_styles])
    vocabulary = {name: index for index, name in enumerate(names)}
    route = fit(train_routes, ROUTES, vocabulary)
    style = fit(train_styles, STYLES, vocabulary)
    textmodel.save(textmodel.MODEL_PATH, names, {"route": route, "style": style})
    textmodel.load.cache_clear()
    model = textmodel.load()
    print(f"vocabulary {len(names)} features; {len(train_routes)} routes, {len(train_styles)} styles trained")
    report("routes, held-out corpus rows", model.route, model, [r for r in routes if is_held_out(r[1])])
    report("styles, held-out corpus rows", model.style, model, [r for r in styles if is_held_out(r[1])])


if __name__ == "__main__":
    main()
