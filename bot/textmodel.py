"""A small linear text classifier: character and word n-grams → class probabilities, in pure numpy.

Phrase lists cannot keep up with how people paraphrase ("mp4 bhej dena", "kya hua mere video ka?"), so the
router and the language detector are learned from the labelled corpus in `data/corpus/` by
`tools/train_router.py`, which writes `data/router.npz`. This module is the run-time half: the same feature
extraction the trainer uses, and a softmax over summed weights. No training library is needed at run
time; the file loads in a few milliseconds and a decision takes tens of microseconds.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

MODEL_PATH = Path(__file__).resolve().parent / "data" / "router.npz"

# Latin and Devanagari letters (with vowel signs and viramas, which \w misses), digits, apostrophes.
_TOKEN = re.compile(r"[\w\u0900-\u0963\u0970-\u097f']+")
# A title in single (or typographic) quotes is content, not words of the instruction: 'मेरा सफ़र'.
_TITLE = re.compile(r"(?<![\w\u0900-\u097f])'[^']+'(?![\w\u0900-\u097f])|‘[^’]+’|\"[^\"]+\"|“[^”]+”|«[^»]+»")
_ELONGATED = re.compile(r"(\w)\1{2,}")
_NGRAMS = (2, 3, 4)


def normalize(text: str) -> str:
    """NFC, lowercase, straight apostrophes, chat elongations squeezed ("plzzz" → "plzz")."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("`", "'").lower()
    return _ELONGATED.sub(r"\1\1", text)


def without_titles(text: str) -> str:
    """The text with quoted titles replaced by a marker, so their words neither route nor set language."""
    return _TITLE.sub(" qtitle ", text)


def tokens(text: str) -> list[str]:
    """The words of a normalized text."""
    return [token.strip("'") for token in _TOKEN.findall(text) if token.strip("'")]


def features(text: str) -> list[str]:
    """Word unigrams and bigrams, the first word, character 2–4-grams per word, and a length bucket."""
    words = tokens(without_titles(normalize(text)))
    found = [f"w:{word}" for word in words]
    found += [f"b:{a}_{b}" for a, b in itertools.pairwise(words)]
    if words:
        found.append(f"first:{words[0]}")
        found.append(f"last:{words[-1]}")
    for word in words:
        found += _grams(word)
    found.append(f"len:{min(len(words), 6)}")
    return found


@lru_cache(maxsize=65536)
def _grams(word: str) -> tuple[str, ...]:
    """The character n-grams of one word (cached: a chat's words repeat)."""
    padded = f"<{word}>"
    return tuple(f"c:{padded[i : i + size]}" for size in _NGRAMS for i in range(len(padded) - size + 1))


@dataclass(frozen=True)
class Head:
    """One classifier over the shared features: a weight row per feature and a bias per class."""

    classes: tuple[str, ...]
    weights: npt.NDArray[np.float32]
    bias: npt.NDArray[np.float32]

    def probabilities(self, indices: list[int]) -> dict[str, float]:
        """Softmax over the classes for a message given as feature indices."""
        scores = self.weights[indices].sum(axis=0) + self.bias if indices else self.bias.copy()
        scores = np.exp(scores - scores.max())
        shares = scores / scores.sum()
        return {name: float(share) for name, share in zip(self.classes, shares, strict=True)}


@dataclass(frozen=True)
class Model:
    """The trained vocabulary with its two heads: the route of a message and its writing style."""

    vocabulary: dict[str, int]
    route: Head
    style: Head

    def indices(self, text: str) -> list[int]:
        """The known features of `text`."""
        vocabulary = self.vocabulary
        return [vocabulary[name] for name in features(text) if name in vocabulary]


def save(path: Path, vocabulary: list[str], heads: dict[str, Head]) -> None:
    """Write a model (used by the trainer): the vocabulary, and per head its classes, weights, biases."""
    # The vocabulary as one UTF-8 blob: splitting it loads ten times faster than an array of strings.
    blob = "\n".join(vocabulary).encode("utf-8")
    arrays: dict[str, npt.NDArray[np.generic]] = {"vocabulary": np.frombuffer(blob, dtype=np.uint8)}
    for name, head in heads.items():
        arrays[f"{name}_classes"] = np.array(head.classes)
        arrays[f"{name}_weights"] = head.weights.astype(np.float16)
        arrays[f"{name}_bias"] = head.bias.astype(np.float32)
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]


def _head(data: np.lib.npyio.NpzFile, name: str) -> Head:
    return Head(
        classes=tuple(str(c) for c in data[f"{name}_classes"]),
        weights=data[f"{name}_weights"].astype(np.float32),
        bias=data[f"{name}_bias"].astype(np.float32),
    )


@cache
def load(path: Path = MODEL_PATH) -> Model:
    """The shipped model, loaded once per process."""
    with np.load(path) as data:
        names = data["vocabulary"].tobytes().decode("utf-8").split("\n")
        vocabulary = {name: index for index, name in enumerate(names)}
        return Model(vocabulary=vocabulary, route=_head(data, "route"), style=_head(data, "style"))
