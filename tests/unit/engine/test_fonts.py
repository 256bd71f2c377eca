"""The shipped fonts alone draw Hindi and English titles; what no font covers is named."""

from __future__ import annotations

from engine.fonts import SHIPPED, find_font, missing_glyphs

ONLY_SHIPPED = (SHIPPED,)


def test_the_shipped_fonts_and_their_licence_are_there():
    assert (SHIPPED / "OFL.txt").read_text().count("SIL OPEN FONT LICENSE Version 1.1") == 1
    assert find_font("मेरा सफ़र", ONLY_SHIPPED).name == "NotoSansDevanagari-Bold.ttf"
    assert find_font("My trip", ONLY_SHIPPED).name == "NotoSans-Bold.ttf"


def test_missing_glyphs_names_each_character_once():
    assert missing_glyphs("मेरा सफ़र 2026", ONLY_SHIPPED) == ""
    assert missing_glyphs("東京 東京 trip", ONLY_SHIPPED) == "東京"
