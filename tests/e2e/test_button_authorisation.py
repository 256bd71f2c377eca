"""Buttons act as the person who pressed them, with their admin status of this moment (real processes).

A group reserves spending to admins. Its admin's edit fails and shows Retry. A member presses that Retry,
then a forged one naming the admin's successful edit; the admin is demoted (a `chat_member` update) and
presses Retry; a member promoted meanwhile retries it, twice. Every press is judged as the presser: nothing
runs again on the group's credits except the promoted admin's one retry.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from bot import keyboards
from bot.i18n import translate
from tests.e2e.conftest import FAST_CHAT_ENV, Product
from tests.fakes.nemo_double import NemoDouble
from tests.fakes.telegram_api import Admin, FakeTelegram, SentMessage, User
from tests.fakes.telegram_api.payloads import member_json, sent_message_json

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("dump_logs")]
T = 30.0
GROUP = -1009876543
ASHA = User(901, first_name="Asha", username="asha", language_code="en")
RAVI = User(902, first_name="Ravi", username="ravi", language_code="en")
MEERA = User(903, first_name="Meera", username="meera", language_code="en")
# Telegram's 20 messages a minute per group would make this conversation last minutes (the fast fake lifts
# its own flood control; this lifts the product's limiter to match).
FAST_GROUP_ENV = FAST_CHAT_ENV | {"RATE_PER_GROUP_PER_MIN": "600"}
GROUP_JSON = {"id": GROUP, "type": "supergroup", "title": "Creators"}


@pytest.fixture
def fake_telegram(fast_telegram: FakeTelegram) -> FakeTelegram:
    return fast_telegram


def _forged_press(fake: FakeTelegram, on: SentMessage, data: str, user: User) -> int:
    """A callback query with any data, as a modified client can send (Telegram does not check it)."""
    query_id = str(uuid.uuid4().int)[:19]
    with fake.state.lock:
        message = sent_message_json(fake.state, fake.state.sent[(GROUP, on.message_id)])
        fake.state.callback_queries[query_id] = False  # Telegram knows the query; it never checks its data
    query = {"id": query_id, "from": user.to_json(), "message": message,
             "chat_instance": "42", "data": data}  # fmt: skip
    return fake.state.enqueue({"callback_query": query})


def _member_update(fake: FakeTelegram, user: User, old: Admin | None, new: Admin | None) -> int:
    """Telegram's `chat_member` update for a promotion or demotion (sent to bots that are admins)."""
    change: dict[str, Any] = {
        "chat": GROUP_JSON,
        "from": MEERA.to_json(),
        "date": int(time.time()),
        "old_chat_member": member_json(user, old),
        "new_chat_member": member_json(user, new),
    }
    return fake.state.enqueue({"chat_member": change})


def _said(fake: FakeTelegram, key: str, after: int) -> SentMessage:
    text = translate("en", key)
    return fake.wait_for(lambda m: m.message_id > after and m.text == text, T)


def test_retry_and_settings_are_authorised_as_the_presser_now(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
) -> None:
    nemo_double.config.anonymous_credits = 1000
    fake_telegram.add_chat(GROUP, "supergroup", title="Creators")
    fake_telegram.set_admins(GROUP, [Admin(MEERA)])
    # A long admin cache: only the chat_member update can explain a demotion being noticed in time.
    product.start("bot", ADMIN_STATUS_CACHE_S="3600", **FAST_GROUP_ENV)
    product.start("worker", **FAST_GROUP_ENV)
    bot = fake_telegram.bot.username

    def say(text: str, user: User) -> int:
        return fake_telegram.send_text(GROUP, text, user=user, chat_type="supergroup")

    fake_telegram.send_video(GROUP, phone_clip, caption=f"/upload@{bot}", user=ASHA, chat_type="supergroup")
    fake_telegram.wait_for(lambda m: (m.text or "").startswith("Asha: Uploaded"), T)
    say(f"/settings@{bot}", MEERA)
    picker = fake_telegram.wait_for(lambda m: keyboards.SPEND_PREFIX + "admins" in m.callback_data, T)
    fake_telegram.press_button(GROUP, picker.message_id, keyboards.SPEND_PREFIX + "admins", user=MEERA)
    fake_telegram.wait_for(lambda m: "Saved" in (m.text or "") or "admins" in (m.text or "").lower(), T)

    nemo_double.queue_turns("text")
    succeeded_id = f"telegram:{GROUP}:{say(f'/edit@{bot} add background music', MEERA)}"
    fake_telegram.wait_for(lambda m: (m.text or "").startswith("Meera: Done"), T)
    nemo_double.queue_turns("error")
    say(f"/edit@{bot} make it colder", MEERA)
    failed = fake_telegram.wait_for(
        lambda m: m.text == f"Meera: {translate('en', 'turn.failed')}" and bool(m.callback_data), T
    )
    [retry] = failed.callback_data
    turns = len(nemo_double.calls("run_sse"))

    # A member presses the admin's real Retry: not theirs.
    mark = failed.message_id
    fake_telegram.press_button(GROUP, failed.message_id, retry, user=RAVI)
    mark = _said(fake_telegram, "retry.not_yours", mark).message_id
    # A forged Retry naming the admin's edit that succeeded: nothing to retry, for anyone.
    _forged_press(fake_telegram, failed, keyboards.RETRY_PREFIX + succeeded_id, RAVI)
    mark = _said(fake_telegram, "retry.unavailable", mark).message_id
    # A forged /settings change by the member is refused.
    _forged_press(fake_telegram, failed, keyboards.SPEND_PREFIX + "all", RAVI)
    mark = _said(fake_telegram, "group.not_admin", mark).message_id

    # Meera is demoted, Asha promoted: Telegram says so at once, and every process believes it.
    fake_telegram.set_admins(GROUP, [Admin(ASHA)])
    for update_id in (
        _member_update(fake_telegram, MEERA, Admin(MEERA), None),
        _member_update(fake_telegram, ASHA, None, Admin(ASHA)),
    ):
        fake_telegram.wait_confirmed(update_id, T)
    fake_telegram.press_button(GROUP, failed.message_id, retry, user=MEERA)
    mark = fake_telegram.wait_for(
        lambda m: m.message_id > mark and m.text == translate("en", "group.spend_admins_only"), T
    ).message_id
    assert len(nemo_double.calls("run_sse")) == turns

    # The new admin may retry someone else's failed edit, once: a second press runs nothing more.
    nemo_double.queue_turns("text", "text")
    fake_telegram.press_button(GROUP, failed.message_id, retry, user=ASHA)
    fake_telegram.wait_for(lambda m: (m.text or "").startswith("Asha: Done"), T)
    fake_telegram.press_button(GROUP, failed.message_id, retry, user=ASHA)
    say(f"/status@{bot}", ASHA)  # runs after anything the second press might have queued
    fake_telegram.wait_for(lambda m: (m.text or "").startswith("Timeline"), T)
    assert len(nemo_double.calls("run_sse")) == turns + 1
    assert nemo_double.turn_messages[-1] == "make it colder"
