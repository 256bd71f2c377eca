"""Keyboards become what WhatsApp accepts: ≤ 3 reply buttons of ≤ 20 characters, lists, one link."""

from __future__ import annotations

import pytest

from bot import keyboards
from bot.outbox import Button
from bot.whatsapp import markup


def test_two_choices_are_reply_buttons_with_titles_cut_to_20_characters():
    choices = [Button("Export the video now please", "act:export"), Button("Timeline", "act:status")]
    body = markup.interactive_body("Done", choices, [], "Choose")
    action = body["interactive"]["action"]
    assert body["interactive"]["type"] == "button"
    titles = [b["reply"]["title"] for b in action["buttons"]]
    assert titles == ["Export the video no…", "Timeline"]
    assert [b["reply"]["id"] for b in action["buttons"]] == ["act:export", "act:status"]


def test_more_than_three_choices_become_a_list():
    choices = [Button(f"Option {i}", f"opt:{i}") for i in range(5)]
    body = markup.interactive_body("Pick", choices, [], "Choose")
    assert body["interactive"]["type"] == "list"
    rows = body["interactive"]["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == [f"opt:{i}" for i in range(5)]


def test_a_lone_link_is_a_call_to_action_button():
    body = markup.interactive_body("Download", [], [Button("Download", url="https://x.test/v.mp4")], "Choose")
    assert body["interactive"]["type"] == "cta_url"
    assert body["interactive"]["action"]["parameters"]["url"] == "https://x.test/v.mp4"


def test_titles_that_clip_to_the_same_text_stay_distinct():
    choices = [Button("A very long label number one", "a"), Button("A very long label number two", "b")]
    body = markup.interactive_body("x", choices, [], "Choose")
    titles = [b["reply"]["title"] for b in body["interactive"]["action"]["buttons"]]
    assert len(set(titles)) == 2 and all(len(t) <= 20 for t in titles)


def test_long_text_is_clipped_to_whatsapps_4096():
    assert len(markup.text_body("x" * 5000)["text"]["body"]) == 4096


@pytest.mark.parametrize("lang", ["en", "hi", "hi-Latn"])
def test_every_keyboard_of_the_bot_fits(lang: str):
    for keyboard in (
        keyboards.after_turn(lang),
        keyboards.after_delivery(lang),
        keyboards.cancel(lang, "whatsapp:919812345001:1234567890123456789"),
        keyboards.language_picker(),
    ):
        choices, links = markup.choices_and_links(keyboard)
        body = markup.interactive_body("x", choices, links, "Choose")
        assert body["interactive"]["type"] == "button"
