"""A Telegram chat with the self-hosted engine: real bot, workers, engine and speech model, fake Bot API.

The subtitles arrive as a file (sendDocument), once, even when the delivery job runs again; and a
transcription whose work horse is SIGKILLed by pid mid-job is retried, so the user gets captions once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import srt
from redis import Redis
from rq import Queue
from rq.job import Job
from rq.serializers import JSONSerializer

from bot.i18n import translate
from engine.words import say
from tests import media as m
from tests.e2e.conftest import FAST_CHAT_ENV, Product, UserChat
from tests.e2e.kills import kill_horse
from tests.fakes.telegram_api import FakeTelegram, SentMessage
from tests.processes import RedisServer, Service, answers, engine_settings_env, free_port, wait_for

pytest.importorskip("faster_whisper", reason="the `captions` extra is not installed")
pytestmark = [pytest.mark.e2e, pytest.mark.media]
CHAT = 4242
PHRASES = ["hello friends welcome back", "today we travel to the mountains", "thank you for watching"]


@dataclass
class Engine:
    url: str
    redis: Redis
    worker: Service


@pytest.fixture
def engine(tmp_path: Path, redis_server: RedisServer) -> Iterator[Engine]:
    """The engine's server and worker (speech and render queues) on db 1 of the test's Redis."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = engine_settings_env(f"{redis_server.url}?db=1", tmp_path / "engine", port, log_level="INFO")
    server = Service("engine", env, tmp_path / "engine.log")
    worker = Service("engine.worker", env, tmp_path / "engine-worker.log")
    try:
        wait_for(lambda: answers(url), 60, "the engine to start")
        yield Engine(url, Redis.from_url(f"{redis_server.url}?db=1"), worker)
    finally:
        worker.stop()
        server.stop()


@pytest.fixture
def talk(tmp_path: Path) -> Path:
    wav = tmp_path / "talk.wav"
    m.synth_speech(wav, "en", PHRASES, pause_s=0.6)
    return m.make_video_for_audio(wav, tmp_path / "talk.mp4")


def _chat(product: Product, fake: FakeTelegram, engine: Engine, talk: Path) -> UserChat:
    backend = {"NEMO_API_BASE": engine.url, "NEMO_WEB_URL": engine.url}
    product.start("bot", **FAST_CHAT_ENV, **backend)
    product.start("worker", **FAST_CHAT_ENV, **backend)
    chat = UserChat(fake, CHAT)
    chat.upload(talk, 'Uploaded "')
    return chat


def _documents(fake: FakeTelegram) -> list[SentMessage]:
    return [msg for msg in fake.messages(CHAT) if msg.media is not None and msg.media.kind == "document"]


def test_the_subtitles_come_as_a_file_once(product, fake_telegram, engine, talk, dump_logs):
    chat = _chat(product, fake_telegram, engine, talk)
    chat.ask("send the subtitles file", ".srt")
    document = chat.wait(lambda msg: msg.media is not None and msg.media.kind == "document")
    assert document.media is not None and document.media.data is not None
    assert document.media.file_name == "captions.srt"
    assert document.text == translate("en", "delivery.srt_caption")
    cues = list(srt.parse(document.media.data.decode("utf-8")))
    assert "mountains" in " ".join(cue.content for cue in cues).lower()
    # the delivery job runs again (a retry, a redelivered job): the marker keeps it from sending twice
    (job_id,) = [k.decode().removeprefix("rq:job:") for k in product_redis(product).keys("rq:job:document-*")]
    queue = Queue("nvb-media", connection=product_redis(product), serializer=JSONSerializer)
    job = queue.fetch_job(job_id)
    assert job is not None and job.func_name == "worker.jobs.documents.deliver_document"
    again = queue.enqueue("worker.jobs.documents.deliver_document", *job.args, job_id=f"{job_id}-again")
    wait_for(lambda: again.get_status(refresh=True) == "finished" or None, 30, "the repeated delivery")
    assert len(_documents(fake_telegram)) == 1
    chat.ask("clean up the voice", "Cleaned up the voice")
    status = chat.ask("status", translate("en", "status.voice_clean"))
    assert translate("en", "status.captions") not in (status.text or "")


def product_redis(product: Product) -> Redis:
    return Redis.from_url(product.env["REDIS_URL"])


def test_a_transcription_killed_mid_job_is_retried_and_captions_come_once(
    product, fake_telegram, engine, talk, dump_logs
):
    chat = _chat(product, fake_telegram, engine, talk)
    after = chat.mark()
    fake_telegram.send_text(CHAT, "add captions", user=chat.user)
    killed = kill_horse(engine.redis, engine.worker, "speech-", timeout=60)
    assert killed.startswith("speech-")
    chat.wait(lambda msg: (msg.text or "").startswith("Captions on:"), after, timeout=180)
    assert Job.fetch(killed, connection=engine.redis, serializer=JSONSerializer).retries_left == 0  # retried
    chat.wait(lambda msg: msg.text == translate("en", "progress.done"), after)  # the turn is over
    texts = [msg.text or "" for msg in chat.messages() if msg.message_id > after]
    assert sum(text.startswith("Captions on:") for text in texts) == 1, texts
    assert say("en", "edit.captions_failed") not in texts
    chat.ask("status", translate("en", "status.captions"))
