"""Which language and script a user writes in: English, Hindi in Devanagari, or romanized "Hinglish".

Two sources of evidence, combined in `_decide`: the style head of the trained model (`bot/textmodel.py`,
trained on Hinglish-TOP and the routing corpus: it knows verbs no list has, "song bajao", "hatwa do") and
the curated grammar lexicon described below, which keeps bare content phrases from deciding alone.

General-purpose detectors label Hinglish as English, because it is written in Latin letters and full of
English nouns ("bhai background music hata do"). So this module scores *grammar*, not vocabulary: Hindi
function words and verb forms from a curated list (`data/hinglish.txt`) against English function words
(`data/english.txt`). Content words ("video", "music", "add") are typed by both and count for neither.
Words that exist in both languages ("to", "do", "me", "main") count for Hindi only when the text already
has unambiguous Hindi in it. Telegram's `language_code` is only a tie-breaker: many Indian users' phones
say "en".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from bot import textmodel
from bot.models import Lang, LangSource
from bot.textmodel import without_titles

DATA_DIR = Path(__file__).resolve().parent / "data"

_STRONG = 1.0
_WEAK = 0.5
_AMBIGUOUS = 0.5
_ENGLISH = 1.0
_MODEL_SURE_HINGLISH = 0.8
_MODEL_ALONE = 0.95
_MODEL_SURE_ENGLISH = 0.8

_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
# Devanagari letters and signs, without the danda punctuation (U+0964-5) and the digits (U+0966-F).
_DEVANAGARI_WORD = re.compile(r"[\u0900-\u0963\u0970-\u097f]+")
# Content rather than language: quoted text ('add the text "Chalo Goa!"') and runs of capitalized words
# after the first word, the way titles are typed ("Use Tum Hi Ho as the background song").
_CONTENT = re.compile(r'"[^"]*"|“[^”]*”|«[^»]*»|(?<=\S )[A-Z][a-z\']+(?: [A-Z][a-z\']+)+')
_ELONGATED = re.compile(r"([a-z])\1{2,}")


@dataclass(frozen=True)
class Evidence:
    """Points for Hindi and for English found in one text."""

    hindi: float
    english: float


def read_word_sections(path: Path) -> dict[str, frozenset[str]]:
    """Parse a word-list file: `[section]` headers, one word per line, `#` comments."""
    sections: dict[str, set[str]] = {}
    current: set[str] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], set())
        elif current is None:
            raise ValueError(f"{path.name}: word {line!r} before any [section]")
        else:
            current.add(line.lower())
    return {name: frozenset(words) for name, words in sections.items()}


@cache
def _weak_words() -> re.Pattern[str]:
    """The weak Hindi words as one pattern (whole words, any case)."""
    words = sorted(read_word_sections(DATA_DIR / "hinglish.txt")["weak"])
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)


@cache
def _lexicon() -> dict[str, tuple[str, float]]:
    """Each known word with its language ("hi", "en", "ambiguous") and weight; loaded once."""
    hinglish = read_word_sections(DATA_DIR / "hinglish.txt")
    english = read_word_sections(DATA_DIR / "english.txt")
    lexicon: dict[str, tuple[str, float]] = {}
    for word in english["grammar"]:
        lexicon[word] = ("en", _ENGLISH)
    for word in hinglish["ambiguous"]:
        lexicon[word] = ("ambiguous", _AMBIGUOUS)
    for word in hinglish["weak"]:
        lexicon[word] = ("hi", _WEAK)
    for word in hinglish["strong"]:
        lexicon[word] = ("hi", _STRONG)
    return lexicon


def _lookup(word: str) -> tuple[str, float] | None:
    """The lexicon entry of `word`, also trying chat elongations ("nahiii", "yaaar") squeezed."""
    lexicon = _lexicon()
    if word in lexicon:
        return lexicon[word]
    if len(set(word)) == 1:  # "aaaaa", "hmmm": a sound, not a word
        return None
    for squeezed in (_ELONGATED.sub(r"\1\1", word), _ELONGATED.sub(r"\1", word)):
        if squeezed in lexicon:
            return lexicon[squeezed]
    return None


def weigh(text: str) -> Evidence:
    """Count the Hindi and English evidence in `text`, setting titles and quotes aside in English text."""
    without_content = _count(_CONTENT.sub(" ", text))
    return without_content if without_content.english > 0 else _count(text)


def _count(text: str) -> Evidence:
    lowered = text.lower().replace("’", "'")
    hindi = float(len(_DEVANAGARI_WORD.findall(lowered)))
    english = 0.0
    ambiguous = 0.0
    for word in _LATIN_WORD.findall(lowered):
        entry = _lookup(word)
        if entry is None:
            continue
        language, weight = entry
        if language == "hi":
            hindi += weight
        elif language == "en":
            english += weight
        else:
            ambiguous += weight
    if hindi >= _STRONG:
        hindi += ambiguous
    return Evidence(hindi=hindi, english=english)


def _decide(text: str) -> Lang | None:
    """The style `text` is written in, or None when it says too little ("ok", "export", "9:16")."""
    untitled = without_titles(text)
    evidence = weigh(untitled)
    content = _CONTENT.sub(" ", untitled)
    if _DEVANAGARI_WORD.search(content.lower()) and evidence.hindi > evidence.english:
        return "hi"
    model = textmodel.load()
    # Forms of address ("bhai", "yaar") are typed in English too: they must not decide through the model.
    shares = model.style.probabilities(model.indices(_weak_words().sub(" ", content)))
    latin = shares["en"] + shares["hi-Latn"]
    hinglish = shares["hi-Latn"] / latin if latin else 0.5
    # The model knows verbs and paraphrases no list has ("song bajao", "music add karo at the start"); the
    # lexicon's grammar words keep a bare content phrase ("remove background music") from deciding alone.
    if hinglish >= _MODEL_SURE_HINGLISH and (evidence.hindi > 0 or hinglish >= _MODEL_ALONE):
        return "hi-Latn"
    if 1 - hinglish >= _MODEL_SURE_ENGLISH and evidence.english >= _ENGLISH:
        return "en"
    if evidence.hindi != evidence.english and max(evidence.hindi, evidence.english) >= 1.0:
        return "hi-Latn" if evidence.hindi > evidence.english else "en"
    return None


def is_decisive(text: str) -> bool:
    """Whether `text` says enough about its language to count as a vote for switching the session's."""
    return _decide(text) is not None


def hinted_language(hint: str | None) -> Lang:
    """The language a channel's hint (Telegram's `language_code`, "hi-IN") suggests: Hindi or English."""
    return "hi" if (hint or "").split("-")[0].lower() == "hi" else "en"


def detect_language(text: str, hint: str | None = None) -> Lang:
    """The reply style for `text`: "en", "hi" (Devanagari) or "hi-Latn" (Hinglish in Roman letters).

    `hint` decides only when the text does not.
    """
    decided = _decide(text)
    if decided is not None:
        return decided
    evidence = weigh(without_titles(text))  # weak evidence still beats the hint: "kk done h?"
    if evidence.hindi != evidence.english:
        if evidence.hindi < evidence.english:
            return "en"
        return "hi" if _DEVANAGARI_WORD.search(text) else "hi-Latn"
    return hinted_language(hint)


def backend_lang(lang: Lang) -> str:
    """The backend session's language: "hi" for both Hindi styles (the profile knows no scripts)."""
    return "hi" if lang.startswith("hi") else lang


@dataclass(frozen=True)
class LanguageState:
    """A chat's reply style, where it came from, and a pending vote for another style."""

    lang: Lang
    source: LangSource
    pending: Lang | None = None


def follow_language(state: LanguageState, text: str, hint: str | None) -> LanguageState:
    """The chat's language after one message: sticky against one-off words, following a clear switch.

    The first decisive message sets the style; after that it takes two decisive messages in another style
    (with no decisive message in the current style between them) to switch, so an "ok" or an "export"
    never flips it. A style picked with /language stays until the user picks another.
    """
    if state.source == "chosen":
        return state
    decided = _decide(text) if text else None
    if state.source == "hint":
        if decided is not None:
            return LanguageState(decided, "detected")
        return replace(state, lang=hinted_language(hint)) if hint else state
    if decided is None:
        return state
    if decided == state.lang:
        return replace(state, pending=None)
    if state.pending == decided:
        return LanguageState(decided, "detected")
    return replace(state, pending=decided)
