"""The webhook app: only requests carrying Telegram's secret token reach the application.

The app is driven in-process through httpx's ASGI transport rather than Starlette's TestClient, which
(Starlette 1.10) warns at import unless the `httpx2` package is installed, and warnings are errors here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from redis.exceptions import ConnectionError as RedisConnectionError
from starlette.applications import Starlette
from telegram import Bot, Update

from bot.telegram.webhook import (
    MAX_UPDATE_BYTES,
    SECRET_HEADER,
    WebhookConfigError,
    build_webhook_app,
    webhook_config,
)

SECRET = "s3cr3t-Token_for-tests"
PATH = "/telegram/webhook"
UPDATE = {
    "update_id": 100_000_001,
    "message": {
        "message_id": 1,
        "date": 1_700_000_000,
        "chat": {"id": 42, "type": "private", "first_name": "Asha"},
        "from": {"id": 42, "is_bot": False, "first_name": "Asha"},
        "text": "hello",
    },
}


class StubIntake:
    """Records as the real intake does (raw updates), or fails as Redis does when `down`."""

    def __init__(self) -> None:
        self.items: list[Mapping[str, Any]] = []
        self.woken = 0
        self.down = False

    def record(self, updates: Sequence[Mapping[str, Any]]) -> None:
        if self.down:
            raise RedisConnectionError("Error 111 connecting to redis")
        self.items.extend(updates)

    def wake(self) -> None:
        self.woken += 1


@pytest.fixture
def queue() -> StubIntake:
    return StubIntake()


class Client:
    """Requests to the app, each in its own event loop (the app keeps no state between requests)."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(send())

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def get(self, path: str) -> httpx.Response:
        return self.request("GET", path)


@pytest.fixture
def client(queue: StubIntake) -> Client:
    bot = Bot("123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij")
    return Client(build_webhook_app(queue, queue.wake, bot, PATH, SECRET))


def test_an_update_with_the_secret_is_recorded_before_the_answer(client: Client, queue: StubIntake):
    response = client.post(PATH, json=UPDATE, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200
    [recorded] = queue.items
    update = Update.de_json(dict(recorded), Bot("123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"))
    assert update.update_id == 100_000_001
    assert update.message is not None and update.message.text == "hello"
    assert queue.woken == 1  # the runner handles it now, not at its next idle poll


def test_an_update_redis_cannot_record_is_a_503_so_telegram_sends_it_again(client: Client, queue: StubIntake):
    queue.down = True
    response = client.post(PATH, json=UPDATE, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 503
    assert (queue.items, queue.woken) == ([], 0)


@pytest.mark.parametrize(
    "given",
    [None, "", "wrong", SECRET[:-1], SECRET + "x"],
    ids=["missing", "empty", "wrong", "prefix", "longer"],
)
def test_a_request_without_the_right_secret_is_refused_and_never_queued(
    client: Client, queue: StubIntake, given: str | None
):
    headers = {} if given is None else {SECRET_HEADER: given}
    response = client.post(PATH, json=UPDATE, headers=headers)
    assert response.status_code == 403
    assert queue.items == []


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"message": {"text": "no update id"}}'])
def test_a_malformed_update_is_a_bad_request(client: Client, queue: StubIntake, body: bytes):
    response = client.post(PATH, content=body, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 400
    assert queue.items == []


def test_the_health_route_answers_without_a_secret(client: Client):
    response = client.get("/healthcheck")
    assert (response.status_code, response.text) == (200, "ok")


def test_updates_are_taken_only_on_the_configured_path(client: Client, queue: StubIntake):
    assert client.post("/other", json=UPDATE, headers={SECRET_HEADER: SECRET}).status_code == 404
    assert queue.items == []


def test_the_url_given_to_telegram_joins_the_public_base_and_the_path(settings):
    config = webhook_config(
        settings.model_copy(
            update={
                "telegram_webhook_url": "https://bot.example.com/",
                "telegram_webhook_path": "hooks/tg/",
                "telegram_webhook_secret": SecretStr(SECRET),
            }
        )
    )
    assert config.url == "https://bot.example.com/hooks/tg"
    assert (config.path, config.secret) == ("/hooks/tg", SECRET)


@pytest.mark.parametrize("secret", [None, "", "has spaces and ünïcode", "x" * 257])
def test_webhook_mode_refuses_to_start_without_a_usable_secret(settings, secret):
    configured = settings.model_copy(
        update={
            "telegram_webhook_url": "https://bot.example.com",
            "telegram_webhook_secret": None if secret is None else SecretStr(secret),
        }
    )
    with pytest.raises(WebhookConfigError, match="TELEGRAM_WEBHOOK_SECRET") as error:
        webhook_config(configured)
    if secret:
        assert secret not in str(error.value)


def test_a_huge_body_with_the_secret_is_refused_as_it_arrives(client: Client, queue: StubIntake):
    sent = []

    async def three_hundred_mb() -> AsyncIterator[bytes]:  # chunked: no Content-Length to check first
        for _ in range(300 * 16):
            sent.append(1)
            yield b" " * 65536

    declared = client.post(PATH, content=b" " * (MAX_UPDATE_BYTES + 1), headers={SECRET_HEADER: SECRET})
    chunked = client.post(PATH, content=three_hundred_mb(), headers={SECRET_HEADER: SECRET})
    assert (declared.status_code, chunked.status_code) == (413, 413)
    assert len(sent) * 65536 <= 2 * MAX_UPDATE_BYTES  # it stopped reading: 300 MB were never taken in
    assert queue.items == []
