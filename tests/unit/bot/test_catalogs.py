"""The Fluent catalogs: every key in every language, with the same variables, rendering without errors.

A key missing in one language shows English (or crashes, if English lacks it too); a variable renamed in
one language shows `{$name}` to the user. Both are caught here, for every catalog under `locales/`.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from typing import get_args

import pytest
from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax import FluentParser
from fluent.syntax import ast as ftl
from fluent.syntax.visitor import Visitor

from bot.i18n import LANGS, LOCALES_DIR, fluent_id
from bot.models import Lang
from worker.timeline import TrackKind

ROOT = LOCALES_DIR.parent
CATALOGS = sorted(path.name for path in (LOCALES_DIR / "en").glob("*.ftl"))
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_KEY = re.compile(r"^[a-z_]+(?:\.[a-z_]+)+$")
_LETTER = re.compile(r"[^\W\d_]")


class _Variables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_VariableReference(self, node: ftl.VariableReference) -> None:
        self.names.add(node.id.name)


@cache
def _resource(lang: str, catalog: str) -> ftl.Resource:
    return FluentParser().parse((LOCALES_DIR / lang / catalog).read_text(encoding="utf-8"))


def _messages(lang: str, catalog: str) -> dict[str, set[str]]:
    """Message id → the variables it uses."""
    found: dict[str, set[str]] = {}
    for entry in _resource(lang, catalog).body:
        if isinstance(entry, ftl.Message):
            visitor = _Variables()
            visitor.visit(entry)
            found[entry.id.name] = visitor.names
    return found


def _sample(name: str) -> str | int:
    """A value for a variable, recognisable in the rendered text."""
    numbers = {"count", "minutes", "seconds", "percent", "index", "limit_mb", "size_mb", "length", "limit"}
    return 7 if name in numbers else f"<{name}>"


@pytest.mark.parametrize("catalog", CATALOGS)
@pytest.mark.parametrize("lang", LANGS)
def test_catalog_parses_without_errors(lang: str, catalog: str):
    resource = _resource(lang, catalog)
    junk = [(entry.content or "")[:60] for entry in resource.body if isinstance(entry, ftl.Junk)]
    assert junk == []
    ids = [entry.id.name for entry in resource.body if isinstance(entry, ftl.Message)]
    assert len(ids) == len(set(ids)), "a key is defined twice (the second silently wins)"


@pytest.mark.parametrize("catalog", CATALOGS)
def test_every_key_exists_in_every_language_with_the_same_variables(catalog: str):
    english = _messages("en", catalog)
    assert english
    for lang in LANGS:
        other = _messages(lang, catalog)
        assert sorted(set(english) - set(other)) == [], f"missing in {lang}"
        assert sorted(set(other) - set(english)) == [], f"only in {lang}"
        differing = {key: (english[key], other[key]) for key in english if english[key] != other[key]}
        assert differing == {}, f"variables differ in {lang}"


@pytest.mark.parametrize("catalog", CATALOGS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_message_renders_with_its_variables(lang: str, catalog: str):
    bundle = FluentBundle([lang], use_isolating=False)
    bundle.add_resource(FluentResource((LOCALES_DIR / lang / catalog).read_text(encoding="utf-8")))
    for key, names in _messages(lang, catalog).items():
        message = bundle.get_message(key)
        assert message.value is not None, f"{key} has no value"
        variables = {name: _sample(name) for name in names}
        rendered, errors = bundle.format_pattern(message.value, variables)
        text = str(rendered)
        assert errors == [], f"{lang}/{key}: {errors}"
        assert text.strip() and "{" not in text, f"{lang}/{key}: {text!r}"
        for name, value in variables.items():
            assert str(value) in text, f"{lang}/{key} drops ${name}"
        own_words = text
        for value in variables.values():
            own_words = own_words.replace(str(value), "")
        if lang == "hi" and _LETTER.search(own_words):
            # Words of its own (not only variables and punctuation): they must be Hindi, not English.
            assert _DEVANAGARI.search(own_words), f"hi/{key} is not in Devanagari: {text!r}"
        if lang == "hi-Latn":
            # Hinglish is for users who write in Roman letters: not one Devanagari letter.
            assert not _DEVANAGARI.search(text), f"hi-Latn/{key} has Devanagari: {text!r}"


def _keys_used_in_code() -> set[str]:
    """Every literal string in bot/ and worker/ shaped like a catalog key of a known group."""
    groups = {key.split("-")[0] for key in _messages("en", "bot.ftl")}
    used: set[str] = set()
    for folder in ("bot", "worker"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                text = node.value if isinstance(node, ast.Constant) else None
                if isinstance(text, str) and _KEY.match(text) and text.split(".")[0] in groups:
                    used.add(text)
    return used


def test_every_key_the_code_asks_for_exists():
    used = _keys_used_in_code()
    assert {"upload.done", "turn.changed", "credits.out.anonymous"} <= used  # the scan finds keys
    assert sorted(k for k in used if fluent_id(k) not in _messages("en", "bot.ftl")) == []


@pytest.mark.parametrize("lang", LANGS)
def test_keys_built_at_run_time_exist(lang: Lang):
    from bot.telegram.app import COMMANDS

    built = [f"kind.{kind}" for kind in get_args(TrackKind)]
    built += [f"change.{what}_track" for what in ("added", "removed")]
    built += [f"change.{what}" for what in ("shorter", "longer", "edited")]
    built += [f"command.{name}" for name in COMMANDS]
    for key in built:
        assert fluent_id(key) in _messages(lang, "bot.ftl"), key
