"""The webhook: Meta's handshake, signatures checked before parsing, durable first, once per wamid."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from bot import keys
from bot.conversation import Conversation
from bot.i18n import translate
from bot.models import ChatRef
from bot.outbox import Keyboard
from bot.whatsapp.webhook import WebhookSecrets, WhatsAppWebhook, build_webhook_app
from tests.unit.bot.test_conversation import Recorder
from tests.unit.bot.whatsapp.test_convert import USER, payload

SECRET = b"app-secret"
PATH = "/whatsapp/webhook"


class Outbox:
    def __init__(self) -> None:
        self.read: list[str] = []
        self.sent: list[tuple[int, str]] = []

    def mark_read(self, wamid: str) -> None:
        self.read.append(wamid)

    def send_text(self, chat: ChatRef, text: str, keyboard: Keyboard = ()) -> int:
        self.sent.append((chat.chat_id, text))
        return len(self.sent)


@pytest.fixture
def parts(redis, settings):
    queue, outbox, redelivered = Recorder(), Outbox(), []
    webhook = WhatsAppWebhook(
        Conversation(redis, settings, queue), outbox, redis, lambda r, a: redelivered.append((r, a))
    )
    app = build_webhook_app(webhook, PATH, WebhookSecrets(SECRET, b"verify-me"), 10_000)
    return TestClient(app), queue, outbox, redelivered


def post(client: TestClient, body: Any, signature: str | None = "good") -> int:
    raw = json.dumps(body).encode()
    headers = {"content-type": "application/json"}
    if signature == "good":
        headers["x-hub-signature-256"] = "sha256=" + hmac.new(SECRET, raw, hashlib.sha256).hexdigest()
    elif signature is not None:
        headers["x-hub-signature-256"] = signature
    return client.post(PATH, content=raw, headers=headers).status_code


def test_the_handshake_echoes_the_challenge_only_for_the_verify_token(parts):
    client = parts[0]
    ok = {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "42"}
    assert client.get(PATH, params=ok).text == "42"
    assert client.get(PATH, params=ok | {"hub.verify_token": "nope"}).status_code == 403
    assert client.get(PATH, params=ok | {"hub.mode": "unsubscribe"}).status_code == 403


def test_unsigned_badly_signed_and_oversized_posts_do_nothing(parts, redis):
    client, queue, outbox, _ = parts
    video = payload({"type": "video", "video": {"id": "1", "mime_type": "video/mp4"}})
    assert post(client, video, signature=None) == 403
    assert post(client, video, signature="sha256=" + "0" * 64) == 403
    assert post(client, video, signature="sha1=abc") == 403
    assert client.post(PATH, content=b"{" + b" " * 20_000 + b"}").status_code == 413
    assert queue.requests == [] and outbox.sent == [] and redis.keys("nvb:session:*") == []


def test_a_signed_video_is_queued_then_answered_with_a_read_receipt_first(parts):
    client, queue, outbox, _ = parts
    assert post(client, payload({"type": "video", "video": {"id": "1", "mime_type": "video/mp4"}})) == 200
    assert [r.kind for r in queue.requests] == ["upload"]
    assert queue.requests[0].chat.key == f"whatsapp:{USER}"
    assert outbox.read == ["wamid.A1"]
    assert outbox.sent == [(int(USER), translate("en", "ack.upload"))]


def test_a_redelivered_message_is_one_request(parts):
    client, queue, outbox, _ = parts
    body = payload({"type": "text", "text": {"body": "remove the silences"}})
    assert [post(client, body) for _ in range(3)] == [200, 200, 200]
    assert len(queue.requests) == 1 and len(outbox.sent) == 1


def test_statuses_are_recorded_and_answer_nothing(parts, redis):
    client, queue, outbox, _ = parts
    status = {"id": "wamid.OUT1", "status": "failed", "recipient_id": USER, "errors": [{"code": 131047}]}
    assert post(client, payload(status=status)) == 200
    assert redis.hgetall(keys.whatsapp_status_key("wamid.OUT1")) == {
        b"status": b"failed",
        b"error": b"131047",
    }
    assert queue.requests == [] and outbox.sent == []


def test_writing_again_opens_the_window_and_sends_the_videos_that_waited(parts, redis):
    client, _, _, redelivered = parts
    redis.sadd(keys.deferred_deliveries_key(f"whatsapp:{USER}"), "render-1")
    assert post(client, payload({"type": "text", "text": {"body": "hi"}})) == 200
    assert [r for r, _ in redelivered] == ["render-1"]
    assert redis.exists(keys.whatsapp_window_key(int(USER)))
    assert not redis.exists(keys.deferred_deliveries_key(f"whatsapp:{USER}"))
