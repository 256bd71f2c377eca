"""The outgoing path: a user's file (the lookup's size is untrusted, the bearer token goes to no URL that
could leak it) and the read receipt before the first answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot import keys
from bot.downloads import MB
from bot.models import ChatRef, MediaRef
from bot.outbox import FileTooBigError, SendError
from bot.ratelimit import Rate, RateLimiter
from bot.whatsapp.sender import WhatsAppOutbox

GRAPH = "https://graph.facebook.com/v23.0"
TOKEN = "EAAG-the-access-token"
DATA = b"\x00\x00\x00\x18ftypmp42" + b"x" * 1000


class Graph:
    """The Graph API's media lookup and Meta's media host, as strict as they are about the token."""

    def __init__(self, lookup: dict[str, Any]) -> None:
        self.lookup = lookup
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return httpx.Response(401, json={"error": {"code": 190, "message": "Invalid OAuth token"}})
        if request.method == "POST" and request.url.path.endswith("/messages"):
            read = json.loads(request.content).get("status") == "read"
            return httpx.Response(200, json={"success": True} if read else {"messages": [{"id": "wamid.O"}]})
        if request.url.path.endswith("/4490709327384033"):
            return httpx.Response(200, json=self.lookup)
        return httpx.Response(200, content=DATA)

    def token_sent_to(self) -> list[str]:
        return [str(r.url) for r in self.requests if "authorization" in r.headers]


class NoWaiting(RateLimiter):
    """Every slot free (fakeredis runs no Lua; the limiter has its own tests on a real Redis)."""

    def try_acquire(self, rates: list[Rate]) -> float:
        return 0.0


def fetch(redis, settings, tmp_path: Path, graph: Graph, base: str = GRAPH) -> Path:
    settings = settings.model_copy(update={"whatsapp_api_base_url": base})
    client = httpx.Client(transport=httpx.MockTransport(graph), headers={"Authorization": f"Bearer {TOKEN}"})
    outbox = WhatsAppOutbox(settings, redis, RateLimiter.from_settings(redis, settings), client)
    media = MediaRef(kind="video", file_id="4490709327384033", mime_type="video/mp4")
    try:
        return outbox.fetch_media(media, tmp_path / "in" / "clip.mp4")
    finally:
        outbox.close()


def lookup(**fields: Any) -> dict[str, Any]:
    url = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=4490709327384033&ext=1"
    return {
        "messaging_product": "whatsapp",
        "url": url,
        "mime_type": "video/mp4",
        "id": "4490709327384033",
    } | fields


@pytest.mark.parametrize("size", ["1034", 1034, "lots", None, -5, True, 10.5, {"bytes": 1}, "١٠٣٤"])
def test_a_size_of_any_shape_is_clamped_and_the_bytes_still_counted(redis, settings, tmp_path, size):
    path = fetch(redis, settings, tmp_path, Graph(lookup(file_size=size)))
    assert path.read_bytes() == DATA


@pytest.mark.parametrize("size", [101 * MB, str(101 * MB), "9" * 40, "9" * 5000, 10**100])
def test_a_declared_size_over_the_limit_is_refused_before_the_download(redis, settings, tmp_path, size):
    graph = Graph(lookup(file_size=size))
    with pytest.raises(FileTooBigError):
        fetch(redis, settings, tmp_path, graph)
    assert len(graph.requests) == 1  # the lookup only


@pytest.mark.parametrize(
    "url",
    [
        "http://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1",  # the token in clear text
        "http://graph.facebook.com/v23.0/download/1",  # the Graph API's host, but not over TLS
        "ftp://lookaside.fbsbx.com/1",
        "https://collector.example.com/media/1",  # TLS, but not Meta's: a tampered answer
        "https://lookaside.fbsbx.com.example.com/1",
        "https:///no-host",
        "not a url",
        7,
        None,
    ],
)
def test_the_token_never_travels_unencrypted_or_off_meta_or_to_a_url_of_an_odd_shape(
    redis, settings, tmp_path, url
):
    graph = Graph(lookup(file_size=1034, url=url))
    with pytest.raises(SendError):
        fetch(redis, settings, tmp_path, graph)
    assert graph.token_sent_to() == [f"{GRAPH}/4490709327384033"]


def test_a_graph_api_on_loopback_may_serve_its_own_downloads_over_http(redis, settings, tmp_path):
    """Tests point WHATSAPP_API_BASE_URL at a local fake: its own scheme, host and port are trusted."""
    base = "http://127.0.0.1:8765"
    own = Graph(lookup(file_size=1034, url=f"{base}/download/1?exp=9"))
    assert fetch(redis, settings, tmp_path, own, base).read_bytes() == DATA
    for elsewhere in ("http://127.0.0.1:8766/download/1", "http://evil.test:8765/download/1"):
        graph = Graph(lookup(file_size=1034, url=elsewhere))
        with pytest.raises(SendError):
            fetch(redis, settings, tmp_path, graph, base)
        assert graph.token_sent_to() == [f"{base}/4490709327384033"]


def test_a_media_id_cannot_reach_another_graph_endpoint(redis, settings, tmp_path):
    graph = Graph(lookup(file_size=1034))
    settings = settings.model_copy(update={"whatsapp_api_base_url": GRAPH})
    client = httpx.Client(transport=httpx.MockTransport(graph), headers={"Authorization": f"Bearer {TOKEN}"})
    outbox = WhatsAppOutbox(settings, redis, RateLimiter.from_settings(redis, settings), client)
    with pytest.raises(SendError):
        outbox.fetch_media(MediaRef(kind="video", file_id="../106540352242922/messages"), tmp_path / "x")
    assert [r.url.raw_path for r in graph.requests] == [b"/v23.0/..%2F106540352242922%2Fmessages"]


def test_the_first_answer_to_a_message_sends_its_read_receipt_first_and_once(redis, settings, tmp_path):
    graph = Graph(lookup())
    settings = settings.model_copy(update={"whatsapp_api_base_url": GRAPH, "whatsapp_phone_number_id": "106"})
    client = httpx.Client(transport=httpx.MockTransport(graph), headers={"Authorization": f"Bearer {TOKEN}"})
    outbox = WhatsAppOutbox(settings, redis, NoWaiting.from_settings(redis, settings), client)
    chat = ChatRef(channel="whatsapp", chat_id=919812345001)
    redis.set(keys.whatsapp_window_key(chat.chat_id), "wamid.A1")
    redis.set(keys.whatsapp_unread_key(chat.chat_id), "wamid.A1")  # what the webhook leaves
    outbox.send_text(chat, "got it")
    outbox.send_text(chat, "done")
    bodies = [json.loads(r.content) for r in graph.requests]
    assert [b.get("status") or b["text"]["body"] for b in bodies] == ["read", "got it", "done"]
    assert bodies[0]["message_id"] == "wamid.A1" and bodies[0]["typing_indicator"] == {"type": "text"}
