"""Real phone videos and real group chats: Telegram's limits and small creator teams (real processes)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from bot.i18n import translate
from tests.e2e.conftest import Product
from tests.fakes.nemo_double import NemoDouble
from tests.fakes.telegram_api import Admin, FakeTelegram, User
from tests.media import ffmpeg_exe, make_tone_clip
from tests.processes import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("dump_logs")]
T = 30.0
MB = 1024 * 1024
CHAT = 6001
GROUP = -1001234567
TOPIC = 77
ASHA = User(801, first_name="Asha", username="asha", language_code="en")
RAVI = User(802, first_name="Ravi", username="ravi", language_code="en")
ADMIN = User(803, first_name="Meera", username="meera", language_code="en")


def big_video(path: Path, size: int) -> Path:
    """A real, playable MP4 (index at the front) padded to `size` bytes, as a long phone clip would be."""
    small = make_tone_clip(path.with_suffix(".small.mp4"))
    argv = [ffmpeg_exe(), "-v", "error", "-y", "-i", str(small), "-c", "copy", "-movflags", "+faststart"]
    subprocess.run([*argv, str(path)], check=True)
    with path.open("ab") as out:
        out.truncate(size)
    return path


def started(product: Product) -> None:
    product.start("bot")
    product.start("worker")


def test_a_25_mb_video_on_the_cloud_api_gets_the_two_ways_forward(
    product: Product, fake_telegram: FakeTelegram, tmp_path: Path
):
    started(product)
    fake_telegram.send_video(CHAT, big_video(tmp_path / "long.mp4", 25 * MB))
    message = fake_telegram.wait_for(lambda m: "25 MB" in (m.text or ""), T)
    assert "20 MB" in (message.text or "") and "link" in (message.text or "")
    assert fake_telegram.calls("getFile") == []


def test_the_same_video_with_a_self_hosted_bot_api_is_uploaded(
    tmp_path: Path, redis_server, fake_telegram_local: FakeTelegram, nemo_double: NemoDouble
):
    product = Product(tmp_path, fake_telegram_local.env() | {
        "REDIS_URL": redis_server.url, "NEMO_API_BASE": nemo_double.url, "WORK_DIR": str(tmp_path / "work"),
        "TELEGRAM_POLL_TIMEOUT_S": "1",
    })  # fmt: skip
    try:
        started(product)
        clip = big_video(tmp_path / "long.mp4", 25 * MB)
        fake_telegram_local.send_video(CHAT, clip)
        fake_telegram_local.wait_for(lambda m: (m.text or "").startswith("Uploaded"), T)
        assert nemo_double.calls("upload")[0].files[0].size == 25 * MB
    finally:
        product.stop()


def test_an_album_is_one_request_and_bad_files_get_clear_messages(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, tmp_path: Path, phone_clip: Path
):
    started(product)
    clips = [make_tone_clip(tmp_path / f"clip{n}.mp4", freq=300 + 100 * n) for n in range(3)]
    fake_telegram.send_media_group(CHAT, clips)
    done = fake_telegram.wait_for(lambda m: (m.text or "").startswith("Uploaded"), T)
    assert all(c.name in (done.text or "") for c in clips)
    acks = [
        m
        for m in fake_telegram.messages(CHAT)
        if m.callback_data and m.callback_data[0].startswith("cancel:")
    ]
    assert len(acks) <= 1 and len(nemo_double.calls("upload")) == 3

    pdf = tmp_path / "script.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    fake_telegram.send_document(CHAT, pdf)
    fake_telegram.wait_for(lambda m: m.text == translate("en", "upload.unsupported"), T)

    truncated = tmp_path / "cut.mp4"
    truncated.write_bytes(phone_clip.read_bytes()[: phone_clip.stat().st_size // 3])
    fake_telegram.send_video(CHAT, truncated)
    fake_telegram.wait_for(lambda m: m.text == translate("en", "upload.refused.truncated"), T)

    # The session survived all of it: the next edit works on the album.
    fake_telegram.send_text(CHAT, "add background music")
    fake_telegram.wait_for(lambda m: "act:export" in m.callback_data, T)
    assert len(nemo_double.calls("upload")) == 3


def test_a_60_mb_result_comes_as_a_download_link(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    nemo_double.use_large_output()
    started(product)
    fake_telegram.send_video(CHAT, phone_clip)
    fake_telegram.wait_for(lambda m: (m.text or "").startswith("Uploaded"), T)
    fake_telegram.send_text(CHAT, "add background music")
    fake_telegram.wait_for(lambda m: "act:export" in m.callback_data, T)
    fake_telegram.send_text(CHAT, "export")
    message = fake_telegram.wait_for(lambda m: "too large to send" in (m.text or ""), 60)
    assert f"({round(nemo_double.output.size / MB)} MB)" in (message.text or "")
    assert fake_telegram.videos(CHAT) == [] and fake_telegram.error_count(413) == 0


def test_a_team_edits_one_project_in_a_forum_topic_with_privacy_mode(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    fake_telegram.add_chat(GROUP, "supergroup", title="Creators", is_forum=True)
    fake_telegram.set_admins(GROUP, [Admin(ADMIN, owner=True)])
    started(product)
    bot = fake_telegram.bot.username

    fake_telegram.send_video(
        GROUP,
        phone_clip,
        caption=f"/edit@{bot} trim the silences",
        user=ASHA,
        chat_type="supergroup",
        thread_id=TOPIC,
    )
    asha_reply = fake_telegram.wait_for(lambda m: "act:export" in m.callback_data, T)
    assert asha_reply.message_thread_id == TOPIC

    fake_telegram.send_text(
        GROUP, f"@{bot} add background music", user=RAVI, chat_type="supergroup", thread_id=TOPIC
    )
    wait_for(lambda: len(nemo_double.turn_messages) == 2, T, "Ravi's edit")
    fake_telegram.send_text(
        GROUP, "status", user=RAVI, reply_to=asha_reply.message_id, chat_type="supergroup", thread_id=TOPIC
    )
    status = fake_telegram.wait_for(lambda m: (m.text or "").startswith("Timeline"), T)
    assert status.message_thread_id == TOPIC
    # One shared project: both edits went to the same backend session.
    assert len({r.json["session_id"] for r in nemo_double.calls("run_sse")}) == 1
    assert nemo_double.turn_messages == ["trim the silences", "add background music"]
    acks = [m.text or "" for m in fake_telegram.messages(GROUP) if m.text and ": " in m.text]
    assert any(t.startswith("Asha: ") for t in acks) and any(t.startswith("Ravi: ") for t in acks)

    # Chatter that does not address the bot is left alone.
    fake_telegram.send_text(GROUP, "looks great!", user=RAVI, chat_type="supergroup", thread_id=TOPIC)
    fake_telegram.send_text(GROUP, "/status", user=RAVI, chat_type="supergroup", thread_id=TOPIC)
    fake_telegram.wait_for(
        lambda m: (m.text or "").startswith("Timeline") and m.message_id != status.message_id, T
    )
    assert nemo_double.turn_messages == ["trim the silences", "add background music"]


def test_cancel_is_refused_to_another_member_and_allowed_to_an_admin(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    fake_telegram.add_chat(GROUP, "supergroup", title="Creators")
    fake_telegram.set_admins(GROUP, [Admin(ADMIN, owner=True)])
    started(product)
    bot = fake_telegram.bot.username
    fake_telegram.send_video(GROUP, phone_clip, caption=f"/upload@{bot}", user=ASHA, chat_type="supergroup")
    fake_telegram.wait_for(lambda m: (m.text or "").startswith("Asha: Uploaded") or
                           (m.text or "").startswith("Uploaded"), T)  # fmt: skip
    nemo_double.config.turn = "heartbeat_only"
    nemo_double.config.heartbeat_only_s = 60
    fake_telegram.send_text(GROUP, f"/edit@{bot} add background music", user=ASHA, chat_type="supergroup")
    ack = fake_telegram.wait_for(lambda m: any(d.startswith("cancel:") for d in m.callback_data), T)
    wait_for(lambda: len(nemo_double.calls("run_sse")) == 1, T, "the turn to start")

    fake_telegram.press_button(GROUP, ack.message_id, ack.callback_data[0], user=RAVI)
    fake_telegram.wait_for(lambda m: m.text == translate("en", "cancel.not_yours"), T)
    fake_telegram.press_button(GROUP, ack.message_id, ack.callback_data[0], user=ADMIN)
    fake_telegram.wait_for(lambda m: (m.text or "").startswith("Cancelled"), T)
    # The stopped turn does not block the group: the next request runs.
    nemo_double.config.turn = "text"
    fake_telegram.send_text(GROUP, f"/status@{bot}", user=RAVI, chat_type="supergroup")
    fake_telegram.wait_for(lambda m: (m.text or "").startswith("Timeline"), T)


def test_a_user_who_blocked_the_bot_gets_no_retry_storm(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path, redis_server
):
    started(product)
    fake_telegram.send_video(CHAT, phone_clip)
    fake_telegram.wait_for(lambda m: (m.text or "").startswith("Uploaded"), T)
    fake_telegram.send_text(CHAT, "add background music")
    fake_telegram.wait_for(lambda m: "act:export" in m.callback_data, T)
    fake_telegram.send_text(CHAT, "export")
    wait_for(lambda: nemo_double.calls("render_poll"), T, "the render to be followed")
    fake_telegram.block(CHAT)
    wait_for(lambda: fake_telegram.calls("sendVideo"), 60, "the delivery attempt")
    render_id = nemo_double.calls("render_submit")[0].json["id"]
    delivery = Job.fetch(f"deliver-{render_id}", connection=redis_server.client(), serializer=JSONSerializer)
    status = wait_for(lambda: _settled(delivery), T, "the delivery job to settle")
    assert status == JobStatus.FINISHED  # not failed, not scheduled for a retry
    # The worker keeps working for others: a second user's request is answered.
    fake_telegram.send_text(CHAT + 1, "/credits")
    fake_telegram.wait_for(lambda m: m.chat_id == CHAT + 1 and "Credits" in (m.text or ""), T)
    assert len(fake_telegram.calls("sendVideo")) == 1 and fake_telegram.error_count(403) >= 1


def _settled(job: Job) -> JobStatus | None:
    status = job.get_status(refresh=True)
    return status if status in (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.SCHEDULED) else None
