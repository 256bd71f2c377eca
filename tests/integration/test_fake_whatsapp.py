"""The fake Cloud API is as strict as Meta where the bot could go wrong (a real server on loopback)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.whatsapp import FakeWhatsApp

pytestmark = pytest.mark.integration
USER = "919812345001"


@pytest.fixture
def fake() -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp(pair_interval_s=60.0, pair_burst=2, statuses=False) as running:
        yield running


@pytest.fixture
def api(fake: FakeWhatsApp) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {fake.token}"}
    with httpx.Client(base_url=fake.api_base_url, headers=headers, timeout=10) as client:
        yield client


def send(api: httpx.Client, fake: FakeWhatsApp, content: dict[str, Any], to: str = USER) -> httpx.Response:
    body = {"messaging_product": "whatsapp", "to": to} | content
    return api.post(f"/{fake.phone_number_id}/messages", json=body)


def code(response: httpx.Response) -> int:
    return int(response.json()["error"]["code"])


def buttons(n: int, title: str = "Ok") -> dict[str, Any]:
    rows = [{"type": "reply", "reply": {"id": f"b{i}", "title": f"{title}{i}"}} for i in range(n)]
    interactive = {"type": "button", "body": {"text": "Pick"}, "action": {"buttons": rows}}
    return {"type": "interactive", "interactive": interactive}


def test_a_wrong_token_is_refused_with_190(fake: FakeWhatsApp):
    response = httpx.post(f"{fake.api_base_url}/{fake.phone_number_id}/messages", json={})
    assert response.status_code == 401 and code(response) == 190


def test_the_24_hour_window_and_the_pair_pacing(api: httpx.Client, fake: FakeWhatsApp):
    text = {"type": "text", "text": {"body": "hello"}}
    assert code(send(api, fake, text)) == 131047  # the user never wrote
    fake.open_window(USER)
    assert send(api, fake, text).json()["messages"][0]["id"].startswith("wamid.")
    assert send(api, fake, text).status_code == 200  # the burst of 2
    assert code(send(api, fake, text)) == 131056
    fake.close_window(USER)
    assert code(send(api, fake, text)) == 131047


def test_buttons_titles_and_text_lengths(api: httpx.Client, fake: FakeWhatsApp):
    fake.pair_burst = 100
    fake.open_window(USER)
    assert send(api, fake, buttons(3)).status_code == 200
    assert code(send(api, fake, buttons(4))) == 100
    assert code(send(api, fake, buttons(1, title="x" * 20))) == 100  # "x"*20 + "0" is 21 characters
    assert code(send(api, fake, {"type": "text", "text": {"body": "x" * 4097}})) == 100


def test_media_urls_need_the_token_and_expire(api: httpx.Client, fake: FakeWhatsApp, phone_clip: Path):
    media_id = fake.store_upload(phone_clip.read_bytes(), "video/mp4", None)
    info = api.get(f"/{media_id}").json()
    assert info["file_size"] == phone_clip.stat().st_size
    assert api.get(info["url"]).content == phone_clip.read_bytes()
    assert httpx.get(info["url"]).status_code == 401
    expired = info["url"].split("?")[0] + "?exp=1"
    assert api.get(expired).status_code == 404


def test_videos_must_be_h264_and_at_most_16_mb(api: httpx.Client, fake: FakeWhatsApp, tmp_path: Path):
    fake.pair_burst = 100
    fake.open_window(USER)
    big = tmp_path / "big.mp4"
    big.write_bytes(b"\0" * (16 * 1024 * 1024 + 1))
    with big.open("rb") as data:
        uploaded = api.post(
            f"/{fake.phone_number_id}/media",
            data={"messaging_product": "whatsapp", "type": "video/mp4"},
            files={"file": ("big.mp4", data, "video/mp4")},
        )
    media_id = uploaded.json()["id"]
    assert code(send(api, fake, {"type": "video", "video": {"id": media_id}})) == 131053
    document = {"type": "document", "document": {"id": media_id, "filename": "big.mp4"}}
    assert send(api, fake, document).status_code == 200
