"""A subtitles file goes out as a document on each channel, under its own name, against the fakes."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from bot import keys
from bot.models import ChatRef
from bot.outbox import DocumentFile
from bot.settings import Settings
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_fixtures import bot_settings
from tests.fakes.whatsapp import FakeWhatsApp
from tests.processes import RedisServer
from worker.context import open_outbox

SRT = "1\n00:00:00,500 --> 00:00:02,000\nhello friends\n"


def _file(tmp_path: Path) -> DocumentFile:
    path = tmp_path / "captions.srt"
    path.write_text(SRT, encoding="utf-8")
    return DocumentFile(path, "captions.srt")


def test_telegram_gets_send_document_with_the_file_name(redis_server: RedisServer, tmp_path: Path) -> None:
    with FakeTelegram() as fake:
        fake.add_chat(77)
        settings = bot_settings(fake, redis_server.url, tmp_path)
        outbox = open_outbox("telegram", settings, redis_server.client())
        outbox.send_document(ChatRef(chat_id=77), _file(tmp_path), "your captions")
        outbox.close()
        (message,) = fake.messages(77)
    assert message.method == "sendDocument" and message.text == "your captions"
    assert message.media is not None and message.media.file_name == "captions.srt"
    assert message.media.data == SRT.encode()


def test_whatsapp_gets_a_document_message_with_the_file_name(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    user = 919800000001
    with FakeWhatsApp(pair_interval_s=0.05) as fake:
        fake.open_window(str(user))
        env = fake.env()
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            whatsapp_access_token=SecretStr(env["WHATSAPP_ACCESS_TOKEN"]),
            whatsapp_phone_number_id=env["WHATSAPP_PHONE_NUMBER_ID"],
            whatsapp_app_secret=SecretStr(env["WHATSAPP_APP_SECRET"]),
            whatsapp_verify_token=SecretStr(env["WHATSAPP_VERIFY_TOKEN"]),
            whatsapp_api_base_url=env["WHATSAPP_API_BASE_URL"],
            redis_url=redis_server.url,
            work_dir=tmp_path,
        )
        redis = redis_server.client()
        redis.set(keys.whatsapp_window_key(user), "1")  # the user wrote lately (the webhook records it)
        outbox = open_outbox("whatsapp", settings, redis)
        outbox.send_document(ChatRef(channel="whatsapp", chat_id=user), _file(tmp_path), "your captions")
        outbox.close()
        (message,) = fake.messages(str(user))
    assert message.type == "document" and message.filename == "captions.srt"
    assert message.caption == "your captions"
    assert message.media is not None and message.media.data == SRT.encode()
    assert message.media.mime_type == "text/plain"
