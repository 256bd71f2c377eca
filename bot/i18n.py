"""The single entry point to `locales/`: Project Fluent catalogs, loaded once per process.

Code asks for a stable dotted key in a language and never builds a sentence itself. Fluent ids cannot
contain dots, so `upload.too_large` is stored as `upload-too_large` in the `.ftl` files.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import get_args

from fluent.runtime import FluentBundle, FluentResource

from bot.models import Lang

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGS: tuple[Lang, ...] = get_args(Lang)
FALLBACK: Lang = "en"
CATALOG = "bot.ftl"


class MissingMessageError(KeyError):
    """A key that no catalog has: a programming error, caught by the catalog tests."""


def fluent_id(key: str) -> str:
    """`upload.too_large` → `upload-too_large`."""
    return key.replace(".", "-")


@cache
def bundle(lang: Lang) -> FluentBundle:
    """The catalog of one language (cached: loaded once per process)."""
    result = FluentBundle([lang], use_isolating=False)
    result.add_resource(FluentResource((LOCALES_DIR / lang / CATALOG).read_text(encoding="utf-8")))
    return result


def translate(lang: str, key: str, **variables: str | int | float) -> str:
    """The message `key` in `lang`, falling back to English when a language lacks it."""
    chosen: Lang = next((known for known in LANGS if known == lang), FALLBACK)
    for candidate in (chosen, FALLBACK):
        catalog = bundle(candidate)
        if catalog.has_message(fluent_id(key)):
            message = catalog.get_message(fluent_id(key))
            if message.value is None:
                break
            text, _errors = catalog.format_pattern(message.value, dict(variables))
            return str(text)
    raise MissingMessageError(key)
