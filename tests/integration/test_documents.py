"""A subtitles file goes out as a document on each channel, under its own name, against the fakes; a
turn's delivery jobs send each of its files once, and a file too large to send as its link."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from rq import SimpleWorker
from rq.job import Job
from rq.serializers import JSONSerializer
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot import keys
from bot.i18n import translate
from bot.models import ChatRef
from bot.models import Request as BotRequest
from bot.outbox import DocumentFile
from bot.settings import Settings
from tests.fakes.servers import ServerThread
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_fixtures import bot_settings
from tests.fakes.whatsapp import FakeWhatsApp
from tests.processes import RedisServer
from worker import context, enqueue
from worker.context import Context, open_outbox
from worker.jobs import turn
from worker.jobs.documents import MAX_DOCUMENT_BYTES

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


def _srt_server(files: dict[str, bytes]) -> ServerThread:
    """The backend's published files, each at `/<name>` (the engine's file route serves them so)."""

    async def serve(request: Request) -> Response:
        body = files.get(request.path_params["name"])
        if body is None:
            return Response(status_code=404)
        return Response(body, media_type="application/x-subrip")

    return ServerThread(Starlette(routes=[Route("/{name}", serve)]))


def _run_turn_files(
    redis_server: RedisServer, fake: FakeTelegram, tmp_path: Path, monkeypatch, urls: list[str]
) -> list[Job]:
    """A turn that produced `urls` hands them to delivery jobs, which a worker then runs (in this process)."""
    settings = bot_settings(fake, redis_server.url, tmp_path)
    redis = redis_server.client()
    ctx = Context(settings, redis)
    monkeypatch.setattr(context, "_current", ctx)
    request = BotRequest(request_id="telegram:77:5", kind="edit", chat=ChatRef(chat_id=77), user_id=7)
    ctx.requests.save(request)
    turn._send_files(ctx, request, urls)
    queue = enqueue.queue(redis, enqueue.MEDIA)
    jobs = queue.get_jobs()
    SimpleWorker([queue], connection=redis, serializer=JSONSerializer).work(burst=True)
    return [Job.fetch(job.id, connection=redis, serializer=JSONSerializer) for job in jobs]


def test_two_subtitles_files_of_one_turn_both_arrive(redis_server, tmp_path, monkeypatch) -> None:
    second = SRT.replace("hello friends", "namaste doston")
    with FakeTelegram() as fake, _srt_server({"a.srt": SRT.encode(), "b.srt": second.encode()}) as files:
        fake.add_chat(77)
        jobs = _run_turn_files(
            redis_server, fake, tmp_path, monkeypatch, [f"{files.url}/a.srt", f"{files.url}/b.srt"]
        )
        documents = [m.media for m in fake.messages(77) if m.method == "sendDocument"]
    assert [job.get_status() for job in jobs] == ["finished", "finished"]
    assert [(d.file_name, d.data) for d in documents if d is not None] == [
        ("captions.srt", SRT.encode()),
        ("captions-2.srt", second.encode()),
    ]


def test_a_subtitles_file_too_large_to_send_comes_as_its_link_without_a_retry(
    redis_server, tmp_path, monkeypatch
) -> None:
    huge = SRT.encode() * (MAX_DOCUMENT_BYTES // len(SRT) + 10)
    with FakeTelegram() as fake, _srt_server({"huge.srt": huge}) as files:
        fake.add_chat(77)
        url = f"{files.url}/huge.srt"
        (job,) = _run_turn_files(redis_server, fake, tmp_path, monkeypatch, [url])
        messages = fake.messages(77)
    assert job.get_status() == "finished"  # not failed: RQ retries only a failed job (then it is "scheduled")
    assert [m.method for m in messages] == ["sendMessage"]
    assert messages[0].text == translate("en", "delivery.srt_too_large")
    assert [b.url for row in messages[0].buttons for b in row] == [url]
