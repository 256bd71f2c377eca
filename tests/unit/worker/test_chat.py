"""The progress message: one message per request, edited in place, never faster than Telegram likes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.i18n import translate
from bot.models import ChatRef, MediaRef, Request
from bot.outbox import FileTooBigError, Keyboard, VideoFile
from bot.requests import RequestStore
from bot.sessions import SessionStore
from worker.chat import Chat
from worker.context import Context

CHAT = ChatRef(chat_id=42)


class RecordingOutbox:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.edits: list[tuple[int, str]] = []

    def send_text(self, chat: ChatRef, text: str, keyboard: Keyboard = ()) -> int:
        self.sent.append(text)
        return 100 + len(self.sent)

    def edit_text(self, chat: ChatRef, message_id: int, text: str, keyboard: Keyboard = ()) -> int:
        self.edits.append((message_id, text))
        return message_id

    def send_video(self, chat: ChatRef, video: VideoFile, caption: str, keyboard: Keyboard = ()) -> int:
        raise AssertionError("not expected")

    def send_action(self, chat: ChatRef, action: str) -> None: ...

    def fetch_media(self, media: MediaRef, dest: Path) -> Path:
        raise AssertionError("not expected")

    def close(self) -> None: ...


@pytest.fixture
def outbox() -> RecordingOutbox:
    return RecordingOutbox()


@pytest.fixture
def chat(redis, settings, outbox) -> Chat:
    ctx = Context(settings.model_copy(update={"progress_edit_interval_s": 60.0}), redis)
    ctx._outboxes["telegram"] = outbox
    request = Request(request_id="telegram:42:1", kind="export", chat=CHAT, user_id=7)
    RequestStore(redis).save(request)
    RequestStore(redis).set(request.request_id, "progress_id", 9)
    return Chat(ctx, request)


def test_stages_edit_the_acknowledgement_in_place(chat, outbox):
    chat.progress("Rendering… 0%")
    chat.progress("Sent ✅")
    assert outbox.sent == [] and outbox.edits == [(9, "Rendering… 0%"), (9, "Sent ✅")]


def test_an_unchanged_text_is_not_edited_again(chat, outbox):
    chat.progress("Rendering… 10%")
    chat.progress("Rendering… 10%")
    assert len(outbox.edits) == 1


def test_passing_stages_are_throttled_but_the_final_one_always_shows(chat, outbox):
    chat.progress("Rendering… 0%")
    chat.progress("Rendering… 35%", passing=True)
    chat.progress("Rendering… 65%", passing=True)
    chat.progress("Sent ✅")
    assert [text for _, text in outbox.edits] == ["Rendering… 0%", "Sent ✅"]


def test_a_request_keeps_the_language_it_was_acknowledged_in(redis, settings, outbox):
    """The user switched style while the job waited: its messages stay in the acknowledgement's style."""
    SessionStore(redis).update(CHAT.key, lang="en")
    ctx = Context(settings, redis)
    ctx._outboxes["telegram"] = outbox
    request = Request(request_id="telegram:42:2", kind="export", chat=CHAT, user_id=7, lang="hi-Latn")
    chat = Chat(ctx, request)
    chat.say(chat.t("export.nothing"))
    assert outbox.sent == [translate("hi-Latn", "export.nothing")]


@pytest.mark.parametrize("lang", ["en", "hi", "hi-Latn"])
def test_a_file_found_too_big_only_while_downloading_is_not_called_0_mb(redis, settings, outbox, lang):
    """Telegram may leave a file's size out; the download stops over the limit, and the message says so
    without a size it never knew."""
    ctx = Context(settings, redis)
    ctx._outboxes["telegram"] = outbox
    media = (MediaRef(kind="video", file_id="f1"),)  # no file_size
    request = Request(request_id="telegram:42:3", kind="upload", chat=CHAT, user_id=7, lang=lang, media=media)
    Chat(ctx, request).fail(FileTooBigError("download over the limit"))
    (told,) = outbox.sent or [text for _, text in outbox.edits]
    assert told == translate(lang, "upload.too_big_for_telegram", size_mb=0, limit_mb=20)
    assert re.search(r"(?<!\d)0 MB", told) is None and "20 MB" in told
