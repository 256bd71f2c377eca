"""The engine's texts in the session language, from `locales/{en,hi,hi-Latn}/engine.ftl`.

Sessions only say "hi" for Hindi (the profile has no script); the instruction's own script tells Hindi in
Devanagari from Hinglish typed in Roman letters, so `reply_lang` answers "silence hata do" in Roman script.

The engine is a separate service and must not import `bot/`, so it has this tiny loader of its own (the
same catalog format and key style as `bot/i18n.py`: `edit.music` is stored as `edit-music`).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from fluent.runtime import FluentBundle, FluentResource

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
CATALOG = "engine.ftl"
LANGS = ("en", "hi", "hi-Latn")
_DEVANAGARI = re.compile("[\u0900-\u097f]")
FALLBACK = "en"


@cache
def bundle(lang: str) -> FluentBundle:
    """One language's catalog, loaded once per process."""
    result = FluentBundle([lang], use_isolating=False)
    result.add_resource(FluentResource((LOCALES_DIR / lang / CATALOG).read_text(encoding="utf-8")))
    return result


def say(lang: str, key: str, **variables: str | int | float) -> str:
    """The text `key` in `lang` (English when the language is unknown or lacks the key)."""
    base = lang.split("-")[0].lower()  # sessions may carry a region: "hi-IN"
    chosen = lang if lang in LANGS else base if base in LANGS else FALLBACK
    for candidate in dict.fromkeys((chosen, FALLBACK)):
        catalog = bundle(candidate)
        message_id = key.replace(".", "-")
        if catalog.has_message(message_id):
            pattern = catalog.get_message(message_id).value
            if pattern is not None:
                text, _errors = catalog.format_pattern(pattern, dict(variables))
                return str(text)
    raise KeyError(key)


def reply_lang(session_lang: str, text: str, hindi: bool) -> str:
    """The catalog for a reply: Hindi (`hindi`: the instruction is Hindi) in the instruction's script."""
    if not hindi:
        return session_lang
    return "hi" if _DEVANAGARI.search(text) else "hi-Latn"
