"""Long polling through real processes: a bot killed mid-burst loses no update and no reply (an update
is confirmed once recorded, its replies wait in Redis); two bots on one token back off with one clear
warning instead of a traceback a second."""

from __future__ import annotations

from functools import partial

import pytest

from bot import keys
from tests.e2e.conftest import Product
from tests.fakes.telegram_api import FakeTelegram
from tests.processes import RedisServer, Service, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("dump_logs")]
CHATS = [9_201 + n for n in range(20)]
T = 30.0
REPEATED = "getUpdates: still in conflict"  # the bot's debug line for a conflict after the first


def greeted(fake: FakeTelegram, chat_id: int) -> int:
    return sum("Send me a video" in (m.text or "") for m in fake.messages(chat_id))


def refused_again(bot: Service) -> bool:
    return REPEATED in bot.log()


def test_a_bot_killed_while_answering_a_burst_answers_every_update_after_its_restart(
    product: Product, fake_telegram: FakeTelegram, redis_server: RedisServer
):
    # Five replies a second: the burst of 20 takes the bot about 4 s, and the kill lands in the middle.
    first = product.start("bot", RATE_GLOBAL_PER_S="5")
    fake_telegram.wait_for_poll(T)
    for chat_id in CHATS:
        fake_telegram.send_text(chat_id, "/start")
    wait_for(lambda: len(fake_telegram.calls("sendMessage")) >= 3, T, "the bot to start answering")
    first.kill()
    answered_before = sum(greeted(fake_telegram, chat_id) > 0 for chat_id in CHATS)
    assert answered_before < len(CHATS)  # the kill landed mid-burst

    product.start("bot")
    wait_for(lambda: all(greeted(fake_telegram, c) for c in CHATS), T, "every chat's greeting")
    redis = redis_server.client()
    wait_for(lambda: not redis.exists(keys.intake_key("telegram"), keys.reply_chats_key()), T, "all sent")
    assert [greeted(fake_telegram, c) for c in CHATS] == [1] * len(CHATS)  # each once: none replayed twice
    assert fake_telegram.state.pending_count() == 0


def test_two_bots_on_one_token_log_one_warning_naming_the_setting_and_keep_answering(
    product: Product, fake_telegram: FakeTelegram
):
    # At DEBUG each bot notes every conflict after its first: that line in both logs proves that both were
    # refused again and again (the fake lets the newest poll win), not once each.
    first = product.start("bot", LOG_LEVEL="DEBUG")
    second = product.start("bot", LOG_LEVEL="DEBUG")
    wait_for(lambda: "409 Conflict" in first.log() + second.log(), T, "a conflict to be noticed")
    fake_telegram.send_text(CHATS[0], "/start")
    wait_for(lambda: greeted(fake_telegram, CHATS[0]), T, "the greeting")
    for bot in (first, second):
        wait_for(partial(refused_again, bot), T, "each bot to be refused again")

    for bot in (first, second):
        log = bot.log()
        assert log.count("409 Conflict") == 1 and "Traceback" not in log  # said once, for many refusals
    assert "TELEGRAM_BOT_TOKEN" in first.log() + second.log()
    assert greeted(fake_telegram, CHATS[0]) == 1
