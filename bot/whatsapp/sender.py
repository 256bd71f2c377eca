"""The one outgoing path to WhatsApp, used by the webhook process and by every worker.

Synchronous httpx against the Cloud API, so RQ jobs call it directly. Every message is booked with the
shared Redis limiter first (per number and per user, the pacing Meta answers with 131056 when broken); a
131056 or 130429 that still comes is backed off and retried a few times. WhatsApp cannot edit a message,
so an "edit" is a new message. The access token travels only in the Authorization header: no URL, log
line or exception raised here contains it.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from redis import Redis

from bot import keys
from bot.downloads import MB, refuse_declared, write_capped
from bot.i18n import translate
from bot.models import ChatRef, MediaRef
from bot.outbox import (
    AmbiguousSendError,
    ChatAction,
    DocumentFile,
    FileTooBigError,
    Keyboard,
    SendError,
    VideoFile,
    WindowClosedError,
)
from bot.ratelimit import Rate, RateLimiter
from bot.sessions import SessionStore
from bot.settings import Settings
from bot.whatsapp import markup
from bot.whatsapp.errors import PacedError, error_from_response

log = logging.getLogger(__name__)
_MAX_PACED_RETRIES = 3
_RATE_WAIT_S = 300.0
# Failures before the request was written: nothing reached Meta, so a retry is safe.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def message_number(wamid: str) -> int:
    """A stable integer for a wamid (the core names messages by int; WhatsApp never edits them)."""
    return int.from_bytes(hashlib.blake2b(wamid.encode(), digest_size=7).digest(), "big")


# Meta's domains (Graph API, media CDN); the token goes nowhere else over https.
_META_HOSTS = (".facebook.com", ".fbsbx.com", ".fbcdn.net", ".whatsapp.net")


class WhatsAppOutbox:
    """`Outbox` over the WhatsApp Business Cloud API."""

    def __init__(
        self, settings: Settings, redis: Redis, limiter: RateLimiter, client: httpx.Client | None = None
    ) -> None:
        self.settings = settings
        self.redis = redis
        self.limiter = limiter
        self.sessions = SessionStore(redis)
        self._base = settings.whatsapp_api_base_url.rstrip("/")
        self._phone = settings.whatsapp_phone_number_id
        token = settings.whatsapp_access_token.get_secret_value()
        self._http = client or httpx.Client(
            timeout=settings.whatsapp_request_timeout_s, headers={"Authorization": f"Bearer {token}"}
        )
        self._user_interval_ms = round(settings.whatsapp_per_user_interval_s * 1000)
        self._global_interval_ms = max(1, round(1000 / settings.whatsapp_global_per_s))

    # --- Outbox ---------------------------------------------------------------------------------
    def send_text(
        self,
        chat: ChatRef,
        text: str,
        keyboard: Keyboard = (),
        *,
        on_wire: Callable[[], None] | None = None,
    ) -> int:
        self._read_receipt(chat)
        choices, links = markup.choices_and_links(keyboard)
        lang = self.sessions.load(chat.key).lang
        if choices and links:
            # Reply buttons and a link cannot share a message: the links go into the text.
            lines = [translate(lang, "whatsapp.link_line", label=b.label, url=b.url or "") for b in links]
            text, links = "\n\n".join([text, *lines]), []
        if not choices and not links:
            return self._send(chat, markup.text_body(text), on_wire=on_wire)
        if len(text) > markup.MAX_BODY:
            # A message with buttons has at most 1024 characters: the whole text first, then the buttons.
            self._send(chat, markup.text_body(text), on_wire=on_wire)
            text = translate(lang, "whatsapp.options")
        body = markup.interactive_body(text, choices, links, translate(lang, "button.choose"))
        return self._send(chat, body, on_wire=on_wire)

    def edit_text(self, chat: ChatRef, message_id: int, text: str, keyboard: Keyboard = ()) -> int:
        """WhatsApp cannot edit: the new stage is a new message (the caller keeps such stages few)."""
        return self.send_text(chat, text, keyboard)

    def send_video(self, chat: ChatRef, video: VideoFile, caption: str, keyboard: Keyboard = ()) -> int:
        """Inline when it fits WhatsApp's video limit, else as a document (keyboards: see the README)."""
        size = video.path.stat().st_size
        as_video = size <= self.settings.whatsapp_video_limit_mb * MB
        if not as_video and size > self.settings.whatsapp_document_limit_mb * MB:
            raise FileTooBigError(f"{size} bytes over the document limit")
        self._check_window(chat)
        media_id = self._upload(video.path)
        part: dict[str, Any] = {"id": media_id, "caption": markup.clip(caption, markup.MAX_BODY)}
        if as_video:
            return self._send(chat, {"type": "video", "video": part})
        return self._send(chat, {"type": "document", "document": part | {"filename": "video.mp4"}})

    def send_document(self, chat: ChatRef, document: DocumentFile, caption: str) -> int:
        """A document message with the file's own name (WhatsApp shows it with a download button)."""
        if document.path.stat().st_size > self.settings.whatsapp_document_limit_mb * MB:
            raise FileTooBigError("over the document limit")
        self._check_window(chat)
        media_id = self._upload(document.path, document.mime_type)
        part = {
            "id": media_id,
            "caption": markup.clip(caption, markup.MAX_BODY),
            "filename": document.filename,
        }
        return self._send(chat, {"type": "document", "document": part})

    def send_action(self, chat: ChatRef, action: ChatAction) -> None:
        """WhatsApp shows "typing…" only with a read receipt (see `mark_read`), never on its own."""

    def fetch_media(self, media: MediaRef, dest: Path) -> Path:
        """Look the media id up (a URL valid for minutes), check its size, stream it to `dest`."""
        info = self._get_json(f"{self._base}/{quote(media.file_id, safe='')}", "media lookup")
        limit = min(self.settings.whatsapp_document_limit_mb * MB, self.settings.nemo_upload_max_bytes)
        refuse_declared(info.get("file_size"), limit)
        url = info.get("url")
        if not isinstance(url, str) or not self._may_carry_token(url):
            # The download needs the bearer token: never over plain HTTP, never to a URL we cannot trust.
            raise SendError("media lookup without an https download URL")
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._http.stream("GET", url) as response, dest.open("wb") as out:
                if response.status_code != 200:
                    raise SendError(f"media download failed with HTTP {response.status_code}")
                write_capped(response.iter_bytes(MB), out, limit)  # the lookup's size is Meta's word
        except httpx.HTTPError as exc:
            raise SendError(f"media download failed: {type(exc).__name__}") from None
        return dest

    def _may_carry_token(self, url: str) -> bool:
        """Whether a download URL may get the bearer token: https to one of Meta's own hosts (media is
        served from lookaside.fbsbx.com, named in the Graph API's answer), or the configured Graph API's
        own scheme, host and port (a local fake in tests, on plain http over loopback). Never plain http,
        never another host: a tampered or odd answer must not collect the token."""
        try:
            target = httpx.URL(url)
        except (httpx.InvalidURL, ValueError):
            return False
        if not target.host:
            return False
        if target.scheme == "https" and target.host.endswith(_META_HOSTS):
            return True
        base = httpx.URL(self._base)
        return (target.scheme, target.host, target.port) == (base.scheme, base.host, base.port)

    def close(self) -> None:
        self._http.close()

    # --- WhatsApp only --------------------------------------------------------------------------
    def mark_read(self, wamid: str) -> None:
        """Blue ticks and "typing…" on the user's message, once; a courtesy that never fails a request."""
        if not self.redis.set(keys.whatsapp_read_key(wamid), 1, nx=True, ex=keys.STATUS_TTL_S):
            return
        body = {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": wamid,
            "typing_indicator": {"type": "text"},
        }
        try:
            self._post(f"{self._base}/{self._phone}/messages", "read receipt", json=body)
        except SendError as exc:
            log.info("read receipt not sent: %s", exc)

    def _read_receipt(self, chat: ChatRef) -> None:
        """The receipt for the user's latest message, before the first answer to it (see the webhook)."""
        wamid = self.redis.getdel(keys.whatsapp_unread_key(chat.chat_id))
        if isinstance(wamid, bytes):
            self.mark_read(wamid.decode())

    def send_ready_notice(self, chat: ChatRef, url: str) -> bool:
        """The approved template with the download link, allowed outside the 24-hour window."""
        name = self.settings.whatsapp_ready_template
        if not name:
            return False
        # Templates are approved per language code: Hinglish sessions get the Hindi one ("en" / "hi").
        lang = self.sessions.load(chat.key).lang
        language = self.settings.whatsapp_template_language or ("en" if lang == "en" else "hi")
        template = {
            "name": name,
            "language": {"code": language},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": url}]}],
        }
        self._send(chat, {"type": "template", "template": template}, template=True)
        return True

    def window_open(self, chat: ChatRef) -> bool:
        """The user wrote within 24 hours (the webhook keeps the key while the window is open)."""
        return bool(self.redis.exists(keys.whatsapp_window_key(chat.chat_id)))

    # --- calls ----------------------------------------------------------------------------------
    def _check_window(self, chat: ChatRef) -> None:
        if not self.window_open(chat):
            raise WindowClosedError("the 24-hour window is closed")

    def _send(
        self,
        chat: ChatRef,
        content: dict[str, Any],
        template: bool = False,
        on_wire: Callable[[], None] | None = None,
    ) -> int:
        """One message: window checked, booked with the shared limiter, paced errors backed off."""
        if not template:
            self._check_window(chat)
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": str(chat.chat_id)}
        rates = [
            Rate("wa:number", self._global_interval_ms),
            Rate(f"wa:user:{chat.chat_id}", self._user_interval_ms, self.settings.whatsapp_per_user_burst),
        ]
        for attempt in range(1, _MAX_PACED_RETRIES + 1):
            self._acquire(rates)
            if on_wire is not None:
                on_wire()
            try:
                result = self._post(
                    f"{self._base}/{self._phone}/messages", content["type"], json=body | content
                )
            except PacedError as paced:
                if attempt == _MAX_PACED_RETRIES:
                    break
                log.warning("WhatsApp pacing (%d): waiting %.1f s", paced.code, paced.retry_after_s)
                time.sleep(paced.retry_after_s)
                continue
            messages = result.get("messages") or [{}]
            return message_number(str(messages[0].get("id", "")))
        raise SendError(f"{content['type']}: still rate limited after {_MAX_PACED_RETRIES} tries")

    def _acquire(self, rates: list[Rate]) -> None:
        deadline = time.monotonic() + _RATE_WAIT_S
        while (wait := self.limiter.try_acquire(rates)) > 0:
            if time.monotonic() + wait > deadline:
                raise SendError("rate limiter: no slot in time")
            time.sleep(wait)

    def _upload(self, path: Path, mime_type: str = "video/mp4") -> str:
        with path.open("rb") as data:
            result = self._post(
                f"{self._base}/{self._phone}/media",
                "media upload",
                data={"messaging_product": "whatsapp", "type": mime_type},
                files={"file": (path.name, data, mime_type)},
                timeout=self.settings.nemo_upload_timeout_s,
            )
        return str(result["id"])

    def _get_json(self, url: str, what: str) -> dict[str, Any]:
        try:
            response = self._http.get(url)
        except httpx.HTTPError as exc:
            raise SendError(f"{what}: {type(exc).__name__}") from None
        return self._result(what, response)

    def _post(self, url: str, what: str, timeout: float | None = None, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._http.post(url, timeout=timeout or httpx.USE_CLIENT_DEFAULT, **kwargs)
        except _NOT_SENT as exc:
            raise SendError(f"{what}: {type(exc).__name__}") from None
        except httpx.HTTPError as exc:
            # The request was written and no answer came: Meta may have sent the message.
            raise AmbiguousSendError(f"{what}: {type(exc).__name__}") from None
        return self._result(what, response)

    def _result(self, what: str, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            raise SendError(f"{what}: HTTP {response.status_code} without JSON") from None
        if response.status_code == 200 and isinstance(body, dict) and "error" not in body:
            return body
        raise error_from_response(
            what, response.status_code, body, self.settings.whatsapp_per_user_interval_s
        )
