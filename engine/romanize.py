"""Devanagari → the Roman script Hinglish speakers type ("आज हम दिल्ली की चाट" → "aaj hum dilli ki chaat").

Not a scholarly transliteration (ITRANS, IAST): those write "aaja hama dillī kī cāṭa", which nobody reads as
chat. This follows how people write Hindi in WhatsApp: long vowels doubled where they are long (aa, ee→i at a
word's end, oo→u), the inherent "a" dropped at the end of a word and in the middle where Hindi drops it
(schwa deletion: a consonant between two vowelled syllables), nasalisation as "n", nukta letters as z/f.
A small table beats a library here: the Indic transliteration libraries on PyPI produce the scholarly forms.
"""

from __future__ import annotations

import re

_CONSONANTS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n", "च": "ch", "छ": "chh", "ज": "j", "झ": "jh", "ञ": "n",
    "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n", "त": "t", "थ": "th", "द": "d", "ध": "dh", "न": "n",
    "प": "p", "फ": "ph", "ब": "b", "भ": "bh", "म": "m", "य": "y", "र": "r", "ल": "l", "व": "v", "श": "sh",
    "ष": "sh", "स": "s", "ह": "h", "क़": "q", "ख़": "kh", "ग़": "gh", "ज़": "z", "ड़": "d", "ढ़": "rh", "फ़": "f",
    "ळ": "l",
}  # fmt: skip
_VOWELS = {
    "अ": "a", "आ": "aa", "इ": "i", "ई": "ee", "उ": "u", "ऊ": "oo", "ऋ": "ri", "ए": "e", "ऐ": "ai", "ओ": "o",
    "औ": "au", "ऑ": "o",
}  # fmt: skip
_SIGNS = {
    "\u093e": "aa", "\u093f": "i", "\u0940": "ee", "\u0941": "u", "\u0942": "oo", "\u0943": "ri",
    "\u0947": "e", "\u0948": "ai", "\u094b": "o", "\u094c": "au", "\u0949": "o",
}  # fmt: skip
_VIRAMA, _NUKTA, _ANUSVARA, _CANDRABINDU, _VISARGA = "\u094d", "\u093c", "\u0902", "\u0901", "\u0903"
_NUKTA_FORMS = {"क": "क़", "ख": "ख़", "ग": "ग़", "ज": "ज़", "ड": "ड़", "ढ": "ढ़", "फ": "फ़"}
_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_WORD = re.compile("[\u0900-\u097f]+")
_ENDINGS = (("aa", "a"), ("ee", "i"), ("oo", "u"))  # a final long vowel is typed short: "mera", "dilli"


def _syllables(word: str) -> list[list[str]]:
    """[consonant(s), vowel] pairs; vowel "" after a virama, "a" for the inherent vowel, else the sign."""
    out: list[list[str]] = []
    chars = list(word)
    i = 0
    while i < len(chars):
        ch = chars[i]
        if i + 1 < len(chars) and chars[i + 1] == _NUKTA and ch in _NUKTA_FORMS:
            ch = _NUKTA_FORMS[ch]
            i += 1
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        if ch in _CONSONANTS:
            if nxt == _VIRAMA:
                out.append([_CONSONANTS[ch], ""])
                i += 2
                continue
            if nxt in _SIGNS:
                out.append([_CONSONANTS[ch], _SIGNS[nxt]])
                i += 2
                continue
            out.append([_CONSONANTS[ch], "a"])
        elif ch in _VOWELS:
            out.append(["", _VOWELS[ch]])
        elif ch in (_ANUSVARA, _CANDRABINDU) and out:
            out[-1][1] += "n"
        elif ch == _VISARGA and out:
            out[-1][1] += "h"
        elif ch not in (_NUKTA, _VIRAMA):
            out.append([ch.translate(_DIGITS), ""])
        i += 1
    return out


def _drop_schwas(syllables: list[list[str]]) -> None:
    """Hindi's schwa deletion: a final inherent "a" goes ("dil", "chaat"); so does a medial one between a
    vowelled syllable and one with a vowel ("samajhna" stays, "dhadkan" → "dhadkan")."""
    if len(syllables) > 1 and syllables[-1][1] == "a" and syllables[-1][0]:
        syllables[-1][1] = ""
    for k in range(len(syllables) - 2, 0, -1):
        before, here, after = syllables[k - 1], syllables[k], syllables[k + 1]
        if here[1] == "a" and here[0] and before[1] and after[1] and after[0]:
            here[1] = ""


def romanize_word(word: str) -> str:
    """One Devanagari word in readable Roman letters."""
    syllables = _syllables(word)
    _drop_schwas(syllables)
    text = "".join(consonant + vowel for consonant, vowel in syllables)
    for long, short in _ENDINGS:
        if text.endswith(long) and len(text) > 2:
            text = text[: -len(long)] + short
    return text


def romanize(text: str) -> str:
    """Every Devanagari word in `text` romanized; other characters (English words, digits) kept."""
    return _WORD.sub(lambda match: romanize_word(match.group()), text.replace("।", "."))
