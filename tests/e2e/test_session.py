"""A video in, an edited MP4 out: the whole path through real processes."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from bot.i18n import translate
from tests.e2e.conftest import WEB, Product
from tests.e2e.kills import kill_horse
from tests.fakes.nemo_double import NemoDouble
from tests.fakes.telegram_api import FakeTelegram
from tests.processes import RedisServer, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("dump_logs")]
CHAT = 5001
T = 30.0


def texts(fake: FakeTelegram, chat: int = CHAT) -> list[str]:
    return [m.text or "" for m in fake.messages(chat)]


def upload(fake: FakeTelegram, clip: Path) -> None:
    fake.send_video(CHAT, clip)
    fake.wait_for(lambda m: (m.text or "").startswith('Uploaded "'), T)


def test_video_instruction_export_delivers_the_rendered_mp4(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    product.start("bot", LOG_LEVEL="DEBUG")
    product.start("worker", LOG_LEVEL="DEBUG")
    fake_telegram.send_text(CHAT, "/start")
    fake_telegram.wait_for(lambda m: "Send me a video" in (m.text or ""), T)

    upload(fake_telegram, phone_clip)
    # The acknowledgement was edited in place into the result, not followed by a second message.
    assert len(fake_telegram.messages(CHAT)) == 2
    assert translate("en", "ack.upload") not in texts(fake_telegram)
    uploaded = nemo_double.calls("upload")[0]
    assert uploaded.files and uploaded.files[0].size == phone_clip.stat().st_size

    fake_telegram.send_text(CHAT, "trim the silences and add background music")
    reply = fake_telegram.wait_for(lambda m: bool(m.callback_data) and "act:export" in m.callback_data, T)
    assert reply.text

    fake_telegram.send_text(CHAT, "export")
    video = fake_telegram.wait_for(lambda m: m.media is not None and m.media.kind == "video", T)
    assert video.media is not None and video.media.data is not None
    assert hashlib.sha256(video.media.data).hexdigest() == nemo_double.output.sha256
    assert video.media.supports_streaming and video.media.thumbnail
    assert (video.media.width, video.media.height) == (320, 240) and video.media.duration == 2
    # "export" is never sent to the stream; every call carried the attribution headers.
    assert nemo_double.turn_messages == ["trim the silences and add background music"]
    assert all(r.headers.get("x-skill-source") for r in nemo_double.requests if r.endpoint != "media")
    assert len(fake_telegram.videos(CHAT)) == 1
    # Neither the bot token nor a backend token reached a log line.
    tokens = [fake_telegram.token, *nemo_double.tokens]
    logs = "".join(service.log() for service in product.services)
    assert "Successfully completed" in logs  # the logs were captured, at DEBUG
    assert not [t for t in tokens if t in logs]


def test_out_of_credits_sends_the_registration_link(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    product.start("bot")
    product.start("worker")
    upload(fake_telegram, phone_clip)
    account = next(iter(nemo_double.accounts.values()))
    nemo_double.set_credits(account.user_id, 0)
    fake_telegram.send_text(CHAT, "add background music")
    message = fake_telegram.wait_for(lambda m: "out of credits" in (m.text or ""), T)
    urls = [b.url for row in message.buttons for b in row if b.url]
    assert urls == [f"{WEB}/register?bind={account.user_id}"]


def test_an_expired_token_is_renewed_silently(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    product.start("bot")
    product.start("worker")
    upload(fake_telegram, phone_clip)
    for token in list(nemo_double.tokens):
        nemo_double.expire_token(token)
    fake_telegram.send_text(CHAT, "add background music")
    fake_telegram.wait_for(lambda m: "act:export" in m.callback_data, T)
    client_ids = {r.headers["x-client-id"] for r in nemo_double.calls("anonymous_token")}
    assert len(nemo_double.calls("anonymous_token")) == 2 and len(client_ids) == 1
    assert not any("wrong" in t for t in texts(fake_telegram))


def test_a_redelivered_update_is_processed_once(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    product.start("bot")
    product.start("worker")
    upload(fake_telegram, phone_clip)
    update_id = fake_telegram.send_text(CHAT, "add background music")
    fake_telegram.wait_for(lambda m: "act:export" in m.callback_data, T)
    fake_telegram.redeliver(update_id)
    fake_telegram.send_text(CHAT, "status")
    fake_telegram.wait_for(lambda m: (m.text or "").startswith("Timeline"), T)
    assert nemo_double.turn_messages == ["add background music"]


def test_a_killed_worker_s_render_is_finished_by_another_and_delivered_once(
    product: Product,
    fake_telegram: FakeTelegram,
    nemo_double: NemoDouble,
    redis_server: RedisServer,
    phone_clip: Path,
):
    nemo_double.config.render_polls = 8
    product.start("bot")
    first = product.start("worker")
    upload(fake_telegram, phone_clip)
    fake_telegram.send_text(CHAT, "add background music")
    fake_telegram.wait_for(lambda m: "act:export" in m.callback_data, T)
    fake_telegram.send_text(CHAT, "export")
    wait_for(lambda: len(nemo_double.calls("render_poll")) >= 2, T, "the render to be followed")
    # Kill the horse in the middle of a poll (held by a late answer), then the worker itself: a crash.
    nemo_double.answer_late("render_poll", 60)
    polls_before = len(nemo_double.calls("render_poll"))
    kill_horse(redis_server.client(), first, "poll-")
    first.kill()
    killed_at = time.monotonic()
    nemo_double.answer_late("render_poll", 0)
    product.start("worker")
    wait_for(
        lambda: len(nemo_double.calls("render_poll")) > polls_before + 1, 60, "a new worker to resume polling"
    )
    print(f"time to resume after SIGKILL: {time.monotonic() - killed_at:.1f} s")
    fake_telegram.wait_for(lambda m: m.media is not None, 60)
    assert len(nemo_double.calls("render_submit")) == 1
    assert len(fake_telegram.videos(CHAT)) == 1


def test_a_result_over_the_upload_limit_comes_as_a_link(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    product.start("bot")
    product.start("worker", TELEGRAM_UPLOAD_LIMIT_BYTES=str(nemo_double.output.size - 1))
    upload(fake_telegram, phone_clip)
    fake_telegram.send_text(CHAT, "add background music")
    fake_telegram.wait_for(lambda m: "act:export" in m.callback_data, T)
    fake_telegram.send_text(CHAT, "export")
    message = fake_telegram.wait_for(lambda m: "too large to send" in (m.text or ""), T)
    assert next(b.url for row in message.buttons for b in row if b.url).startswith(nemo_double.url)
    assert fake_telegram.videos(CHAT) == []
