"""The channel-neutral core of the bot: one incoming message in, the work to queue and the replies out.

`Conversation.handle` is what every channel adapter calls first. It makes the request durable before
anything else (the job is enqueued under a deterministic id, then the update is marked seen), so a crash
loses nothing and a redelivered update is answered once. It never calls the backend: that is the workers'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from redis import Redis

from bot import keyboards, keys
from bot.channels import capabilities
from bot.i18n import LANGS, translate
from bot.intents import PlainCommand, command_intent, plain_command, route
from bot.language import LanguageState, follow_language
from bot.models import IncomingMessage, Intent, Lang, MediaRef, Request, RequestKind
from bot.outbox import Keyboard
from bot.permissions import may_spend
from bot.questions import Questions
from bot.requests import RequestStore
from bot.sessions import Session, SessionStore
from bot.settings import Settings

MB = 1024 * 1024
VIDEO_KINDS = {"video", "video_note", "animation"}
ACCEPTED_DOCUMENT_TYPES = ("video/", "audio/", "image/")
_URL = re.compile(r"https?://\S+")
_WORD = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class Reply:
    """A message to send now; `progress` marks the one later edited with the request's progress."""

    text: str
    keyboard: Keyboard = ()
    progress: bool = False


@dataclass
class Decision:
    """What the adapter does with one incoming message."""

    replies: list[Reply] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)

    @property
    def request(self) -> Request | None:
        """The request the acknowledgement is about (the last one queued)."""
        return self.requests[-1] if self.requests else None


class Jobs(Protocol):
    """What the conversation needs from the queue (RQ in production, a list in unit tests)."""

    def enqueue(self, request: Request) -> object: ...

    def exists(self, request_id: str) -> bool: ...

    def is_pending(self, request_id: str) -> bool: ...

    def cancel(self, request_id: str) -> bool: ...


class Conversation:
    """Routes a message: language, intent, bad input, and the job to queue."""

    def __init__(self, redis: Redis, settings: Settings, jobs: Jobs) -> None:
        self.redis = redis
        self.settings = settings
        self.sessions = SessionStore(redis)
        self.requests = RequestStore(redis)
        self.questions = Questions(self.requests)
        self.jobs = jobs

    def handle(self, message: IncomingMessage, *, mark_seen: bool = True) -> Decision | None:
        """Decide what to do; None when the update was already handled (a redelivery).

        An adapter whose channel redelivers unconfirmed updates passes `mark_seen=False` and writes
        `seen_marker` in one transaction with the replies it queues: a crash before that answers the update
        again, rather than never, and one after it never answers twice (requests are de-duplicated by their
        job id meanwhile).
        """
        seen, _ = self.seen_marker(message)
        if self.redis.exists(seen) or self.jobs.exists(self.request_id(message)):
            return None
        if message.addressed:
            session = self._update_language(message)
            decision = self._route(message, session)
        else:
            decision = Decision()  # group chatter not meant for the bot
        for request in decision.requests:
            self.requests.save(request)
            if request is decision.request and any(reply.progress for reply in decision.replies):
                # The job may start before the acknowledgement is sent: it waits for the message id.
                self.requests.set(request.request_id, "ack", "pending")
            self.redis.hset(keys.inflight_key(request.chat.key), request.request_id, request.user_id)
            self.jobs.enqueue(request)
        if mark_seen:
            self.mark_seen(message)
        return decision

    def mark_seen(self, message: IncomingMessage) -> None:
        """Remember that the update was handled, so a redelivery is answered no more."""
        key, lifetime_s = self.seen_marker(message)
        self.redis.set(key, 1, ex=lifetime_s)

    def seen_marker(self, message: IncomingMessage) -> tuple[str, int]:
        """The key (and its lifetime) that says an update was handled, for an adapter that writes it in
        one transaction with the replies it queued."""
        key = keys.update_seen_key(message.chat.channel, message.update_id)
        return key, self.settings.update_dedupe_ttl_s

    def record_progress_message(self, request_id: str, message_id: int | None) -> None:
        """Remember which message shows a request's progress (None: the acknowledgement was not sent)."""
        if message_id is not None:
            self.requests.set(request_id, "progress_id", message_id)
        self.requests.set(request_id, "ack", "sent" if message_id is not None else "failed")

    @staticmethod
    def request_id(message: IncomingMessage) -> str:
        """A request is named by its chat and update: unique, and the same on redelivery."""
        return f"{message.chat.key}:{message.update_id}"

    # --- language -------------------------------------------------------------------------------
    def _update_language(self, message: IncomingMessage) -> Session:
        """The session's language after this message: resolved once, so every reply to it agrees."""
        session = self.sessions.load(message.chat.key)
        before = LanguageState(session.lang, session.lang_source, session.lang_pending)
        after = follow_language(before, message.text, message.language_hint)
        if after == before:
            return session
        return self.sessions.update(
            message.chat.key, lang=after.lang, lang_source=after.source, lang_pending=after.pending
        )

    # --- routing ----------------------------------------------------------------------------------
    def _route(self, message: IncomingMessage, session: Session) -> Decision:
        if message.callback_data is not None:
            return self._button(message, session)
        if message.media is not None:
            return self._media(message, session, message.media)
        if message.reply_media is not None and message.command == "edit":
            return self._media(message, session, message.reply_media)
        if message.command is not None:
            return self._command(message, session)
        return self._text(message, session, message.text)

    def _command(
        self, message: IncomingMessage, session: Session, typed: PlainCommand | None = None
    ) -> Decision:
        lang, command = session.lang, typed or message.command or ""
        if command in ("start", "help"):
            key = "start.greeting" if command == "start" else "help.text"
            limit_mb = self._download_limit(message) // MB
            return Decision([Reply(translate(lang, key, name=message.user_name or "", limit_mb=limit_mb))])
        if command == "new":
            self.sessions.start_over(message.chat.key)
            return Decision([Reply(translate(lang, "session.new"))])
        if command == "retry":
            # Typed "retry" / "dobara" is the Retry button of the chat's latest failure, with its checks.
            if (failed := self.requests.last_failed(message.chat.key)) is not None:
                return self._retry(message, session, failed)
            return Decision([Reply(translate(lang, "retry.how"))])
        if command == "language":
            return Decision([Reply(translate(lang, "language.choose"), keyboards.language_picker())])
        if command == "cancel":
            return self._cancel(message, session, None)
        if command == "settings":
            if not message.chat.is_group:
                return Decision([Reply(translate(lang, "help.text"))])
            if not message.is_admin:
                return Decision([Reply(translate(lang, "group.not_admin"))])
            return Decision([Reply(translate(lang, "group.settings"), keyboards.spend_picker(lang))])
        if command == "upload" and not message.text:
            return Decision([Reply(translate(lang, "upload.how"))])
        intent = command_intent(command)
        if intent is None and command == "edit":
            return self._text(message, session, message.text)
        if intent in ("export", "credits", "status"):
            return self._queue(message, session, intent)
        return self._text(message, session, message.text)

    def _button(self, message: IncomingMessage, session: Session) -> Decision:
        data, lang = message.callback_data or "", session.lang
        if data == keyboards.EXPORT:
            return self._queue(message, session, "export")
        if data == keyboards.STATUS:
            return self._queue(message, session, "status")
        if data == keyboards.NEW:
            self.sessions.start_over(message.chat.key)
            return Decision([Reply(translate(lang, "session.new"))])
        if data == keyboards.EDIT_MORE:
            return Decision([Reply(translate(lang, "upload.done_more"))])
        if data.startswith(keyboards.LANG_PREFIX):
            picked = data.removeprefix(keyboards.LANG_PREFIX)
            chosen: Lang = next((known for known in LANGS if known == picked), "en")
            self.sessions.update(message.chat.key, lang=chosen, lang_source="chosen", lang_pending=None)
            return Decision([Reply(translate(chosen, "language.set"))])
        if data.startswith(keyboards.ASK_PREFIX):
            return self._answer(message, session, data.removeprefix(keyboards.ASK_PREFIX))
        if data.startswith(keyboards.CANCEL_PREFIX):
            return self._cancel(message, session, data.removeprefix(keyboards.CANCEL_PREFIX))
        if data.startswith(keyboards.SPEND_PREFIX):
            if not message.is_admin:
                return Decision([Reply(translate(lang, "group.not_admin"))])
            who = "admins" if data.endswith("admins") else "all"
            self.redis.hset(keys.group_settings_key(message.chat.key), "spend", who)
            label = translate(lang, "group.admins" if who == "admins" else "group.everyone")
            return Decision([Reply(translate(lang, "group.settings_saved", who=label))])
        if data.startswith(keyboards.RETRY_PREFIX):
            return self._retry(message, session, data.removeprefix(keyboards.RETRY_PREFIX))
        return Decision()

    def _retry(self, message: IncomingMessage, session: Session, original_id: str) -> Decision:
        """Run a failed request again, as the person who pressed Retry: the original requester, or an admin.

        The button's data comes from the client and may be forged, so nothing in it is trusted but the id:
        the request must be this chat's, must have failed, and is retried once, with the presser's own id,
        name and current admin status (the spending rules then apply to them).
        """
        lang = session.lang
        original = self.requests.load(original_id)
        if (
            original is None
            or original.chat.key != message.chat.key
            or not self.requests.has_failed(original_id)
        ):
            return Decision([Reply(translate(lang, "retry.unavailable"))])
        if message.user_id != original.user_id and not message.is_admin:
            return Decision([Reply(translate(lang, "retry.not_yours"))])
        retried = original.model_copy(
            update={
                "request_id": self.request_id(message),
                "retry_of": original.request_id,
                "lang": lang,
                "user_id": message.user_id,
                "user_name": message.user_name,
                "by_admin": message.is_admin,
                "attempt": 0,
            }
        )
        if (refusal := self._refuse_request(retried)) is not None:
            return refusal
        if not self.requests.claim(original_id, "retried"):
            return Decision()  # a second press (or a second forged copy): it is already running again
        return self._ack(retried)

    def _text(self, message: IncomingMessage, session: Session, text: str) -> Decision:
        lang = session.lang
        text = text.strip()
        if len(text) > self.settings.max_instruction_chars:
            limit = self.settings.max_instruction_chars
            return Decision([Reply(translate(lang, "input.too_long", length=len(text), limit=limit))])
        if not _WORD.search(text):
            return Decision([Reply(translate(lang, "input.empty"))])
        if message.command is None and (typed := plain_command(text)) is not None:
            return self._command(message, session, typed)
        urls = tuple(_URL.findall(text))
        if urls and not _WORD.search(_URL.sub("", text).replace("upload", "")):
            return self._ack(self._request(message, session, "upload", urls=urls))
        routed = route(text)
        if routed.unsure and not urls:
            return self._confirm(message, session, routed.intent, text)
        intent = routed.intent
        if intent == "upload":
            if urls:
                return self._ack(self._request(message, session, "upload", urls=urls))
            return Decision([Reply(translate(lang, "upload.how"))])
        return self._queue(message, session, intent, text)

    # --- an unclear message: ask before spending credits on a guess (bot/questions.py) ----------
    def _confirm(self, message: IncomingMessage, session: Session, action: Intent, text: str) -> Decision:
        question = self.questions.ask(self._request(message, session, "edit", text=text), action)
        return Decision([Reply(question.text, question.keyboard)])

    def _answer(self, message: IncomingMessage, session: Session, data: str) -> Decision:
        answer = self.questions.answer(message, data, self.request_id(message))
        if answer == "not_yours":
            return Decision([Reply(translate(session.lang, "confirm.not_yours"))])
        if answer is None:
            return Decision()  # stale, foreign, or answered already: a second tap spends nothing
        if answer.choice == "edit":
            return self._ack(answer.asked)
        if answer.choice == "upload":
            return Decision([Reply(translate(session.lang, "upload.how"))])
        return self._queue(message, session, answer.choice)

    def _media(self, message: IncomingMessage, session: Session, media: MediaRef) -> Decision:
        if (refusal := self._refuse_media(message, session, media)) is not None:
            return refusal
        if media.media_group_id is not None:
            # An album arrives as one update per file: gather them into a single upload.
            album = keys.album_key(message.chat.key, media.media_group_id)
            first = self.redis.rpush(album, media.model_dump_json()) == 1
            self.redis.expire(album, keys.REQUEST_TTL_S)
            if not first:
                return Decision()
            return self._ack(self._request(message, session, "upload", album_id=media.media_group_id))
        upload = self._request(message, session, "upload", media=(media,))
        if message.command is not None or message.text:
            # A caption that is an instruction ("/edit trim it" on a video): upload, then edit.
            edit = self._text(message, session, message.text)
            if edit.request is not None and edit.request.kind == "edit":
                upload = upload.model_copy(update={"request_id": upload.request_id + ":file"})
                return Decision(edit.replies, [upload, *edit.requests])
        return self._ack(upload)

    def _refuse_media(self, message: IncomingMessage, session: Session, media: MediaRef) -> Decision | None:
        lang = session.lang
        if not _is_accepted(media):
            return Decision([Reply(translate(lang, "upload.unsupported"))])
        channel = capabilities(message.chat.channel, self.settings)
        limit = channel.download_limit_bytes
        if media.file_size is not None and media.file_size > limit:
            size_mb = round(media.file_size / MB)
            text = translate(lang, channel.too_big_key, size_mb=size_mb, limit_mb=limit // MB)
            return Decision([Reply(text)])
        if media.file_size is not None and media.file_size > self.settings.nemo_upload_max_bytes:
            # The channel may let far more through than the backend takes (a local Bot API server: 2000 MB):
            # refuse now rather than have a worker download it all for the backend to refuse.
            return Decision([Reply(translate(lang, "upload.backend_too_large"))])
        return None

    def _queue(self, message: IncomingMessage, session: Session, kind: str, text: str = "") -> Decision:
        return self._ack(self._request(message, session, _as_kind(kind), text=text))

    def _request(
        self,
        message: IncomingMessage,
        session: Session,
        kind: RequestKind,
        *,
        text: str = "",
        media: tuple[MediaRef, ...] = (),
        urls: tuple[str, ...] = (),
        album_id: str | None = None,
    ) -> Request:
        return Request(
            album_id=album_id,
            by_admin=message.is_admin,
            request_id=self.request_id(message),
            kind=kind,
            chat=message.chat,
            user_id=message.user_id,
            user_name=message.user_name,
            lang=session.lang,
            text=text,
            media=media,
            urls=urls,
        )

    def _ack(self, request: Request) -> Decision:
        lang = request.lang
        if (refusal := self._refuse_request(request)) is not None:
            return refusal
        key = {"upload": "ack.upload", "export": "ack.export", "edit": "ack.edit"}.get(request.kind)
        if key is None:
            return Decision([], [request])
        if self._inflight(request.chat.key):
            key = "ack.queued"  # it runs after the chat's current request, and the user should know
        text = translate(lang, key)
        if request.chat.is_group:
            text = translate(lang, "group.by", name=request.user_name, text=text)
        keyboard = keyboards.cancel(lang, request.request_id)
        return Decision([Reply(text, keyboard, progress=True)], [request])

    def _refuse_request(self, request: Request) -> Decision | None:
        """Group permissions and the per-user limit on requests in flight."""
        lang, chat = request.lang, request.chat
        if not may_spend(self.redis, request):
            return Decision([Reply(translate(lang, "group.spend_admins_only"))])
        mine = self._inflight(chat.key, user_id=request.user_id)
        if len(mine) >= self.settings.max_requests_in_flight_per_user:
            return Decision([Reply(translate(lang, "limit.in_flight", count=len(mine)))])
        return None

    def _inflight(self, chat_key: str, user_id: int | None = None) -> dict[str, int]:
        """The chat's unfinished requests (request id → user id), forgetting finished ones."""
        key = keys.inflight_key(chat_key)
        pending: dict[str, int] = {}
        for raw_id, raw_user in self.redis.hgetall(key).items():
            request_id, owner = raw_id.decode(), int(raw_user)
            if not self.jobs.is_pending(request_id):
                self.redis.hdel(key, request_id)
            elif user_id is None or owner == user_id:
                pending[request_id] = owner
        return pending

    def _cancel(self, message: IncomingMessage, session: Session, request_id: str | None) -> Decision:
        """Stop the sender's work (an admin: anyone's); one request when a Cancel button names it."""
        lang = session.lang
        inflight = self._inflight(message.chat.key)
        targets = [request_id] if request_id is not None else list(inflight)
        allowed = [
            r for r in targets if r in inflight and (message.is_admin or inflight[r] == message.user_id)
        ]
        if request_id is not None and request_id in inflight and not allowed:
            return Decision([Reply(translate(lang, "cancel.not_yours"))])
        cancelled = sum(1 for r in allowed if self.jobs.cancel(r))
        for r in allowed:
            self.redis.hdel(keys.inflight_key(message.chat.key), r)
        if not cancelled:
            return Decision([Reply(translate(lang, "cancel.nothing"))])
        return Decision([Reply(translate(lang, "cancel.done", count=cancelled))])

    def _download_limit(self, message: IncomingMessage) -> int:
        return capabilities(message.chat.channel, self.settings).download_limit_bytes


def _as_kind(intent: str) -> RequestKind:
    kinds: dict[str, RequestKind] = {"export": "export", "credits": "credits", "status": "status"}
    return kinds.get(intent, "edit")


def _is_accepted(media: MediaRef) -> bool:
    """Videos, music and pictures; a document only when its type says it is one of those."""
    if media.kind in VIDEO_KINDS or media.kind in ("audio", "photo"):
        return True
    if media.kind == "document":
        return (media.mime_type or "").startswith(ACCEPTED_DOCUMENT_TYPES)
    return False
