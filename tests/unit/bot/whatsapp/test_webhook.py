"""The webhook: Meta's handshake, signatures checked before parsing, durable first, once per wamid."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from bot import keys
from bot.conversation import Conversation
from bot.i18n import translate
from bot.models import ChatRef
from bot.outbox import Keyboard
from bot.replies import QueuedReply, ReplyQueue, ReplySender
from bot.whatsapp.convert import update_id_from_wamid
from bot.whatsapp.webhook import WebhookSecrets, WhatsAppWebhook, build_webhook_app
from tests.unit.bot.test_conversation import Recorder
from tests.unit.bot.whatsapp.test_convert import USER, payload

SECRET = b"app-secret"
PATH = "/whatsapp/webhook"


class Outbox:
    """The outgoing path as the reply sender sees it; `gate` (when given) holds every send until it is set."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.sent: list[tuple[int, str]] = []
        self.gate = gate
        self.lock = threading.Condition()

    def send_text(
        self, chat: ChatRef, text: str, keyboard: Keyboard = (), *, on_wire: Callable[[], None] | None = None
    ) -> int:
        if on_wire is not None:
            on_wire()
        if self.gate is not None:
            self.gate.wait(30)
        with self.lock:
            self.sent.append((chat.chat_id, text))
            self.lock.notify_all()
            return len(self.sent)


def build(redis, settings, outbox: Outbox) -> tuple[TestClient, Recorder, list[tuple[str, str]]]:
    queue, redelivered = Recorder(), []
    conversation = Conversation(redis, settings, queue)
    replies = ReplyQueue(redis)
    webhook = WhatsAppWebhook(conversation, replies, redis, lambda r, a: redelivered.append((r, a)))
    sender = ReplySender(replies, outbox, conversation.record_progress_message, idle_poll_s=0.05)  # type: ignore[arg-type]
    app = build_webhook_app(webhook, sender, PATH, WebhookSecrets(SECRET, b"verify-me"), 10_000)
    return TestClient(app), queue, redelivered


def queued(redis, user: str = USER) -> list[str]:
    """The texts queued for the user (the sender is not running: the client is not started)."""
    raw = redis.lrange(keys.reply_queue_key(f"whatsapp:{user}"), 0, -1)
    return [QueuedReply.from_json(entry).text for entry in raw]


@pytest.fixture
def parts(redis, settings):
    client, queue, redelivered = build(redis, settings, Outbox())
    return client, queue, redelivered


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
    client, queue, _ = parts
    video = payload({"type": "video", "video": {"id": "1", "mime_type": "video/mp4"}})
    assert post(client, video, signature=None) == 403
    assert post(client, video, signature="sha256=" + "0" * 64) == 403
    assert post(client, video, signature="sha1=abc") == 403
    assert client.post(PATH, content=b"{" + b" " * 20_000 + b"}").status_code == 413
    assert queue.requests == [] and queued(redis) == [] and redis.keys("nvb:session:*") == []


def test_a_signed_video_is_queued_and_its_answer_queued_with_the_seen_mark(parts, redis):
    client, queue, _ = parts
    assert post(client, payload({"type": "video", "video": {"id": "1", "mime_type": "video/mp4"}})) == 200
    assert [r.kind for r in queue.requests] == ["upload"]
    assert queue.requests[0].chat.key == f"whatsapp:{USER}"
    assert queued(redis) == [translate("en", "ack.upload")]
    assert redis.get(keys.whatsapp_unread_key(int(USER))) == b"wamid.A1"  # its read receipt goes first
    assert redis.exists(keys.update_seen_key("whatsapp", update_id_from_wamid("wamid.A1")))


def test_a_redelivered_message_is_one_request(parts, redis):
    client, queue, _ = parts
    body = payload({"type": "text", "text": {"body": "remove the silences"}})
    assert [post(client, body) for _ in range(3)] == [200, 200, 200]
    assert len(queue.requests) == 1 and len(queued(redis)) == 1


def test_a_junk_message_in_a_batch_is_skipped_and_the_others_answered(parts, redis):
    client, queue, _ = parts
    body = payload({"type": "text", "text": {"body": "remove the silences"}})
    messages = body["entry"][0]["changes"][0]["value"]["messages"]
    messages[:0] = [{"from": USER, "id": "wamid.J", "type": "interactive", "interactive": "yes"}]
    messages.append({"from": "919800000002", "id": "wamid.A2", "type": "text", "text": {"body": "hi"}})
    assert post(client, body) == 200
    assert len(queue.requests) == 2 and len(queued(redis)) == 1 and len(queued(redis, "919800000002")) == 1


def test_receiving_never_waits_for_replies_stuck_in_the_pacing(redis, settings):
    """Every send hangs (the 6-second pacing per user, a slow Graph API): Meta still gets each 200."""
    gate = threading.Event()
    outbox = Outbox(gate)
    client, _, _ = build(redis, settings, outbox)
    users = [f"9198000001{n:02d}" for n in range(40)]
    answers: list[int] = []
    with client:
        done = threading.Thread(
            target=lambda: answers.extend(post(client, payload_from(user)) for user in users), daemon=True
        )
        done.start()
        done.join(60)  # bounded only so that a broken build fails instead of hanging
        stuck = not outbox.sent
        gate.set()
        with outbox.lock:
            outbox.lock.wait_for(lambda: len(outbox.sent) == len(users), 30)
    assert stuck and answers == [200] * len(users)
    assert sorted(chat for chat, _ in outbox.sent) == sorted(int(user) for user in users)


def payload_from(user: str) -> dict[str, Any]:
    body = payload({"type": "text", "text": {"body": "hi"}, "from": user, "id": f"wamid.{user}"})
    body["entry"][0]["changes"][0]["value"]["contacts"] = []
    return body


def test_statuses_are_recorded_and_answer_nothing(parts, redis):
    client, queue, _ = parts
    status = {"id": "wamid.OUT1", "status": "failed", "recipient_id": USER, "errors": [{"code": 131047}]}
    assert post(client, payload(status=status)) == 200
    assert redis.hgetall(keys.whatsapp_status_key("wamid.OUT1")) == {
        b"status": b"failed",
        b"error": b"131047",
    }
    assert queue.requests == [] and queued(redis) == []


def test_writing_again_opens_the_window_and_sends_the_videos_that_waited(parts, redis):
    client, _, redelivered = parts
    redis.sadd(keys.deferred_deliveries_key(f"whatsapp:{USER}"), "render-1")
    assert post(client, payload({"type": "text", "text": {"body": "hi"}})) == 200
    assert [r for r, _ in redelivered] == ["render-1"]
    assert redis.exists(keys.whatsapp_window_key(int(USER)))
    assert not redis.exists(keys.deferred_deliveries_key(f"whatsapp:{USER}"))
