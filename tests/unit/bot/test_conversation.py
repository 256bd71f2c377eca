"""The conversation core: what a user's message turns into, without Telegram or workers."""

from __future__ import annotations

from typing import Any

import pytest

from bot.conversation import Conversation
from bot.i18n import translate
from bot.models import ChatRef, IncomingMessage, MediaRef, Request
from bot.replies import QueuedReply, ReplyQueue
from bot.requests import RequestStore
from bot.sessions import SessionStore

CHAT = ChatRef(chat_id=42)
MB = 1024 * 1024


class Recorder:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.cancelled: list[str] = []

    def enqueue(self, request: Request) -> None:
        self.requests.append(request)

    def exists(self, request_id: str) -> bool:
        return any(r.request_id == request_id for r in self.requests)

    def is_pending(self, request_id: str) -> bool:
        return self.exists(request_id) and request_id not in self.cancelled

    def cancel(self, request_id: str) -> bool:
        self.cancelled.append(request_id)
        return True


@pytest.fixture
def queue() -> Recorder:
    return Recorder()


@pytest.fixture
def conversation(redis, settings, queue) -> Conversation:
    return Conversation(redis, settings, queue)


_next_update = iter(range(1000, 100000))


def message(text: str = "", **fields) -> IncomingMessage:
    return IncomingMessage(
        update_id=next(_next_update), chat=CHAT, user_id=7, user_name="Asha", text=text, **fields
    )


def video(**fields) -> MediaRef:
    base: dict[str, Any] = {
        "kind": "video",
        "file_id": "F1",
        "file_size": 5 * MB,
        "mime_type": "video/mp4",
        "file_name": "clip.mp4",
    }
    return MediaRef(**(base | fields))


def test_a_redelivered_update_is_handled_once(conversation, queue):
    first = message("remove the silences")
    assert conversation.handle(first) is not None
    assert conversation.handle(first) is None
    assert [r.kind for r in queue.requests] == ["edit"]


def test_an_update_answered_before_a_crash_is_answered_again_and_its_request_queued_once(conversation, queue):
    greeting, edit = message(command="start"), message("remove the silences")
    for update in (greeting, edit):
        assert conversation.handle(update, mark_seen=False) is not None
    # The bot died before its replies went out: the greeting comes again, the edit is not queued twice.
    assert conversation.handle(greeting, mark_seen=False) is not None
    assert conversation.handle(edit, mark_seen=False) is None
    conversation.mark_seen(greeting)
    assert conversation.handle(greeting) is None
    assert [r.kind for r in queue.requests] == ["edit"]


def test_a_video_starts_an_upload_with_an_acknowledgement(conversation, queue):
    decision = conversation.handle(message(media=video()))
    assert decision is not None and decision.request is not None
    assert decision.request.kind == "upload" and decision.request.media[0].file_id == "F1"
    assert decision.replies[0].progress and decision.replies[0].text == translate("en", "ack.upload")


def test_a_video_over_the_download_limit_is_refused_before_download(conversation, queue):
    decision = conversation.handle(message(media=video(file_size=25 * MB)))
    assert decision is not None and decision.request is None and queue.requests == []
    assert "25 MB" in decision.replies[0].text and "20 MB" in decision.replies[0].text
    assert "link" in decision.replies[0].text


def test_local_bot_api_mode_accepts_large_files(redis, settings, queue):
    local = settings.model_copy(update={"telegram_local_mode": True})
    conversation = Conversation(redis, local, queue)
    decision = conversation.handle(message(media=video(file_size=25 * MB)))
    assert decision is not None and decision.request is not None


def test_a_file_over_the_backends_limit_is_refused_before_download_even_in_local_mode(redis, settings, queue):
    local = settings.model_copy(update={"telegram_local_mode": True, "nemo_upload_max_bytes": 500 * MB})
    conversation = Conversation(redis, local, queue)
    conversation.handle(message("namaste, video edit karna hai"))  # the chat speaks Hinglish
    queued = len(queue.requests)
    decision = conversation.handle(message(media=video(file_size=900 * MB)))
    assert decision is not None and decision.request is None and len(queue.requests) == queued
    assert decision.replies[0].text == translate("hi-Latn", "upload.backend_too_large")


@pytest.mark.parametrize(
    "media",
    [
        MediaRef(kind="document", file_id="P", mime_type="application/pdf", file_name="script.pdf"),
        MediaRef(kind="sticker", file_id="S"),
    ],
)
def test_files_we_cannot_edit_get_a_clear_message(conversation, queue, media):
    decision = conversation.handle(message(media=media))
    assert decision is not None and queue.requests == []
    assert decision.replies[0].text == translate("en", "upload.unsupported")


def test_emoji_only_and_overlong_text_are_answered_without_work(conversation, queue):
    emoji = conversation.handle(message("🔥🔥🙏"))
    long = conversation.handle(message("a" * 5000))
    assert emoji is not None and emoji.replies[0].text == translate("en", "input.empty")
    assert long is not None and "5,000" in long.replies[0].text
    assert queue.requests == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [("export", "export"), ("credits", "credits"), ("status", "status"), ("trim the silences", "edit")],
)
def test_text_is_routed_to_the_right_job(conversation, queue, text, kind):
    conversation.handle(message(text))
    assert [r.kind for r in queue.requests] == [kind]
    assert queue.requests[0].text == text


def test_hindi_is_detected_and_then_kept(conversation, redis):
    conversation.handle(message("साइलेंस हटाओ और म्यूज़िक डालो"))
    conversation.handle(message("make it shorter please and add music"))
    assert SessionStore(redis).load(CHAT.key).lang == "hi"


def test_telegram_language_is_only_a_hint(conversation, redis):
    conversation.handle(message("ok", language_hint="en"))
    conversation.handle(message("silence hata do aur music daalo", language_hint="en"))
    assert SessionStore(redis).load(CHAT.key).lang == "hi-Latn"


def test_language_button_switches_for_good(conversation, redis):
    decision = conversation.handle(message(callback_data="lang:hi"))
    conversation.handle(message("remove the silences and add music please"))
    assert decision is not None and decision.replies[0].text == translate("hi", "language.set")
    assert SessionStore(redis).load(CHAT.key).lang == "hi"


def test_new_forgets_the_backend_session_but_keeps_the_identity(conversation, redis):
    store = SessionStore(redis)
    client_id = store.load(CHAT.key).client_id
    store.update(CHAT.key, session_id="123", task_id="t")
    conversation.handle(message(command="new"))
    session = store.load(CHAT.key)
    assert session.session_id is None and session.client_id == client_id


def test_retry_button_queues_a_failed_request_again_once(conversation, queue, redis):
    conversation.handle(message("add background music"))
    original = queue.requests[0]
    refused = conversation.handle(message(callback_data=f"retry:{original.request_id}"))
    assert refused is not None and refused.replies[0].text == translate("en", "retry.unavailable")
    RequestStore(redis).mark_failed(original.request_id)  # what a job does when it offers Retry
    conversation.handle(message(callback_data=f"retry:{original.request_id}"))
    conversation.handle(message(callback_data=f"retry:{original.request_id}"))  # a double tap
    assert len(queue.requests) == 2
    again = queue.requests[1]
    assert again.text == original.text and again.retry_of == original.request_id
    assert again.request_id != original.request_id


def test_a_link_is_uploaded_by_url(conversation, queue):
    conversation.handle(message("https://example.com/clip.mp4"))
    assert queue.requests[0].kind == "upload" and queue.requests[0].urls == ("https://example.com/clip.mp4",)


@pytest.mark.parametrize("text", ["/language", "भाषा", "language badlo", "Change language"])
def test_language_can_be_switched_by_command_or_words(conversation, queue, text):
    fields = {"command": "language"} if text.startswith("/") else {"text": text}
    decision = conversation.handle(message(**fields))
    assert decision is not None and queue.requests == []
    assert [b.data for row in decision.replies[0].keyboard for b in row] == [
        "lang:en",
        "lang:hi",
        "lang:hi-Latn",
    ]


GROUP = ChatRef(chat_id=-100500, is_group=True)


def group_message(text: str = "", *, user_id: int = 7, **fields) -> IncomingMessage:
    base: dict[str, Any] = {
        "update_id": next(_next_update),
        "chat": GROUP,
        "user_id": user_id,
        "user_name": f"user{user_id}",
    }
    return IncomingMessage(**(base | {"text": text} | fields))


def test_group_chatter_not_addressed_to_the_bot_is_ignored(conversation, queue):
    decision = conversation.handle(group_message("lunch at 2?", addressed=False))
    assert decision is not None and decision.replies == [] and queue.requests == []


def test_group_acknowledgements_say_who_asked_and_offer_cancel(conversation, queue):
    decision = conversation.handle(group_message("add background music", user_id=8))
    assert decision is not None and decision.replies[0].text.startswith("user8: ")
    assert decision.replies[0].keyboard[0][0].data == f"cancel:{queue.requests[0].request_id}"


def test_only_admins_change_group_settings_and_then_only_admins_spend(conversation, queue):
    refused = conversation.handle(group_message(callback_data="spend:admins"))
    assert refused is not None and refused.replies[0].text == translate("en", "group.not_admin")
    conversation.handle(group_message(callback_data="spend:admins", is_admin=True))
    member = conversation.handle(group_message("export"))
    admin = conversation.handle(group_message("export", is_admin=True))
    assert member is not None and member.replies[0].text == translate("en", "group.spend_admins_only")
    assert admin is not None and [r.kind for r in queue.requests] == ["export"]


def test_cancel_by_a_member_who_did_not_ask_is_refused_and_an_admin_may(conversation, queue):
    conversation.handle(group_message("add background music", user_id=8))
    request_id = queue.requests[0].request_id
    refused = conversation.handle(group_message(callback_data=f"cancel:{request_id}", user_id=9))
    assert refused is not None and refused.replies[0].text == translate("en", "cancel.not_yours")
    assert queue.cancelled == []
    done = conversation.handle(group_message(callback_data=f"cancel:{request_id}", user_id=9, is_admin=True))
    assert done is not None and queue.cancelled == [request_id]


def test_one_member_cannot_flood_the_team_queue(conversation, queue, settings):
    for n in range(settings.max_requests_in_flight_per_user):
        conversation.handle(group_message(f"add title number {n}", user_id=8))
    refused = conversation.handle(group_message("add another title", user_id=8))
    other = conversation.handle(group_message("add background music", user_id=9))
    assert refused is not None and "in progress" in refused.replies[0].text
    assert other is not None and len(queue.requests) == settings.max_requests_in_flight_per_user + 1


def test_an_album_becomes_one_upload(conversation, queue):
    for n in range(3):
        conversation.handle(message(media=video(file_id=f"F{n}", media_group_id="album-1")))
    assert [(r.kind, r.album_id) for r in queue.requests] == [("upload", "album-1")]


def test_edit_command_in_reply_to_a_video_uploads_it_then_edits(conversation, queue):
    conversation.handle(group_message("trim the silences", command="edit", reply_media=video()))
    assert [r.kind for r in queue.requests] == ["upload", "edit"]
    assert queue.requests[1].text == "trim the silences"


def test_replies_queued_with_the_seen_marker_answer_a_redelivered_update_once(conversation, redis):
    # The Telegram adapter queues an update's replies and marks it handled in one transaction: a bot killed
    # right after that, and handed the update again from the intake, must not greet the chat a second time.
    start = message(command="start")
    decision = conversation.handle(start, mark_seen=False)
    assert decision is not None and decision.replies
    queue = ReplyQueue(redis)
    replies = [QueuedReply(start.chat, reply.text) for reply in decision.replies]
    queue.push(replies, seen=conversation.seen_marker(start))
    assert queue.peek(start.chat.key) is not None
    assert redis.ttl(conversation.seen_marker(start)[0]) > 0  # remembered for a while, not for ever
    assert conversation.handle(start, mark_seen=False) is None  # the redelivery: nothing to answer again
