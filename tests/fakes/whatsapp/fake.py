"""`FakeWhatsApp`: a real WhatsApp Cloud API server on 127.0.0.1, scripted users, signed webhooks.

    with FakeWhatsApp() as fake:
        fake.connect("http://127.0.0.1:8080/whatsapp/webhook")   # where the bot listens
        fake.send_video(USER, clip)                              # a signed webhook, as Meta posts it
        video = fake.wait_for(lambda m: m.to == USER and m.type == "video", timeout=30)

The fake is as strict as Meta where the bot could go wrong: bearer auth everywhere, download URLs that
expire, 16 MB H.264/AAC videos, 3 buttons of 20 characters, 4096-character texts, the 24-hour window
(131047), per-user pacing (131056). After each accepted message it posts `sent` and `delivered` statuses.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import itertools
import json
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import av
import httpx

from tests.fakes.servers import ServerThread
from tests.fakes.whatsapp.app import build_app
from tests.fakes.whatsapp.checks import DOCUMENT_LIMIT, parse_message
from tests.fakes.whatsapp.records import GraphError, Media, SentMessage, invalid

DEFAULT_TOKEN = "EAAFakeWhatsAppAccessToken0123456789"
DEFAULT_SECRET = "fake-app-secret-0123"
DEFAULT_VERIFY = "fake-verify-token"
PHONE_NUMBER_ID = "106540352242922"
WINDOW_S = 24 * 3600.0
_WEBHOOK_TRIES = 4


def sign(body: bytes, secret: str) -> str:
    """The X-Hub-Signature-256 header value Meta sends."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _probe(data: bytes) -> tuple[str | None, str | None, str | None, bool]:
    try:
        with av.open(io.BytesIO(data), format="mp4") as container:
            video = container.streams.video[0] if container.streams.video else None
            audio = container.streams.audio[0] if container.streams.audio else None
            return (
                video.codec_context.name if video else None,
                audio.codec_context.name if audio else None,
                video.codec_context.profile if video else None,
                bool(video and video.codec_context.has_b_frames),
            )
    except (av.FFmpegError, ValueError, IndexError):
        return None, None, None, False


class Gate:
    """Requests of one kind hang while the gate is held (a slow call, to kill a process in)."""

    def __init__(self, lock: threading.Condition) -> None:
        self.lock = lock
        self.held_ports: list[int] = []  # the client's local port of each request held
        self._held = threading.Event()
        self._released = threading.Event()

    def hold(self) -> None:
        """From now on requests wait until `release`."""
        self._released.clear()
        self._held.set()

    def release(self) -> None:
        """Let held requests (and later ones) through."""
        self._held.clear()
        self._released.set()

    async def passing(self, client_port: int) -> None:
        """Called by a route: records the caller's port, waits while the gate is held."""
        if not self._held.is_set():
            return
        with self.lock:
            self.held_ports.append(client_port)
            self.lock.notify_all()
        await asyncio.to_thread(self._released.wait, 60)


class FakeWhatsApp:
    """A fake Cloud API for one business number and one app."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        app_secret: str = DEFAULT_SECRET,
        *,
        pair_interval_s: float = 6.0,
        pair_burst: int = 3,
        url_ttl_s: float = 300.0,
        templates: tuple[str, ...] = (),
        statuses: bool = True,
    ) -> None:
        self.token, self.app_secret, self.phone_number_id = token, app_secret, PHONE_NUMBER_ID
        self.verify_token = DEFAULT_VERIFY
        self.pair_interval_s, self.pair_burst, self.url_ttl_s = pair_interval_s, pair_burst, url_ttl_s
        self.templates = set(templates)
        self.token_expired = False
        self.post_statuses = statuses
        self.webhook_url: str | None = None
        self.lock = threading.Condition()
        self.media: dict[str, Media] = {}
        self.sent: list[SentMessage] = []
        self.refused: list[tuple[str, int]] = []  # (to, error code)
        self.read: list[str] = []  # wamids marked read (with the typing indicator)
        self.calls: list[tuple[str, str, bool]] = []
        self.webhook_answers: list[int] = []
        self._last_inbound: dict[str, float] = {}
        self._inbound_wamids: set[str] = set()
        self._pair_tat: dict[str, float] = {}
        self._ids = itertools.count(1)
        self._statuses: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._server = ServerThread(build_app(self))
        self._poster = threading.Thread(target=self._post_statuses, name="wa-statuses", daemon=True)
        self._http = httpx.Client(timeout=10)
        self.uploads = Gate(self.lock)  # media uploads
        self.read_receipts = Gate(self.lock)  # read receipts (the first thing the bot sends to a chat)

    # --- lifecycle -------------------------------------------------------------------------------
    @property
    def api_base_url(self) -> str:
        """What WHATSAPP_API_BASE_URL points at."""
        return self._server.url

    def env(self) -> dict[str, str]:
        """The bot's WHATSAPP_* settings for this fake."""
        return {
            "WHATSAPP_ACCESS_TOKEN": self.token,
            "WHATSAPP_PHONE_NUMBER_ID": self.phone_number_id,
            "WHATSAPP_APP_SECRET": self.app_secret,
            "WHATSAPP_VERIFY_TOKEN": self.verify_token,
            "WHATSAPP_API_BASE_URL": self.api_base_url,
        }

    def connect(self, webhook_url: str) -> None:
        """Subscribe the bot's webhook (what the Meta app's webhook form does)."""
        self.webhook_url = webhook_url

    def __enter__(self) -> FakeWhatsApp:
        self._server.start()
        self._poster.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.uploads.release()
        self.read_receipts.release()
        self._statuses.put(None)
        self._poster.join(5)
        self._server.stop()
        self._http.close()

    # --- what the server does (called from app.py) -------------------------------------------------
    def record_call(self, method: str, path: str, authorised: bool) -> None:
        with self.lock:
            self.calls.append((method, path, authorised))

    def media_lookup(self, media_id: str) -> dict[str, Any]:
        with self.lock:
            item = self.media.get(media_id)
        if item is None:
            raise GraphError(100, "Unsupported get request. Object with ID does not exist")
        expires = time.time() + self.url_ttl_s
        return {
            "messaging_product": "whatsapp",
            "url": f"{self.api_base_url}/download/{media_id}?exp={expires:.0f}",
            "mime_type": item.mime_type,
            "sha256": hashlib.sha256(item.data).hexdigest(),
            "file_size": len(item.data),
            "id": media_id,
        }

    def media_download(self, media_id: str, expires: str) -> bytes | None:
        with self.lock:
            item = self.media.get(media_id)
        if item is None or not expires.isdigit() or int(expires) < time.time():
            return None
        return item.data

    def store_upload(self, data: bytes, mime_type: str, filename: str | None) -> str:
        if len(data) > DOCUMENT_LIMIT:
            raise GraphError(131053, "Media upload error", details="File over 100 MB")
        if not mime_type:
            raise invalid("type is required")
        return self._store(data, mime_type, filename)

    def hold_uploads(self) -> None:
        """From now on a media upload hangs until `release_uploads` (a slow upload, to kill a worker in)."""
        self.uploads.hold()

    def release_uploads(self) -> None:
        """Let held uploads (and later ones) through."""
        self.uploads.release()

    @property
    def held_upload_ports(self) -> list[int]:
        """The local ports of the uploads that were held (the uploading process's connections)."""
        return self.uploads.held_ports

    def mark_read(self, body: dict[str, Any]) -> None:
        wamid = body.get("message_id")
        with self.lock:
            if not isinstance(wamid, str) or wamid not in self._inbound_wamids:
                raise invalid("message_id is not a message this number received")
            self.read.append(wamid)

    def accept_message(self, body: dict[str, Any]) -> tuple[str, str]:
        with self.lock:
            wamid = f"wamid.OUT{next(self._ids):08d}"
            try:
                sent = parse_message(body, wamid, self.media)
                self._check_window_and_pace(sent)
            except GraphError as exc:
                self.refused.append((str(body.get("to")), exc.code))
                raise
            sent.at = time.monotonic()
            self.sent.append(sent)
            self.lock.notify_all()
        for status in ("sent", "delivered") if self.post_statuses else ():
            self._statuses.put(self._status_payload(wamid, sent.to, status))
        return wamid, sent.to

    def _check_window_and_pace(self, sent: SentMessage) -> None:
        if sent.template is not None:
            if sent.template not in self.templates:
                raise GraphError(132001, "Template name does not exist in the translation")
        elif time.time() - self._last_inbound.get(sent.to, float("-inf")) > WINDOW_S:
            raise GraphError(131047, "Re-engagement message", details="More than 24 hours have passed")
        now = time.monotonic()
        tat = max(self._pair_tat.get(sent.to, now), now)
        if tat - now > self.pair_interval_s * (self.pair_burst - 1) + 1e-3:
            raise GraphError(131056, "(Business Account, Consumer Account) pair rate limit hit")
        self._pair_tat[sent.to] = tat + self.pair_interval_s

    def _store(self, data: bytes, mime_type: str, filename: str | None) -> str:
        video_codec = audio_codec = profile = None
        b_frames = False
        if mime_type.startswith("video/"):
            video_codec, audio_codec, profile, b_frames = _probe(data)
        with self.lock:
            media_id = f"{next(self._ids) + 900_000_000_000}"
            self.media[media_id] = Media(
                media_id, data, mime_type, filename, video_codec, audio_codec, profile, b_frames
            )
        return media_id

    # --- users ---------------------------------------------------------------------------------
    def send_text(self, user: str, text: str, **options: Any) -> str:
        """The user types `text`; returns the wamid."""
        return self.send(user, "text", {"text": {"body": text}}, **options)

    def send_video(self, user: str, clip: Path, caption: str = "", as_document: bool = False) -> str:
        """The user sends a video (or the same file as a document)."""
        media_id = self._store(clip.read_bytes(), "video/mp4", clip.name)
        part: dict[str, Any] = {"id": media_id, "mime_type": "video/mp4", "sha256": "x"}
        if caption:
            part["caption"] = caption
        if as_document:
            part["filename"] = clip.name
            return self.send(user, "document", {"document": part})
        return self.send(user, "video", {"video": part})

    def send_file(self, user: str, kind: str, data: bytes, mime_type: str) -> str:
        """An audio, image or sticker message."""
        media_id = self._store(data, mime_type, None)
        return self.send(user, kind, {kind: {"id": media_id, "mime_type": mime_type}})

    def send_location(self, user: str) -> str:
        """A shared location (not something the bot can edit)."""
        return self.send(user, "location", {"location": {"latitude": 28.6, "longitude": 77.2}})

    def send_too_large(self, user: str) -> str:
        """A file over 100 MB: Meta never delivers it, the webhook carries error 131052."""
        error = {"code": 131052, "title": "Media download error", "message": "Media download error"}
        return self.send(user, "unsupported", {"errors": [error]})

    def press(self, user: str, message: SentMessage, button_id: str) -> str:
        """The user taps a reply button or picks a list row of `message`."""
        choices = dict(message.buttons) | dict(message.list_rows)
        if button_id not in choices:
            raise AssertionError(f"{button_id!r} is not a choice of {message.wamid}: {choices}")
        kind = "button_reply" if button_id in dict(message.buttons) else "list_reply"
        reply = {"type": kind, kind: {"id": button_id, "title": choices[button_id]}}
        return self.send(user, "interactive", {"interactive": reply, "context": {"id": message.wamid}})

    def send(
        self, user: str, kind: str, content: dict[str, Any], *, duplicate: bool = False,
        signature: str | None = "good", wamid: str | None = None,
    ) -> str:  # fmt: skip
        """Post one message webhook (twice with `duplicate`; unsigned or badly signed on request)."""
        wamid = wamid or f"wamid.IN{next(self._ids):08d}"
        message = {"from": user, "id": wamid, "timestamp": f"{time.time():.0f}", "type": kind} | content
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001234", "phone_number_id": self.phone_number_id},
            "contacts": [{"profile": {"name": "Asha"}, "wa_id": user}],
            "messages": [message],
        }
        if signature == "good":
            with self.lock:
                self._last_inbound[user] = time.time()
                self._inbound_wamids.add(wamid)
        for _ in range(2 if duplicate else 1):
            self.post(self._envelope(value), signature)
        return wamid

    def open_window(self, user: str) -> None:
        """As if the user had just written (without a webhook)."""
        with self.lock:
            self._last_inbound[user] = time.time()

    def close_window(self, user: str) -> None:
        """Let 24 hours pass since the user's last message."""
        with self.lock:
            self._last_inbound[user] = time.time() - WINDOW_S - 1

    # --- webhooks ------------------------------------------------------------------------------
    def post(self, payload: dict[str, Any], signature: str | None = "good") -> int:
        """POST a webhook as Meta does, retrying (a few times here, for days at Meta) until a 200."""
        if self.webhook_url is None:
            raise RuntimeError("connect() the bot's webhook first")
        body = json.dumps(payload).encode()
        headers = {"content-type": "application/json"}
        if signature == "good":
            headers["x-hub-signature-256"] = sign(body, self.app_secret)
        elif signature is not None:
            headers["x-hub-signature-256"] = signature
        status = 0
        for attempt in range(_WEBHOOK_TRIES):
            try:
                status = self._http.post(self.webhook_url, content=body, headers=headers).status_code
            except httpx.HTTPError:
                status = 0
            with self.lock:
                self.webhook_answers.append(status)
            if status == 200 or signature != "good":
                break
            time.sleep(0.2 * (attempt + 1))  # Meta's back-off between redeliveries, shortened
        return status

    def _envelope(self, value: dict[str, Any]) -> dict[str, Any]:
        change = {"value": value, "field": "messages"}
        return {"object": "whatsapp_business_account", "entry": [{"id": "WABA1", "changes": [change]}]}

    def _status_payload(self, wamid: str, to: str, status: str) -> dict[str, Any]:
        entry = {"id": wamid, "status": status, "timestamp": f"{time.time():.0f}", "recipient_id": to}
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001234", "phone_number_id": self.phone_number_id},
            "statuses": [entry],
        }
        return self._envelope(value)

    def _post_statuses(self) -> None:
        while (payload := self._statuses.get()) is not None:
            if self.webhook_url is not None:
                self.post(payload)

    # --- observing ------------------------------------------------------------------------------
    def messages(self, user: str) -> list[SentMessage]:
        """What the user's phone shows from the bot, oldest first."""
        with self.lock:
            return [m for m in self.sent if m.to == user]

    def wait_for(self, predicate: Callable[[SentMessage], bool], timeout: float) -> SentMessage:
        """The first sent message matching `predicate`, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                for message in self.sent:
                    if predicate(message):
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no matching WhatsApp message within {timeout} s")
                self.lock.wait(left)
