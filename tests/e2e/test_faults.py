"""Faults injected at the exact step, through real processes: what the user sees, and what never doubles.

Each kill is of the RQ work horse, by pid, while it runs the job under test (see `kills.py`); the backend
or Telegram is held at the step in question by answering late, so the kill lands exactly there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import keys
from bot.i18n import translate
from tests.e2e.conftest import FAST_CHAT_ENV, Product, UserChat, says, start_fast, starts
from tests.e2e.kills import kill_horse
from tests.fakes.nemo_double import NemoDouble
from tests.fakes.telegram_api import FakeTelegram, User
from tests.processes import RedisServer, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("dump_logs")]
CHAT = 9001
T = 30.0


@pytest.fixture
def fake_telegram(fast_telegram: FakeTelegram) -> FakeTelegram:
    return fast_telegram


def test_a_worker_killed_while_the_backend_answers_an_upload_leaves_the_clip_once(
    product: Product,
    fake_telegram: FakeTelegram,
    nemo_double: NemoDouble,
    redis_server: RedisServer,
    phone_clip: Path,
):
    product.start("bot", **FAST_CHAT_ENV)
    worker = product.start("worker", **FAST_CHAT_ENV)
    chat = UserChat(fake_telegram, CHAT)
    nemo_double.answer_late("upload", 60)
    fake_telegram.send_video(CHAT, phone_clip, user=chat.user)
    wait_for(lambda: nemo_double.calls("upload"), T, "the backend to receive the upload")
    kill_horse(redis_server.client(), worker, "req-")
    nemo_double.answer_late("upload", 0)

    chat.wait(starts('Uploaded "'))
    assert len(nemo_double.calls("upload")) == 1
    session = next(iter(nemo_double.sessions.values()))
    assert len(session.video_infos) == 1
    chat.ask("status", starts("Timeline (1 track)"))


def test_a_worker_killed_before_the_turn_reached_the_backend_says_so_instead_of_a_false_done(
    product: Product,
    fake_telegram: FakeTelegram,
    nemo_double: NemoDouble,
    redis_server: RedisServer,
    phone_clip: Path,
):
    product.start("bot", **FAST_CHAT_ENV)
    worker = product.start("worker", **FAST_CHAT_ENV)
    chat = UserChat(fake_telegram, CHAT)
    chat.upload(phone_clip, "Uploaded")
    reads = len(nemo_double.calls("state"))
    nemo_double.answer_late("state", 60)  # the turn's "state before" read hangs
    fake_telegram.send_text(CHAT, "add background music", user=chat.user)
    wait_for(lambda: len(nemo_double.calls("state")) > reads, T, "the turn to read the state before")
    kill_horse(redis_server.client(), worker, "req-")
    nemo_double.answer_late("state", 0)

    told = chat.wait(says("en", "turn.not_sent"))
    assert nemo_double.turn_messages == []
    assert not any((m.text or "").startswith("Done") for m in chat.messages())
    [retry] = [d for d in told.callback_data if d.startswith("retry")]
    chat.press(told, retry, starts("Done"))
    assert nemo_double.turn_messages == ["add background music"]


def test_a_worker_killed_during_a_long_turn_follows_it_until_it_lands_and_never_resends(
    product: Product,
    fake_telegram: FakeTelegram,
    nemo_double: NemoDouble,
    redis_server: RedisServer,
    phone_clip: Path,
):
    nemo_double.config.heartbeat_interval_s = 0.5
    nemo_double.config.heartbeat_only_s = 6.0  # the edit lands 6 s into the turn
    product.start("bot", **FAST_CHAT_ENV)
    # Two recovery reads, 0.3 s apart, would have given up long before the edit lands.
    env = FAST_CHAT_ENV | {"RECOVERY_FIRST_WAIT_S": "0.3", "RECOVERY_NEXT_WAIT_S": "0.3"}
    worker = product.start("worker", RECOVERY_MAX_READS="2", **env)
    chat = UserChat(fake_telegram, CHAT)
    chat.upload(phone_clip, "Uploaded")
    nemo_double.queue_turns("heartbeat_only")
    fake_telegram.send_text(CHAT, "add background music", user=chat.user)
    wait_for(lambda: nemo_double.turn_messages, T, "the turn to start")
    kill_horse(redis_server.client(), worker, "req-")

    chat.wait(starts("Done. Here's what changed"))
    assert nemo_double.turn_messages == ["add background music"]
    assert not any(m.text == translate("en", "turn.lost") for m in chat.messages())


def test_a_video_whose_upload_answer_comes_late_is_not_sent_twice_and_the_chat_is_freed(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    start_fast(product, TELEGRAM_UPLOAD_TIMEOUT_S="1")
    chat = UserChat(fake_telegram, CHAT)
    chat.upload(phone_clip, "Uploaded")
    chat.ask("add background music", starts("Done"))
    fake_telegram.answer_late("sendVideo", 3)
    shown = chat.ask("export", says("en", "delivery.uncertain"))
    assert [b.url for row in shown.buttons for b in row if b.url]
    fake_telegram.answer_late("sendVideo", 0)

    assert len(fake_telegram.videos(CHAT)) == 1
    assert not any("?" in (m.text or "") and "MB" in (m.text or "") for m in chat.messages())
    # The chat is free: the next request runs at once instead of being queued behind the delivery.
    chat.ask("status", starts("Timeline"))
    assert len(fake_telegram.videos(CHAT)) == 1


def test_a_worker_killed_while_telegram_takes_the_video_sends_no_second_copy(
    product: Product,
    fake_telegram: FakeTelegram,
    nemo_double: NemoDouble,
    redis_server: RedisServer,
    phone_clip: Path,
):
    product.start("bot", **FAST_CHAT_ENV)
    worker = product.start("worker", **FAST_CHAT_ENV)
    chat = UserChat(fake_telegram, CHAT)
    chat.upload(phone_clip, "Uploaded")
    chat.ask("add background music", starts("Done"))
    fake_telegram.answer_late("sendVideo", 60)
    fake_telegram.send_text(CHAT, "export", user=chat.user)
    fake_telegram.wait_for(lambda m: m.chat_id == CHAT and m.media is not None, T)
    kill_horse(redis_server.client(), worker, "deliver-")
    fake_telegram.answer_late("sendVideo", 0)

    chat.wait(says("en", "delivery.uncertain"))
    assert len(fake_telegram.videos(CHAT)) == 1
    redis = redis_server.client()
    assert redis.scard(keys.active_renders_key()) == 0
    chat.ask("status", starts("Timeline"))


def test_a_group_that_becomes_a_supergroup_keeps_its_project(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    group, supergroup = -4_321, -1_004_321_000_001
    asha = User(811, first_name="Asha", username="asha811", language_code="en")
    fake_telegram.add_chat(group, "group", title="Creators")
    start_fast(product)
    bot = fake_telegram.bot.username
    fake_telegram.send_video(group, phone_clip, caption=f"/upload@{bot}", user=asha, chat_type="group")
    fake_telegram.wait_for(lambda m: m.chat_id == group and "Uploaded" in (m.text or ""), T)

    fake_telegram.migrate(group, supergroup, announce=True)
    fake_telegram.send_text(supergroup, f"/status@{bot}", user=asha, chat_type="supergroup")
    status = fake_telegram.wait_for(lambda m: m.chat_id == supergroup and "Timeline" in (m.text or ""), T)
    assert "Timeline (1 track)" in (status.text or "")
    assert fake_telegram.error_count(400) == 0  # nothing was sent to the old id after the move
