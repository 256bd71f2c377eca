"""The outgoing path to Telegram: limits respected, Telegram's errors mapped, no token in errors."""

from __future__ import annotations

import json

import fakeredis
import httpx
import pytest

from bot.downloads import MB
from bot.migration import migrate_chat
from bot.models import ChatRef, MediaRef
from bot.outbox import AmbiguousSendError, Button, ChatUnavailableError, FileTooBigError, SendError
from bot.telegram.sender import TelegramOutbox

CHAT = ChatRef(chat_id=42)


class CountingLimiter:
    def __init__(self) -> None:
        self.redis = fakeredis.FakeRedis()
        self.calls: list[tuple[int, bool]] = []

        self.holds: list[float] = []

    def acquire(self, chat_id: int, is_group: bool = False, max_wait_s: float = 300.0) -> None:
        self.calls.append((chat_id, is_group))

    def hold(self, retry_after_s: float) -> None:
        self.holds.append(retry_after_s)


def outbox(settings, handler) -> tuple[TelegramOutbox, CountingLimiter]:
    limiter = CountingLimiter()
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return TelegramOutbox(settings, limiter, client), limiter  # type: ignore[arg-type]


def ok(result) -> httpx.Response:
    return httpx.Response(200, json={"ok": True, "result": result})


def test_long_text_is_cut_to_telegram_s_limit_and_booked_with_the_limiter(settings):
    sent: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(dict(httpx.QueryParams(request.content.decode())))
        return ok({"message_id": 5})

    box, limiter = outbox(settings, handler)
    assert box.send_text(CHAT, "x" * 5000) == 5
    assert len(sent[0]["text"]) == 4096 and limiter.calls == [(42, False)]


def test_flood_control_is_recorded_for_every_process_and_retried(settings):
    replies = iter(
        [
            httpx.Response(
                429,
                json={
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 3",
                    "parameters": {"retry_after": 3},
                },
            ),
            ok({"message_id": 9}),
        ]
    )
    box, limiter = outbox(settings, lambda request: next(replies))
    assert box.send_text(CHAT, "hello") == 9
    assert limiter.holds == [3.0] and len(limiter.calls) == 2


def test_a_timeout_after_the_request_went_out_is_ambiguous_and_a_refused_connection_is_not(settings):
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(AmbiguousSendError):
        outbox(settings, timeout)[0].send_text(CHAT, "hello")
    with pytest.raises(SendError) as caught:
        outbox(settings, refused)[0].send_text(CHAT, "hello")
    assert not isinstance(caught.value, AmbiguousSendError)


def test_a_blocked_bot_is_reported_without_the_token(settings):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            403,
            json={"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
        )

    box, _ = outbox(settings, handler)
    with pytest.raises(ChatUnavailableError) as caught:
        box.send_text(CHAT, "hello")
    assert settings.telegram_bot_token.get_secret_value() not in str(caught.value)


def test_an_unchanged_edit_is_not_an_error(settings):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400, json={"ok": False, "error_code": 400, "description": "Bad Request: message is not modified"}
        )

    box, _ = outbox(settings, handler)
    assert box.edit_text(CHAT, 3, "same") == 3


def test_a_message_too_old_to_edit_is_sent_anew(settings):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("editMessageText"):
            return httpx.Response(
                400,
                json={
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: message to edit not found",
                },
            )
        return ok({"message_id": 11})

    box, _ = outbox(settings, handler)
    assert box.edit_text(CHAT, 3, "progress") == 11


def test_callback_data_over_64_bytes_is_refused_before_sending(settings):
    box, _ = outbox(settings, lambda request: ok({"message_id": 1}))
    with pytest.raises(ValueError):
        box.send_text(CHAT, "hi", ((Button("x", "retry:" + "9" * 60),),))


def test_topics_are_answered_in_their_thread(settings):
    seen: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(httpx.QueryParams(request.content.decode())))
        return ok({"message_id": 1})

    box, _ = outbox(settings, handler)
    box.send_text(
        ChatRef(chat_id=-100, thread_id=77, is_group=True), "hi", ((Button("Export", "act:export"),),)
    )
    assert seen[0]["message_thread_id"] == "77"
    assert json.loads(seen[0]["reply_markup"])["inline_keyboard"][0][0]["callback_data"] == "act:export"


class CommandLog(fakeredis.FakeRedis):
    """A Redis that notes the names of the commands it is sent."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.commands: list[str] = []

    def execute_command(self, *args, **options):
        self.commands.append(str(args[0]).upper())
        return super().execute_command(*args, **options)


def test_sends_look_a_migration_up_only_for_basic_groups_and_once_it_is_known(settings):
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(dict(httpx.QueryParams(request.content.decode()))["chat_id"])
        return ok({"message_id": 5})

    box, limiter = outbox(settings, handler)
    limiter.redis = redis = CommandLog()
    private, supergroup = CHAT, ChatRef(chat_id=-1001234567890, is_group=True)
    for chat in (private, supergroup, private, supergroup):
        box.send_text(chat, "hello")
    assert redis.commands == []  # neither can migrate: no lookup per send
    group = ChatRef(chat_id=-4242, is_group=True)
    box.send_text(group, "hello")
    assert redis.commands == ["GET"]  # a basic group may have moved meanwhile (seen by another process)
    migrate_chat(redis, "telegram", -4242, -1004242)
    redis.commands.clear()
    for _ in range(3):
        box.send_text(group, "hello")
    assert redis.commands == ["GET"] and sent[-3:] == ["-1004242"] * 3  # the move, read once, is kept


def serving(file_size, data: bytes, downloads: list[str]):
    """A Bot API whose getFile declares `file_size` (or none) and whose file server streams `data`."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/getFile"):
            found = {"file_id": "f1", "file_path": "videos/file_1.mp4"}
            return ok(found if file_size is None else found | {"file_size": file_size})
        downloads.append(request.url.path)
        return httpx.Response(200, content=data)

    return handler


def test_a_file_of_no_declared_size_is_counted_as_it_streams_and_stopped_over_the_limit(settings, tmp_path):
    settings = settings.model_copy(update={"telegram_download_limit_bytes": 3 * MB})
    downloads: list[str] = []
    box, _ = outbox(settings, serving(None, b"v" * (2 * MB), downloads))
    media = MediaRef(kind="video", file_id="f1")  # an update may leave file_size out
    assert box.fetch_media(media, tmp_path / "ok.mp4").stat().st_size == 2 * MB
    box, _ = outbox(settings, serving(None, b"v" * (3 * MB + 1), downloads))
    with pytest.raises(FileTooBigError):
        box.fetch_media(media, tmp_path / "big.mp4")
    assert len(downloads) == 2 and (tmp_path / "big.mp4").stat().st_size <= 3 * MB


@pytest.mark.parametrize("size", [21 * MB, str(21 * MB), "9" * 5000])
def test_a_size_over_the_limit_in_getfiles_answer_is_refused_before_the_download(settings, tmp_path, size):
    downloads: list[str] = []
    box, _ = outbox(settings, serving(size, b"v", downloads))
    with pytest.raises(FileTooBigError):
        box.fetch_media(MediaRef(kind="video", file_id="f1"), tmp_path / "x.mp4")
    assert downloads == []


def test_a_getfile_answer_without_a_path_is_a_send_error_not_a_crash(settings, tmp_path):
    box, _ = outbox(settings, lambda request: ok({"file_id": "f1", "file_size": 10}))
    with pytest.raises(SendError):
        box.fetch_media(MediaRef(kind="video", file_id="f1"), tmp_path / "x.mp4")
