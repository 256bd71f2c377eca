# ruff: noqa: F811  (the fixtures imported from test_conversation are requested by name)
"""The conversation's words: confirming an unclear message, commands without a slash, the reply style."""

from __future__ import annotations

import pytest

from bot.i18n import translate
from bot.requests import RequestStore
from bot.sessions import SessionStore

# The conversation's fixtures (a real Conversation over fakeredis, a recording queue) are shared.
from tests.unit.bot.test_conversation import CHAT, conversation, message, queue  # noqa: F401


def _buttons(decision) -> list[tuple[str, str]]:
    return [(button.label, button.data) for row in decision.replies[0].keyboard for button in row]


def _press(conversation, data: str):
    return conversation.handle(message(callback_data=data))


def test_an_unclear_message_is_asked_about_and_nothing_is_spent(conversation, queue):
    decision = conversation.handle(message("status bar"))
    assert queue.requests == []  # no edit turn (credits), no status job yet
    assert decision.replies[0].text == translate("en", "confirm.status")
    (timeline, timeline_data), (edit, edit_data) = _buttons(decision)
    assert (timeline, edit) == ("Timeline", "It's an edit")
    assert len(edit_data.encode()) <= 64 and len(timeline_data.encode()) <= 64


def test_its_an_edit_sends_the_words_to_the_editor_once(conversation, queue):
    asked = conversation.handle(message("status bar"))
    (_, _), (_, edit_data) = _buttons(asked)
    first = _press(conversation, edit_data)
    assert [(r.kind, r.text) for r in queue.requests] == [("edit", "status bar")]
    assert first.replies[0].progress and first.replies[0].text == translate("en", "ack.edit")
    again = _press(conversation, edit_data)  # a second tap, or the other button, spends nothing
    assert again is not None and again.replies == [] and len(queue.requests) == 1


def test_the_action_button_does_the_action_and_then_the_edit_button_is_dead(conversation, queue):
    asked = conversation.handle(message("status bar"))
    (_, action_data), (_, edit_data) = _buttons(asked)
    _press(conversation, action_data)
    _press(conversation, edit_data)
    assert [r.kind for r in queue.requests] == ["status"]


def test_a_confident_edit_goes_straight_to_the_editor(conversation, queue):
    decision = conversation.handle(message("remove the part where I say download"))
    assert [r.kind for r in queue.requests] == ["edit"]
    assert decision.replies[0].text == translate("en", "ack.edit")


def test_a_question_from_another_chat_cannot_be_answered(conversation, queue):
    asked = conversation.handle(message("status bar"))
    (_, _), (_, edit_data) = _buttons(asked)
    other = message(callback_data=edit_data).model_copy(
        update={"chat": CHAT.model_copy(update={"chat_id": 9})}
    )
    conversation.handle(other)
    assert queue.requests == []


@pytest.mark.parametrize(
    ("text", "key"),
    [("madad", "help.text"), ("मदद", "help.text"), ("dobara", "retry.how"), ("naya project", "session.new")],
)
def test_commands_typed_without_a_slash(conversation, queue, text, key):
    decision = conversation.handle(message(text))
    assert queue.requests == []
    assert decision.replies[0].text == translate(
        SessionStore(conversation.redis).load(CHAT.key).lang, key, name="Asha", limit_mb=20
    )


@pytest.mark.parametrize("typed", ["dobara", "retry", "phir se"])
def test_retry_typed_without_a_slash_runs_the_latest_failure_again_once(conversation, queue, typed):
    conversation.handle(message("add background music"))
    failed = queue.requests[0]
    RequestStore(conversation.redis).mark_failed(failed.request_id)  # what a job does when it offers Retry
    conversation.handle(message(typed))
    conversation.handle(message(typed))  # typed twice: the failure runs again once
    assert [(r.text, r.retry_of) for r in queue.requests[1:]] == [("add background music", failed.request_id)]


def test_ruko_cancels_the_running_request(conversation, queue):
    conversation.handle(message("remove the silences"))
    decision = conversation.handle(message("ruko"))
    assert queue.cancelled == [queue.requests[0].request_id]
    assert decision.replies[0].text == translate("en", "cancel.done", count=1)


def test_cancel_inside_an_edit_is_an_edit(conversation, queue):
    conversation.handle(message("cancel the music at the end"))
    assert [r.kind for r in queue.requests] == ["edit"] and queue.cancelled == []


# --- the reply style follows the user ---------------------------------------------------------------


def _lang(conversation) -> str:
    return SessionStore(conversation.redis).load(CHAT.key).lang


@pytest.mark.parametrize(
    ("text", "lang", "cancel"),
    [
        ("remove the silences please", "en", "Cancel"),
        ("साइलेंस हटाओ", "hi", "रद्द करें"),
        ("silence hata do", "hi-Latn", "Cancel"),
    ],
)
def test_each_style_gets_replies_and_buttons_in_that_style(conversation, queue, text, lang, cancel):
    decision = conversation.handle(message(text))
    reply = decision.replies[0]
    assert reply.text == translate(lang, "ack.edit") and queue.requests[0].lang == lang
    assert [button.label for row in reply.keyboard for button in row] == [cancel]


def test_hinglish_replies_are_roman_script():
    assert translate("hi-Latn", "ack.edit") == "Samajh gaya, kaam shuru kar raha hoon…"
    assert not any("\u0900" <= ch <= "\u097f" for ch in translate("hi-Latn", "help.text", limit_mb=20))


def test_sticky_against_one_off_words_but_following_a_clear_switch(conversation):
    conversation.handle(message("can you remove the pauses"))
    conversation.handle(message("silence hata do"))
    assert _lang(conversation) == "en"  # one message in another style is not a switch
    decision = conversation.handle(message("ab music daal do"))
    assert _lang(conversation) == "hi-Latn"
    assert decision.replies[0].text == translate("hi-Latn", "ack.queued")
    conversation.handle(message("ok"))
    conversation.handle(message("export"))
    assert _lang(conversation) == "hi-Latn"


def test_new_resets_the_style_and_the_next_decisive_message_sets_it(conversation):
    conversation.handle(message("silence hata do"))
    assert _lang(conversation) == "hi-Latn"
    conversation.handle(message(command="new"))
    conversation.handle(message("can you add some music please"))
    assert _lang(conversation) == "en"


def test_language_picker_offers_three_styles_and_pins_the_choice(conversation):
    picker = conversation.handle(message(command="language"))
    assert [data for _, data in _buttons(picker)] == ["lang:en", "lang:hi", "lang:hi-Latn"]
    chosen = _press(conversation, "lang:hi-Latn")
    assert chosen.replies[0].text == translate("hi-Latn", "language.set")
    conversation.handle(message("can you remove the pauses"))
    conversation.handle(message("and then add some music please"))
    conversation.handle(message(command="new"))
    conversation.handle(message("please add music"))
    assert _lang(conversation) == "hi-Latn"


def test_a_title_in_quotes_is_neither_an_instruction_nor_a_language(conversation, queue):
    conversation.handle(message("can you add some music"))
    conversation.handle(message("add the title 'मेरा वीडियो भेजो'"))
    conversation.handle(message("title 'मेरा सफ़र' at the start"))
    assert [r.kind for r in queue.requests] == ["edit", "edit", "edit"]
    assert _lang(conversation) == "en"


def test_only_the_asker_or_an_admin_answers_and_the_edit_runs_as_the_presser(conversation, queue):
    asked = conversation.handle(message("status bar"))
    (_, _), (_, edit_data) = _buttons(asked)
    other = message(callback_data=edit_data).model_copy(update={"user_id": 8, "user_name": "Ravi"})
    refused = conversation.handle(other)
    assert refused.replies[0].text == translate("en", "confirm.not_yours") and queue.requests == []
    admin = message(callback_data=edit_data).model_copy(update={"user_id": 9, "is_admin": True})
    conversation.handle(admin)
    assert [(r.kind, r.text, r.user_id, r.by_admin) for r in queue.requests] == [
        ("edit", "status bar", 9, True)
    ]
