"""The channel-neutral core of the bot: one incoming message in, the work to queue and the replies out.

`Conversation.handle` is what every channel adapter calls first. It makes the request durable before
anything else (the job is enqueued under a deterministic id, then the update is marked seen), so a crash
loses nothing and a redelivered update is answered once. It never calls the backend: that is the workers'.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from redis import Redis

from bot import keyboards, keys
from bot.i18n import translate
from bot.intents import classify_intent, command_intent
from bot.language import detect_language, is_decisive
from bot.models import IncomingMessage, Lang, MediaRef, Request, RequestKind
from bot.outbox import Keyboard
from bot.requests import RequestStore
from bot.sessions import Session, SessionStore
from bot.settings import Settings

MB = 1024 * 1024
VIDEO_KINDS = {"video", "video_note", "animation"}
ACCEPTED_DOCUMENT_TYPES = ("video/", "audio/", "image/")
_URL = re.compile(r"https?://\S+")
_WORD = re.compile(r"\w", re.UNICODE)
# Asking to switch language, in any language the user may be stuck in.
_LANGUAGE_REQUEST = re.compile(
    r"^\s*(language|भाषा|भाषा बदलो|bhasha|bhasha badlo|language (badlo|badal do|change( karo)?)|change language)\s*[.!?]*\s*$",
    re.IGNORECASE,
)


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
    request: Request | None = None


Enqueue = Callable[[Request], object]
Exists = Callable[[str], bool]


class Conversation:
    """Routes a message: language, intent, bad input, and the job to queue."""

    def __init__(self, redis: Redis, settings: Settings, enqueue: Enqueue, exists: Exists) -> None:
        self.redis = redis
        self.settings = settings
        self.sessions = SessionStore(redis)
        self.requests = RequestStore(redis)
        self.enqueue = enqueue
        self.exists = exists

    def handle(self, message: IncomingMessage) -> Decision | None:
        """Decide what to do; None when the update was already handled (a redelivery)."""
        seen = keys.update_seen_key(message.chat.channel, message.update_id)
        if self.redis.exists(seen) or self.exists(self.request_id(message)):
            return None
        session = self._update_language(message)
        decision = self._route(message, session)
        if decision.request is not None:
            self.requests.save(decision.request)
            if any(reply.progress for reply in decision.replies):
                # The job may start before the acknowledgement is sent: it waits for the message id.
                self.requests.set(decision.request.request_id, "ack", "pending")
            self.enqueue(decision.request)
        self.redis.set(seen, 1, ex=self.settings.update_dedupe_ttl_s)
        return decision

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
        """The session's language: a hint at first, detected from the first decisive text, then kept."""
        session = self.sessions.load(message.chat.key)
        if session.lang_source == "hint" and message.text and is_decisive(message.text):
            lang: Lang = "hi" if detect_language(message.text, message.language_hint) == "hi" else "en"
            return self.sessions.update(message.chat.key, lang=lang, lang_source="detected")
        if session.lang_source == "hint" and message.language_hint:
            hinted: Lang = "hi" if message.language_hint.startswith("hi") else "en"
            if hinted != session.lang:
                return self.sessions.update(message.chat.key, lang=hinted)
        return session

    # --- routing ----------------------------------------------------------------------------------
    def _route(self, message: IncomingMessage, session: Session) -> Decision:
        if message.callback_data is not None:
            return self._button(message, session)
        if message.media is not None:
            return self._media(message, session, message.media)
        if message.command is not None:
            return self._command(message, session)
        return self._text(message, session, message.text)

    def _command(self, message: IncomingMessage, session: Session) -> Decision:
        lang, command = session.lang, message.command or ""
        if command in ("start", "help"):
            key = "start.greeting" if command == "start" else "help.text"
            limit_mb = self._download_limit() // MB
            return Decision([Reply(translate(lang, key, name=message.user_name or "", limit_mb=limit_mb))])
        if command == "new":
            self.sessions.forget_backend_session(message.chat.key)
            return Decision([Reply(translate(lang, "session.new"))])
        if command == "language":
            return Decision([Reply(translate(lang, "language.choose"), keyboards.language_picker())])
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
            self.sessions.forget_backend_session(message.chat.key)
            return Decision([Reply(translate(lang, "session.new"))])
        if data == keyboards.EDIT_MORE:
            return Decision([Reply(translate(lang, "upload.done_more"))])
        if data.startswith(keyboards.LANG_PREFIX):
            chosen: Lang = "hi" if data.removeprefix(keyboards.LANG_PREFIX) == "hi" else "en"
            self.sessions.update(message.chat.key, lang=chosen, lang_source="chosen")
            return Decision([Reply(translate(chosen, "language.set"))])
        if data.startswith(keyboards.RETRY_PREFIX):
            original = self.requests.load(data.removeprefix(keyboards.RETRY_PREFIX))
            if original is not None and original.chat.key == message.chat.key:
                retried = original.model_copy(
                    update={
                        "request_id": self.request_id(message),
                        "retry_of": original.request_id,
                        "lang": lang,
                    }
                )
                return self._ack(retried)
        return Decision()

    def _text(self, message: IncomingMessage, session: Session, text: str) -> Decision:
        lang = session.lang
        text = text.strip()
        if len(text) > self.settings.max_instruction_chars:
            limit = self.settings.max_instruction_chars
            return Decision([Reply(translate(lang, "input.too_long", length=len(text), limit=limit))])
        if not _WORD.search(text):
            return Decision([Reply(translate(lang, "input.empty"))])
        if _LANGUAGE_REQUEST.match(text):
            return Decision([Reply(translate(lang, "language.choose"), keyboards.language_picker())])
        urls = tuple(_URL.findall(text))
        if urls and not _WORD.search(_URL.sub("", text).replace("upload", "")):
            return self._ack(self._request(message, session, "upload", urls=urls))
        intent = classify_intent(text)
        if intent == "upload":
            if urls:
                return self._ack(self._request(message, session, "upload", urls=urls))
            return Decision([Reply(translate(lang, "upload.how"))])
        return self._queue(message, session, intent, text)

    def _media(self, message: IncomingMessage, session: Session, media: MediaRef) -> Decision:
        lang = session.lang
        if not _is_accepted(media):
            return Decision([Reply(translate(lang, "upload.unsupported"))])
        limit = self._download_limit()
        if media.file_size is not None and media.file_size > limit:
            size_mb = round(media.file_size / MB)
            text = translate(lang, "upload.too_big_for_telegram", size_mb=size_mb, limit_mb=limit // MB)
            return Decision([Reply(text)])
        return self._ack(self._request(message, session, "upload", media=(media,)))

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
    ) -> Request:
        return Request(
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
        key = {"upload": "ack.upload", "export": "ack.export", "edit": "ack.edit"}.get(request.kind)
        replies = [Reply(translate(request.lang, key), progress=True)] if key else []
        return Decision(replies, request)

    def _download_limit(self) -> int:
        if self.settings.telegram_local_mode:
            return self.settings.telegram_local_file_limit_bytes
        return self.settings.telegram_download_limit_bytes


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
