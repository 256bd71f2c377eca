"""WhatsApp end to end: `python -m bot.whatsapp` and `python -m worker` as real processes, with a real
redis-server, the fake Cloud API and the NemoVideo double on loopback."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from redis import Redis

from bot import keyboards, keys
from bot.i18n import translate
from tests.e2e.conftest import TIMEOUT_S, Product
from tests.e2e.kills import kill_horse
from tests.e2e.whatsapp_chat import PAIR_INTERVAL_S, WhatsAppChat, is_media, start_webhook, start_whatsapp
from tests.fakes.nemo_double import NemoDouble
from tests.fakes.whatsapp import FakeWhatsApp
from tests.processes import RedisServer, free_port, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("dump_logs")]
USER = "919812345001"
CLIP = "video.mp4"  # WhatsApp video messages carry no file name


@pytest.fixture
def fake_whatsapp() -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp(pair_interval_s=PAIR_INTERVAL_S, templates=("video_ready",)) as fake:
        yield fake


def test_an_english_session_from_video_to_delivered_mp4_through_duplicate_and_forged_webhooks(
    product: Product, fake_whatsapp: FakeWhatsApp, nemo_double: NemoDouble, phone_clip: Path
):
    nemo_double.config.render_polls = 1
    url = start_whatsapp(product, fake_whatsapp)
    # Meta's subscription handshake: the challenge back for the right token, 403 for any other.
    params = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "fake-verify-token"}
    assert httpx.get(url, params=params).text == "1158201444"
    assert httpx.get(url, params=params | {"hub.verify_token": "guess"}).status_code == 403

    chat = WhatsAppChat(fake_whatsapp, USER)
    ack = chat.upload(phone_clip, translate("en", "upload.done", name=CLIP, duration=3))
    # The first acknowledgement came with blue ticks and "typing…" on the user's message.
    assert len(fake_whatsapp.read) >= 1
    assert any(m.text == translate("en", "ack.upload") for m in chat.messages())
    assert ack.type in ("text", "interactive")

    # Unsigned, signed with another secret, or too big: refused before parsing, nothing reaches the editor.
    refused = fake_whatsapp.webhook_answers.count(403)
    assert fake_whatsapp.send_text(USER, "add music", signature=None)
    assert fake_whatsapp.send_text(USER, "add music", signature="sha256=" + "0" * 64)
    # (The fake's status webhooks are signed and answered 200 meanwhile: count the refusals.)
    assert fake_whatsapp.webhook_answers.count(403) == refused + 2
    assert httpx.post(url, content=b"x" * 4_000_000).status_code == 413

    # Meta delivers the same message twice, and once more later: one turn, one answer.
    wamid = fake_whatsapp.send_text(USER, "trim the silences and add background music", duplicate=True)
    changed = chat.wait(lambda m: keyboards.EXPORT in m.button_ids)
    fake_whatsapp.send_text(USER, "trim the silences and add background music", wamid=wamid)
    assert changed.type == "interactive" and changed.text.startswith("Done:")
    # The web editor's link cannot share a message with reply buttons: it is in the text.
    assert "https://web.nemo.test/workspace/claim?ct=clm_" in changed.text
    assert all(len(title) <= 20 for _, title in changed.buttons)

    video = chat.press(changed, keyboards.EXPORT, is_media("video"))
    assert video.media is not None
    assert hashlib.sha256(video.media.data).hexdigest() == nemo_double.output.sha256
    assert video.caption == translate("en", "delivery.caption")
    chat.wait(lambda m: m.text == translate("en", "progress.sent"))
    assert [m.type for m in chat.messages()].count("video") == 1
    # Statuses came back for what we sent; none of them became a message to answer.
    assert 200 in fake_whatsapp.webhook_answers
    assert nemo_double.turn_messages == ["trim the silences and add background music"]
    assert not any("add music" in m.text for m in chat.messages())
    assert sum(keyboards.EXPORT in m.button_ids for m in chat.messages()) == 1
    logs = product.logs()
    assert fake_whatsapp.token not in logs and fake_whatsapp.app_secret not in logs


@pytest.mark.parametrize(
    ("lang", "first", "instruction", "export"),
    [
        ("hi", "नमस्ते", "बैकग्राउंड में गाना लगाओ", "वीडियो भेजो"),
        ("hi-Latn", "bhai mera video edit karna hai", "silence hata do aur music daalo", "export karo"),
    ],
    ids=["devanagari", "hinglish"],
)
def test_a_hindi_session_is_answered_in_hindi_to_the_delivered_mp4(
    product: Product,
    fake_whatsapp: FakeWhatsApp,
    nemo_double: NemoDouble,
    phone_clip: Path,
    lang: str,
    first: str,
    instruction: str,
    export: str,
):
    nemo_double.config.render_polls = 1
    nemo_double.queue_turns("silent")
    start_whatsapp(product, fake_whatsapp)
    chat = WhatsAppChat(fake_whatsapp, USER)

    chat.ask(first, translate(lang, "turn.need_video"))
    chat.upload(phone_clip, translate(lang, "upload.done", name=CLIP, duration=3))
    changed = chat.ask(instruction, translate(lang, "turn.changed").split(":")[0])
    titles = [title for _, title in changed.buttons]
    assert titles == [translate(lang, "button.export")[:20], translate(lang, "button.timeline")[:20]]
    video = chat.ask(export, is_media("video"))
    assert video.caption == translate(lang, "delivery.caption")
    assert nemo_double.turn_messages == [instruction]
    assert next(iter(nemo_double.sessions.values())).language == "hi"


def test_a_render_over_16_mb_is_re_encoded_to_fit_as_a_phone_plays_it(
    product: Product, fake_whatsapp: FakeWhatsApp, nemo_double: NemoDouble, phone_clip: Path
):
    nemo_double.config.render_polls = 1
    nemo_double.queue_turns("silent")
    nemo_double.use_large_output()
    assert nemo_double.output.size > 16 * 1024 * 1024
    start_whatsapp(product, fake_whatsapp)
    chat = WhatsAppChat(fake_whatsapp, USER)
    chat.upload(phone_clip, translate("en", "upload.done", name=CLIP, duration=3))
    chat.ask("add music", translate("en", "turn.changed").split(":")[0])

    video = chat.ask("export", is_media("video"))
    assert video.media is not None and len(video.media.data) <= 16 * 1024 * 1024
    assert (video.media.video_codec, video.media.audio_codec) == ("h264", "aac")
    assert video.media.profile == "Main" and not video.media.has_b_frames
    assert video.caption == translate("en", "delivery.caption_reencoded", limit_mb=16)


def test_a_render_too_big_to_re_encode_well_comes_as_a_document(
    product: Product, fake_whatsapp: FakeWhatsApp, nemo_double: NemoDouble, phone_clip: Path
):
    nemo_double.config.render_polls = 1
    nemo_double.queue_turns("silent")
    nemo_double.use_large_output()
    # A floor above what 16 MB allows for this clip: re-encoding would look bad, so it is not tried.
    start_whatsapp(product, fake_whatsapp, WHATSAPP_MIN_VIDEO_KBPS="100000")
    chat = WhatsAppChat(fake_whatsapp, USER)
    chat.upload(phone_clip, translate("en", "upload.done", name=CLIP, duration=3))
    chat.ask("add music", translate("en", "turn.changed").split(":")[0])

    document = chat.ask("export", is_media("document"))
    assert document.media is not None
    assert hashlib.sha256(document.media.data).hexdigest() == nemo_double.output.sha256
    size_mb = round(nemo_double.output.size / 1024 / 1024)
    assert document.caption == translate("en", "delivery.caption_document", limit_mb=16, size_mb=size_mb)
    assert not any(m.type == "video" for m in chat.messages())


def _export_while_the_window_closes(
    chat: WhatsAppChat, fake: FakeWhatsApp, nemo: NemoDouble, bot_redis: Redis | None = None
) -> None:
    """Export; the render finishes only after 24 hours have passed since the user's last message (for
    Meta; for the bot too when `bot_redis` is given: the window's key has lived out its lifetime)."""
    chat.wait(lambda m: m.text == translate("en", "progress.done"))
    nemo.config.render_polls = 10_000
    fake.send_text(USER, "export")
    wait_for(lambda: nemo.calls("render_poll"), 30, "the render to be followed")
    fake.close_window(USER)
    if bot_redis is not None:
        bot_redis.delete(keys.whatsapp_window_key(int(USER)))
    nemo.config.render_polls = 1  # the next poll finds it done


def test_a_render_finishing_after_the_window_closed_goes_out_as_the_template(
    product: Product, fake_whatsapp: FakeWhatsApp, nemo_double: NemoDouble, phone_clip: Path
):
    nemo_double.queue_turns("silent")
    start_whatsapp(product, fake_whatsapp, WHATSAPP_READY_TEMPLATE="video_ready")
    chat = WhatsAppChat(fake_whatsapp, USER)
    chat.upload(phone_clip, translate("en", "upload.done", name=CLIP, duration=3))
    chat.ask("add music", translate("en", "turn.changed").split(":")[0])
    _export_while_the_window_closes(chat, fake_whatsapp, nemo_double)

    notice = chat.wait(lambda m: m.type == "template")
    assert (notice.template, notice.template_language) == ("video_ready", "en")
    assert notice.template_params[0].startswith(nemo_double.url)
    assert (USER, 131047) in fake_whatsapp.refused  # the free-form video was refused first
    assert not any(m.type == "video" for m in chat.messages())


def test_without_a_template_the_video_waits_for_the_user_to_write(
    product: Product, fake_whatsapp: FakeWhatsApp, nemo_double: NemoDouble, phone_clip: Path,
    redis_server: RedisServer,
):  # fmt: skip
    nemo_double.queue_turns("silent")
    start_whatsapp(product, fake_whatsapp)
    chat = WhatsAppChat(fake_whatsapp, USER)
    chat.upload(phone_clip, translate("en", "upload.done", name=CLIP, duration=3))
    chat.ask("add music", translate("en", "turn.changed").split(":")[0])
    redis = redis_server.client()
    # 24 hours pass on both sides: Meta's window and the bot's record of it (a key with a 24-hour lifetime).
    _export_while_the_window_closes(chat, fake_whatsapp, nemo_double, redis)
    deferred = keys.deferred_deliveries_key(f"whatsapp:{USER}")
    wait_for(lambda: redis.smembers(deferred), 30, "the video to wait for the user")
    # Known closed before the work: the render was neither downloaded nor uploaded, nothing refused.
    assert not nemo_double.calls("media") and not nemo_double.calls("render_download")
    assert not any(path.endswith("/media") for _, path, _ in fake_whatsapp.calls)
    assert (USER, 131047) not in fake_whatsapp.refused

    video = chat.ask("hi, any news?", is_media("video"))
    assert video.media is not None
    assert hashlib.sha256(video.media.data).hexdigest() == nemo_double.output.sha256
    assert [m.type for m in chat.messages()].count("video") == 1


def test_a_worker_killed_during_delivery_never_sends_a_second_copy(
    product: Product,
    fake_whatsapp: FakeWhatsApp,
    nemo_double: NemoDouble,
    phone_clip: Path,
    redis_server: RedisServer,
):
    nemo_double.config.render_polls = 1
    nemo_double.queue_turns("silent")
    start_whatsapp(product, fake_whatsapp)
    worker = product.services[-1]
    chat = WhatsAppChat(fake_whatsapp, USER)
    chat.upload(phone_clip, translate("en", "upload.done", name=CLIP, duration=3))
    chat.ask("add music", translate("en", "turn.changed").split(":")[0])

    fake_whatsapp.hold_uploads()
    fake_whatsapp.send_text(USER, "export")
    wait_for(lambda: fake_whatsapp.held_upload_ports, 30, "the video upload")
    # The horse running the delivery dies (proven) while Meta holds its upload.
    kill_horse(redis_server.client(), worker, "deliver-")
    fake_whatsapp.release_uploads()

    # The retry finds the delivery started and cannot know how far it got: the link, never a copy.
    link = chat.wait(lambda m: m.text == translate("en", "delivery.uncertain"))
    assert link.link is not None and link.link[1].startswith(nemo_double.url)
    assert not any(m.type in ("video", "document") for m in chat.messages())


def test_a_webhook_killed_right_after_answering_200_answers_every_sender_once_after_its_restart(
    product: Product, fake_whatsapp: FakeWhatsApp, redis_server: RedisServer
):
    users = [f"9198123460{n:02d}" for n in range(4)]
    port = free_port()
    first = start_webhook(product, fake_whatsapp, port)
    fake_whatsapp.connect(f"http://127.0.0.1:{port}/whatsapp/webhook")
    # The bot's first call for each chat (the read receipt) hangs: the kill lands before any answer.
    fake_whatsapp.read_receipts.hold()
    for user in users:
        fake_whatsapp.send_text(user, "hi")  # returns once Meta got its 200
    wait_for(lambda: fake_whatsapp.read_receipts.held_ports, TIMEOUT_S, "the first read receipt")
    first.kill()
    assert not any(fake_whatsapp.messages(user) for user in users)  # the kill landed before any answer
    fake_whatsapp.read_receipts.release()

    second = start_webhook(product, fake_whatsapp, port)
    wait_for(lambda: all(fake_whatsapp.messages(user) for user in users), TIMEOUT_S, "every answer")
    redis = redis_server.client()
    wait_for(lambda: not redis.exists(keys.reply_chats_key()), TIMEOUT_S, "every reply sent")
    assert [len(fake_whatsapp.messages(user)) for user in users] == [1] * len(users)
    assert second.process.poll() is None
