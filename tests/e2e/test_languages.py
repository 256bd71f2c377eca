"""Whole editing sessions in Hindi (Devanagari), Hinglish and English, through real processes.

Each session uploads a clip, makes several edits, asks for the timeline and the balance, and exports; every
answer of the bot is compared with the catalog text in the session's language, so a message in the wrong
language, or with the wrong content, fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import keyboards
from bot.i18n import translate
from bot.telegram.app import COMMANDS
from tests.e2e.conftest import (
    WEB,
    Product,
    UserChat,
    changed_text,
    is_video,
    labels,
    music_added,
    says,
    start_fast,
    starts,
    status_text,
    urls,
)
from tests.fakes.nemo_double import NemoDouble
from tests.fakes.telegram_api import FakeTelegram
from tests.processes import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("dump_logs")]
CLIP = "phone clip.mp4"
HINGLISH = "hi-Latn"


@pytest.fixture
def fake_telegram(fast_telegram: FakeTelegram) -> FakeTelegram:
    """Conversations without Telegram's one-message-a-second pace (see FAST_CHAT_ENV)."""
    return fast_telegram


def credits_text(lang: str, available: int) -> str:
    return translate(lang, "credits.balance", available=available, frozen=0, total=available)


def export_and_check(chat: UserChat, text: str, lang: str, nemo: NemoDouble) -> None:
    """`text` exports: the rendered MP4 arrives with the caption and buttons of `lang`."""
    video = chat.ask(text, is_video)
    assert video.media is not None and video.media.data is not None
    assert len(video.media.data) == nemo.output.size
    assert video.text == translate(lang, "delivery.caption")
    assert labels(video) == [translate(lang, "button.edit_more"), translate(lang, "button.new_video")]
    chat.wait(says(lang, "progress.sent"))


def test_a_whole_session_in_devanagari_hindi(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    nemo_double.config.anonymous_credits = 1000
    nemo_double.config.render_polls = 1
    nemo_double.queue_turns("silent", "gui")
    start_fast(product)
    # The phone says "en", as many Indian users' phones do: the Devanagari text decides.
    chat = UserChat(fake_telegram, 6001, language_code="en")

    need_video = chat.ask("नमस्ते", translate("hi", "turn.need_video"))
    assert need_video.buttons == ()  # the acknowledgement became the answer: no stale Cancel button
    chat.ask("स्थिति", translate("hi", "status.empty"))
    chat.upload(phone_clip, translate("hi", "upload.done", name=CLIP, duration=3))

    changed = chat.ask("बैकग्राउंड में गाना लगाओ", translate("hi", "turn.changed").split(":")[0])
    assert changed.text == changed_text("hi", music_added("hi", 3))
    assert changed.callback_data == [keyboards.EXPORT, keyboards.STATUS]
    assert labels(changed) == [
        translate("hi", key) for key in ("button.export", "button.timeline", "button.open_web")
    ]

    # The agent talks GUI ("Click the Export button…"): the bot says it in Hindi, the chat way.
    reply = chat.ask("चुप्पी हटाओ", translate("hi", "gui.export_hint"))
    assert "Click" not in (reply.text or "") and translate("hi", "gui.status_hint") in (reply.text or "")
    assert urls(reply)[0].startswith(f"{WEB}/workspace/claim?ct=clm_")

    status = chat.ask("टाइमलाइन दिखाओ", translate("hi", "status.header", count=2))
    assert status.text == status_text(
        "hi", ("video", f' "{CLIP}"', "0–2.4 s"), ("audio", ' "Lo-fi", 35%', "0–3 s")
    )
    assert chat.ask("क्रेडिट", translate("hi", "credits.balance").split(":")[0]).text == credits_text("hi", 900)
    export_and_check(chat, "वीडियो भेजो", "hi", nemo_double)

    session = next(iter(nemo_double.sessions.values()))
    assert session.language == "hi"
    assert nemo_double.turn_messages == ["बैकग्राउंड में गाना लगाओ", "चुप्पी हटाओ"]


def test_a_whole_session_in_hinglish_answered_in_roman_script(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    nemo_double.config.anonymous_credits = 1000
    nemo_double.config.render_polls = 1
    nemo_double.queue_turns("silent", "text")
    start_fast(product)
    chat = UserChat(fake_telegram, 6002, language_code="en")

    # Romanized Hindi is Hindi (a general detector would call it English), answered in Roman script.
    chat.ask("bhai mera video edit karna hai", translate(HINGLISH, "turn.need_video"))
    chat.upload(phone_clip, translate(HINGLISH, "upload.done", name=CLIP, duration=3))
    changed = chat.ask("silence hata do aur music daalo", translate(HINGLISH, "turn.changed").split(":")[0])
    assert changed.text == changed_text(
        HINGLISH, music_added(HINGLISH, 3), translate(HINGLISH, "change.shorter", seconds="0.6")
    )
    # The turn's progress message ends as "done", without its Cancel button.
    chat.wait(lambda m: m.text == translate(HINGLISH, "progress.done") and not m.buttons)

    # A text turn: the agent's own words are relayed, the buttons under the last one are Hindi.
    after = chat.mark()
    chat.ask('title "Goa Trip" lagao', starts("Done:"))
    chat.wait(says(HINGLISH, "progress.done"), after)

    status = chat.ask("timeline dikhao", translate(HINGLISH, "status.header", count=3))
    assert status.text == status_text(
        HINGLISH,
        ("video", f' "{CLIP}"', "0–2.4 s"),
        ("audio", ' "Lo-fi", 35%', "0–3 s"),
        ("title", ' "Goa Trip"', "0–3 s"),
    )
    assert chat.ask(
        "kitne credit bache", translate(HINGLISH, "credits.balance").split(":")[0]
    ).text == credits_text(HINGLISH, 900)
    export_and_check(chat, "video bhejo", HINGLISH, nemo_double)

    # "language badlo" offers the languages; the choice sticks, even over Hinglish words.
    picker = chat.ask("language badlo", translate(HINGLISH, "language.choose"))
    chat.press(picker, keyboards.LANG_PREFIX + "en", translate("en", "language.set"))
    status = chat.ask("timeline dikhao", translate("en", "status.header", count=3))
    assert status.text == status_text(
        "en",
        ("video", f' "{CLIP}"', "0–2.4 s"),
        ("audio", ' "Lo-fi", 35%', "0–3 s"),
        ("title", ' "Goa Trip"', "0–3 s"),
    )
    assert nemo_double.turn_messages == ["silence hata do aur music daalo", 'title "Goa Trip" lagao']
    # The backend hears "hi" for both Hindi styles; no reply of the bot was in Devanagari.
    assert next(iter(nemo_double.sessions.values())).language == "hi"
    # (The language picker names each language in itself: its "हिंदी" button is left out.)
    shown = [m for m in chat.messages() if keyboards.LANG_PREFIX + "en" not in (m.callback_data or [])]
    words = [m.text or "" for m in shown] + [label for m in shown for label in labels(m)]
    assert words and [w for w in words if any("\u0900" <= ch <= "\u097f" for ch in w)] == []


def test_a_whole_session_in_english_with_the_menus_of_both_languages(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    nemo_double.config.anonymous_credits = 1000
    nemo_double.config.render_polls = 1
    nemo_double.queue_turns("text", "silent", "text")
    start_fast(product)
    chat = UserChat(fake_telegram, 6003, language_code="en")

    # Per language, and English for every other language ("" is Telegram's default menu).
    menus = (("en", "en"), ("hi", "hi"), ("", "en"))
    wait_for(lambda: all(fake_telegram.commands(code) for code, _ in menus), 20, "the command menus")
    for code, lang in menus:
        menu = [(name, translate(lang, f"command.{name}")) for name in COMMANDS]
        assert [(c["command"], c["description"]) for c in fake_telegram.commands(code)] == menu

    chat.ask("/start", translate("en", "start.greeting", name="Asha", limit_mb=20)[:20])
    chat.upload(phone_clip, translate("en", "upload.done", name=CLIP, duration=3))

    after = chat.mark()
    done = chat.ask("remove the silences and add background music", starts("Done:"))
    # The agent's two texts, in order, the turn's buttons under the last one only.
    working = chat.wait(starts("Sure,"), after)
    assert working.message_id < done.message_id
    assert working.text == "Sure, working on it: remove the silences and add background music"
    assert working.buttons == () and done.callback_data == [keyboards.EXPORT, keyboards.STATUS]
    assert urls(done)[0].startswith(f"{WEB}/workspace/claim?ct=clm_")

    changed = chat.ask('add a title "Urban Dreams"', translate("en", "turn.changed").split(":")[0])
    title = translate("en", "kind.title")
    assert changed.text == changed_text(
        "en", translate("en", "change.added_track", kind=title, label=' "Urban Dreams"', span="0–3 s")
    )
    # "download" inside an edit request is an edit: it goes to the agent, nothing is rendered.
    chat.ask("add a download button animation", starts("Done:"))
    assert nemo_double.calls("render_submit") == []

    status = chat.ask("show tracks", translate("en", "status.header", count=3))
    assert status.text == status_text(
        "en",
        ("video", f' "{CLIP}"', "0–2.4 s"),
        ("audio", ' "Lo-fi", 35%', "0–3 s"),
        ("title", ' "Urban Dreams"', "0–3 s"),
    )
    assert chat.ask("balance", "Credits:").text == credits_text("en", 850)
    export_and_check(chat, "send me the video", "en", nemo_double)
    assert next(iter(nemo_double.sessions.values())).language == "en"
    assert "send me the video" not in nemo_double.turn_messages
