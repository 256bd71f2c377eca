"""The one outgoing path to Telegram, used by the bot and by every worker.

Synchronous httpx against the Bot API, so RQ jobs can call it directly. Every message passes the shared
Redis rate limiter first; a 429 that still comes is recorded in Redis, so every process waits out its
`retry_after`, and retried; a blocked bot, a migrated group and an unmodifiable message are mapped to what
the caller can act on. A request that went out without an answer raises `AmbiguousSendError`, never retried
here. Request URLs contain
the bot token, so no exception raised from here carries a URL.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from bot.channels import capabilities
from bot.downloads import MB, refuse_declared, write_capped
from bot.migration import may_migrate, migrate_chat, migrated_to
from bot.models import ChatRef, MediaRef
from bot.outbox import (
    AmbiguousSendError,
    Button,
    ChatAction,
    ChatUnavailableError,
    DocumentFile,
    FileTooBigError,
    Keyboard,
    SendError,
    VideoFile,
)
from bot.ratelimit import RateLimiter
from bot.settings import Settings

log = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
_MAX_FLOOD_RETRIES = 3


class ChatMigratedError(SendError):
    """The group became a supergroup with a new id."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"chat migrated to {new_chat_id}")
        self.new_chat_id = new_chat_id


def reply_markup(keyboard: Keyboard) -> str | None:
    """Inline keyboard JSON, refusing callback data Telegram would reject."""
    if not keyboard:
        return None
    rows = []
    for row in keyboard:
        rows.append([_button_json(button) for button in row])
    return json.dumps({"inline_keyboard": rows})


def _button_json(button: Button) -> dict[str, str]:
    if button.url is not None:
        return {"text": button.label, "url": button.url}
    data = button.data or ""
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data[:20]}…")
    return {"text": button.label, "callback_data": data}


def clip_text(text: str) -> str:
    """Telegram refuses messages over 4096 characters: keep the start and say it was cut."""
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


class TelegramOutbox:
    """`Outbox` over the Bot API (cloud or a self-hosted server)."""

    def __init__(self, settings: Settings, limiter: RateLimiter, client: httpx.Client | None = None):
        self.settings = settings
        self.limiter = limiter
        token = settings.telegram_bot_token.get_secret_value()
        self._api = f"{settings.telegram_api_base_url}{token}/"
        self._files = f"{settings.telegram_file_base_url}{token}/"
        self._http = client or httpx.Client(timeout=settings.telegram_request_timeout_s)
        self._moved: dict[int, int] = {}  # basic groups known to have become supergroups: old id → new id

    # --- Outbox ---------------------------------------------------------------------------------
    def send_text(
        self,
        chat: ChatRef,
        text: str,
        keyboard: Keyboard = (),
        *,
        on_wire: Callable[[], None] | None = None,
    ) -> int:
        data = self._target(chat) | {"text": clip_text(text)}
        if markup := reply_markup(keyboard):
            data["reply_markup"] = markup
        result = self._send(chat, "sendMessage", data, on_wire=on_wire)
        return int(result["message_id"])

    def edit_text(self, chat: ChatRef, message_id: int, text: str, keyboard: Keyboard = ()) -> int:
        data: dict[str, Any] = {"chat_id": chat.chat_id, "message_id": message_id, "text": clip_text(text)}
        if markup := reply_markup(keyboard):
            data["reply_markup"] = markup
        try:
            self._send(chat, "editMessageText", data)
        except _NotModified:
            pass
        except _CannotEdit:
            return self.send_text(chat, text, keyboard)
        return message_id

    def send_video(self, chat: ChatRef, video: VideoFile, caption: str, keyboard: Keyboard = ()) -> int:
        data: dict[str, Any] = self._target(chat) | {
            "width": video.width,
            "height": video.height,
            "duration": round(video.duration_s),
            "supports_streaming": "true",
            "caption": caption[:1024],
        }
        if markup := reply_markup(keyboard):
            data["reply_markup"] = markup
        with video.path.open("rb") as body:
            files: dict[str, Any] = {"video": (video.path.name, body, "video/mp4")}
            if video.thumbnail is not None:
                thumb = video.thumbnail.open("rb")
                files["thumbnail"] = ("thumb.jpg", thumb, "image/jpeg")
                data["thumbnail"] = "attach://thumbnail"
            try:
                result = self._send(
                    chat, "sendVideo", data, files=files, timeout=self.settings.telegram_upload_timeout_s
                )
            finally:
                if video.thumbnail is not None:
                    files["thumbnail"][1].close()
        return int(result["message_id"])

    def send_document(self, chat: ChatRef, document: DocumentFile, caption: str) -> int:
        data: dict[str, Any] = self._target(chat) | {"caption": caption[:1024]}
        with document.path.open("rb") as body:
            files = {"document": (document.filename, body, document.mime_type)}
            result = self._send(
                chat, "sendDocument", data, files=files, timeout=self.settings.telegram_upload_timeout_s
            )
        return int(result["message_id"])

    def send_action(self, chat: ChatRef, action: ChatAction) -> None:
        try:
            self._call("sendChatAction", self._target(chat) | {"action": action})
        except SendError as exc:  # a chat action is a courtesy: never fail a job over it
            log.info("chat action not shown: %s", exc)

    def fetch_media(self, media: MediaRef, dest: Path) -> Path:
        """The file to `dest`, never more than the channel's download limit: the sizes in the update and in
        getFile's answer refuse it early, and the bytes are counted (both sizes are optional)."""
        limit = capabilities("telegram", self.settings).download_limit_bytes
        refuse_declared(media.file_size, limit)
        found = self._call("getFile", {"file_id": media.file_id})
        if not isinstance(found, dict) or not isinstance(found.get("file_path"), str):
            raise SendError("getFile answered without a file_path")
        refuse_declared(found.get("file_size"), limit)
        file_path = found["file_path"]
        dest.parent.mkdir(parents=True, exist_ok=True)
        if self.settings.telegram_local_mode and Path(file_path).is_absolute():
            # A self-hosted Bot API server (--local) hands out paths on a volume shared with the workers.
            with Path(file_path).open("rb") as src, dest.open("wb") as out:
                write_capped(iter(partial(src.read, MB), b""), out, limit)
            return dest
        try:
            with self._http.stream("GET", self._files + file_path) as response, dest.open("wb") as out:
                if response.status_code != 200:
                    raise SendError(f"file download failed with HTTP {response.status_code}")
                write_capped(response.iter_bytes(MB), out, limit)
        except httpx.HTTPError as exc:
            raise SendError(f"file download failed: {type(exc).__name__}") from None
        return dest

    def close(self) -> None:
        self._http.close()

    # --- Bot API calls --------------------------------------------------------------------------
    def call(self, method: str, data: dict[str, Any]) -> Any:
        """Any other Bot API method (answerCallbackQuery, setMyCommands, …), without rate limiting."""
        return self._call(method, data)

    def _target(self, chat: ChatRef) -> dict[str, Any]:
        target: dict[str, Any] = {"chat_id": chat.chat_id}
        if chat.thread_id is not None:
            target["message_thread_id"] = chat.thread_id
        return target

    def _chat_id_now(self, chat: ChatRef) -> int:
        """A group that became a supergroup: straight to its new id once the move is known. Only a basic
        group's id is looked up in Redis, and a move once found is kept here (it is never undone)."""
        if not may_migrate(chat.chat_id):
            return chat.chat_id
        if chat.chat_id not in self._moved:
            moved = migrated_to(self.limiter.redis, chat.channel, chat.chat_id)
            if moved is None:
                return chat.chat_id  # not moved yet: ask again next time (another process may see the move)
            self._moved[chat.chat_id] = moved
        return self._moved[chat.chat_id]

    def _send(
        self,
        chat: ChatRef,
        method: str,
        data: dict[str, Any],
        on_wire: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> Any:
        """A call that counts against Telegram's flood limits: booked with the shared limiter first."""
        chat_id = self._chat_id_now(chat)
        if chat_id != chat.chat_id:
            data = data | {"chat_id": chat_id}
        for attempt in range(1, _MAX_FLOOD_RETRIES + 1):
            self.limiter.acquire(chat_id, chat.is_group)
            if on_wire is not None:
                on_wire()
            try:
                return self._call(method, data, **kwargs)
            except _Flood as flood:
                if attempt == _MAX_FLOOD_RETRIES:
                    break
                log.warning("Telegram flood control on %s: waiting %.0f s", method, flood.retry_after)
                self.limiter.hold(flood.retry_after)  # the next acquire waits it out, in every process
            except ChatMigratedError as migrated:
                # A group that became a supergroup: the new id from now on (and for the limiter too).
                log.warning("chat %s migrated to %s", chat_id, migrated.new_chat_id)
                migrate_chat(self.limiter.redis, chat.channel, chat_id, migrated.new_chat_id)
                self._moved[chat.chat_id] = chat_id = migrated.new_chat_id
                data = data | {"chat_id": chat_id}
        raise SendError(f"{method}: still rate limited after {_MAX_FLOOD_RETRIES} tries")

    def _call(
        self, method: str, data: dict[str, Any], files: Any = None, timeout: float | None = None
    ) -> Any:
        try:
            response = self._http.post(
                self._api + method, data=data, files=files, timeout=timeout or httpx.USE_CLIENT_DEFAULT
            )
        except _NOT_SENT as exc:
            raise SendError(f"{method}: {type(exc).__name__}") from None
        except httpx.HTTPError as exc:
            # The request was written and no answer came: Telegram may have acted on it.
            raise AmbiguousSendError(f"{method}: {type(exc).__name__}") from None
        if response.status_code == 413:
            raise FileTooBigError(f"{method}: file over the upload limit")
        try:
            body = response.json()
        except ValueError:
            raise SendError(f"{method}: HTTP {response.status_code} without JSON") from None
        if body.get("ok"):
            return body.get("result")
        raise _error(method, int(body.get("error_code") or response.status_code), body)


# Failures before the request was complete on the wire: Telegram cannot have acted on it.
_NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
)


class _Flood(SendError):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after}")
        self.retry_after = retry_after


class _NotModified(SendError):
    pass


class _CannotEdit(SendError):
    pass


def _error(method: str, code: int, body: dict[str, Any]) -> SendError:
    description = str(body.get("description", ""))
    parameters = body.get("parameters") or {}
    lowered = description.lower()
    if code == 429:
        return _Flood(float(parameters.get("retry_after", 1)))
    if "migrate_to_chat_id" in parameters:
        return ChatMigratedError(int(parameters["migrate_to_chat_id"]))
    if code == 403 or "chat not found" in lowered:
        return ChatUnavailableError(f"{method}: {description}")
    if "message is not modified" in lowered:
        return _NotModified(description)
    if "message to edit not found" in lowered or "message can't be edited" in lowered:
        return _CannotEdit(description)
    if "too big" in lowered or "too large" in lowered:
        return FileTooBigError(f"{method}: {description}")
    return SendError(f"{method}: {code} {description}")
