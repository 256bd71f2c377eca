"""Webhook mode through a real `python -m bot`: Telegram's secret token is the only way in.

The fake Telegram records setWebhook but never pushes; the test plays Telegram and POSTs updates itself.
"""

from __future__ import annotations

import time

import httpx
import pytest

from bot import keys
from bot.i18n import translate
from bot.telegram.webhook import SECRET_HEADER
from tests.e2e.conftest import Product
from tests.fakes.telegram_api import FakeTelegram
from tests.processes import RedisServer, Service, free_port, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("dump_logs")]
SECRET = "e2e-Webhook_secret-0123456789"
PATH = "/hooks/telegram"
T = 20.0
GREETING = translate("en", "start.greeting", name="Test", limit_mb=20).split("!")[0]  # "Hi Test"


def start_update(update_id: int, chat_id: int, text: str = "/start") -> dict[str, object]:
    """What Telegram POSTs when a user sends a command in a private chat."""
    user = {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
            "from": user,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


class Webhook:
    """The bot in webhook mode on a free loopback port, and a client playing Telegram."""

    def __init__(self, product: Product, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = self.base + PATH
        self.service: Service = product.start(
            "bot",
            TELEGRAM_WEBHOOK_URL=self.base,
            TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
            TELEGRAM_WEBHOOK_PORT=str(self.port),
            TELEGRAM_WEBHOOK_PATH=PATH,
            LOG_LEVEL="DEBUG",
            **env,
        )

    def healthy(self) -> bool:
        try:
            return httpx.get(self.base + "/healthcheck", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def post(self, update: dict[str, object], secret: str | None) -> int:
        headers = {} if secret is None else {SECRET_HEADER: secret}
        return httpx.post(self.url, json=update, headers=headers, timeout=5).status_code


@pytest.fixture
def webhook(product: Product, fake_telegram: FakeTelegram) -> Webhook:
    running = Webhook(product, TELEGRAM_WEBHOOK_SECRET=SECRET)
    fake_telegram.wait_for_call("setWebhook", timeout=T)
    wait_for(running.healthy, T, "the webhook server to answer")
    return running


def test_the_bot_registers_its_webhook_and_answers_a_verified_update(
    webhook: Webhook, fake_telegram: FakeTelegram
):
    [call] = fake_telegram.calls("setWebhook")
    assert call.params["url"] == webhook.url
    assert call.params["secret_token"] == SECRET
    assert str(call.params.get("drop_pending_updates", False)).lower() == "false"
    assert {"message", "callback_query"} <= set(fake_telegram.state.allowed_updates)

    fake_telegram.add_chat(7001)
    assert webhook.post(start_update(1, 7001), SECRET) == 200
    reply = fake_telegram.wait_for(lambda m: m.chat_id == 7001, T)
    assert (reply.text or "").startswith(GREETING)


def test_requests_without_the_secret_are_refused_and_never_answered(
    webhook: Webhook, fake_telegram: FakeTelegram, product: Product
):
    for chat in (7002, 7003, 7004):  # known to the fake, so a reply to any of them would be delivered
        fake_telegram.add_chat(chat)
    assert webhook.post(start_update(1, 7002), None) == 403
    assert webhook.post(start_update(2, 7003), "not-the-secret") == 403
    # Updates are handled in order, so once this later one is answered the refused ones would have been too.
    assert webhook.post(start_update(3, 7004), SECRET) == 200
    fake_telegram.wait_for(lambda m: m.chat_id == 7004, T)
    assert fake_telegram.messages(7002) == [] and fake_telegram.messages(7003) == []

    webhook.service.stop()
    assert webhook.service.process.returncode == 0  # SIGTERM: a clean shutdown, not a kill
    log = webhook.service.log()
    assert "rejected" in log
    assert SECRET not in log


def test_webhook_mode_without_a_secret_refuses_to_start(product: Product, fake_telegram: FakeTelegram):
    webhook = Webhook(product)
    assert webhook.service.process.wait(T) != 0
    assert "TELEGRAM_WEBHOOK_SECRET is required" in webhook.service.log()
    assert fake_telegram.calls("setWebhook") == []


def test_a_bot_killed_right_after_answering_200_answers_every_update_once_after_its_restart(
    product: Product, fake_telegram: FakeTelegram, redis_server: RedisServer
):
    chats = [7101 + n for n in range(12)]
    for chat in chats:
        fake_telegram.add_chat(chat)
    # Two replies a second: the bot cannot have answered the burst when it is killed.
    first = Webhook(product, TELEGRAM_WEBHOOK_SECRET=SECRET, RATE_GLOBAL_PER_S="2")
    wait_for(first.healthy, T, "the webhook server to answer")
    statuses = [first.post(start_update(n + 1, chat), SECRET) for n, chat in enumerate(chats)]
    first.service.kill()
    assert statuses == [200] * len(chats)
    assert sum(greeted(fake_telegram, chat) for chat in chats) < len(chats)  # the kill landed mid-burst

    second = Webhook(product, TELEGRAM_WEBHOOK_SECRET=SECRET)
    wait_for(lambda: all(greeted(fake_telegram, chat) for chat in chats), T, "every chat's greeting")
    redis = redis_server.client()
    wait_for(lambda: not redis.exists(keys.intake_key("telegram"), keys.reply_chats_key()), T, "all sent")
    assert [greeted(fake_telegram, chat) for chat in chats] == [1] * len(chats)
    assert second.service.process.poll() is None


def greeted(fake: FakeTelegram, chat_id: int) -> int:
    return sum((m.text or "").startswith(GREETING) for m in fake.messages(chat_id))
