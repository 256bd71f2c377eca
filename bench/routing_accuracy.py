"""Routing and language figures of the shipped model (bot/data/router.npz), on data it was not trained on.

Run from the project root: `python -m bench.routing_accuracy`. Prints
- routing accuracy per class and overall on the hand-written held-out set (tests/data/routing_heldout.tsv,
  never trained on or tuned against) and on the held-out 15 % of the corpus, with how many messages would
  be confirmed with buttons instead of routed;
- language accuracy on Hinglish-TOP's test split (English and Hinglish queries) and English read as Hindi;
- the model's load time and the latency of both decisions together per message.
Figures only: nothing here is asserted.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from bot import intents, language, textmodel
from tools.train_router import is_held_out, read_tsv, route_rows

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def routing(title: str, rows: list[tuple[str, str]]) -> None:
    """Accuracy per class: the route taken (a confirmation counts as right when the answer is one of two)."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    asked = 0
    wrong: list[str] = []
    for expected, text in rows:
        decision = intents.route(text)
        total[expected] += 1
        asked += decision.unsure
        if decision.intent == expected or (decision.unsure and expected in (decision.intent, "edit")):
            right[expected] += 1
        else:
            wrong.append(f"    expected {expected}, got {decision.intent}: {text}")
    count = sum(total.values())
    print(f"{title}: {sum(right.values()) / count:.1%} of {count}, {asked} asked with buttons")
    for label in intents.ROUTES:
        if total[label]:
            print(f"  {label:8} {right[label] / total[label]:7.1%}  of {total[label]}")
    print("\n".join(wrong[:25]))


def languages() -> None:
    """Hinglish-TOP test: English queries must read as English, Hinglish ones as Hindi (Roman)."""
    rows = read_tsv(DATA / "hinglish_top_test.tsv")
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for row in rows:
        got = language.detect_language(row["text"])
        total[row["style"]] += 1
        right[row["style"]] += got == row["style"]
    print(f"language, Hinglish-TOP test ({len(rows)} queries)")
    for style in sorted(total):
        print(f"  {style:8} {right[style] / total[style]:7.1%}  of {total[style]}")
    english_as_hindi = sum(
        1 for row in rows if row["style"] == "en" and language.detect_language(row["text"]) != "en"
    )
    print(f"  English read as Hindi: {english_as_hindi}")


def latency() -> None:
    """Model load time, then both decisions on every held-out message."""
    textmodel.load.cache_clear()
    start, cpu = time.perf_counter(), time.process_time()
    textmodel.load()
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    print(f"model load: {used * 1000:.0f} ms CPU, {wall * 1000:.0f} ms wall")
    texts = [row["text"] for row in read_tsv(DATA / "routing_heldout.tsv")] * 20
    start, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        intents.route(text)
        language.detect_language(text)
    wall = (time.perf_counter() - start) / len(texts)
    used = (time.process_time() - cpu) / len(texts)
    # CPU time is the cost of the decisions; wall time also counts other processes on a shared machine.
    print(f"route + language: {used * 1e6:.0f} µs CPU, {wall * 1e6:.0f} µs wall per message ({len(texts)})")


def main() -> None:
    """Print every figure."""
    held = [(row["route"], row["text"]) for row in read_tsv(DATA / "routing_heldout.tsv")]
    routing("routing, hand-written held-out set", held)
    routing("routing, held-out corpus rows", [row for row in route_rows() if is_held_out(row[1])])
    languages()
    latency()


if __name__ == "__main__":
    main()
