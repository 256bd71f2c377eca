"""The fake's memory, shared by the server thread (the bot's requests) and the test thread (the script).

Every read and write happens under one lock. Two kinds of waiting hang off it: the test thread waits on
a `threading.Condition` (woken whenever a call is recorded), and long-polling getUpdates requests, which
live on the server's event loop, wait on asyncio events that a new update sets thread-safely.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tests.fakes.telegram_api.flood import FloodControl, FloodLimits
from tests.fakes.telegram_api.params import ApiError, bad_request
from tests.fakes.telegram_api.records import MB, Admin, ApiCall, Chat, ChatType, SentMessage, StoredFile, User

T = TypeVar("T")

_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)


def infer_chat_type(chat_id: int) -> ChatType:
    """Telegram's id ranges: users positive, supergroups below -10¹², basic groups the other negatives."""
    return "private" if chat_id > 0 else "supergroup" if chat_id < -(10**12) else "group"


@dataclass
class _Pending:
    update: dict[str, Any]
    redelivered: bool = False
    delivered: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])

    @property
    def kind(self) -> str:
        return next(k for k in self.update if k != "update_id")


@dataclass
class Limits:
    """Size limits: Telegram's cloud (20 MB down, 50 MB up) or a local Bot API server (2000 MB both)."""

    local_mode: bool = False
    download_bytes: int = 20 * MB
    upload_bytes: int = 50 * MB

    @classmethod
    def for_mode(cls, local_mode: bool, download: int | None, upload: int | None) -> Limits:
        """Defaults for the mode, overridden where given (tests lower them to stay small)."""
        default = 2000 * MB if local_mode else None
        return cls(
            local_mode=local_mode,
            download_bytes=download or default or 20 * MB,
            upload_bytes=upload or default or 50 * MB,
        )


@dataclass
class TelegramState:
    """Chats, files, messages, updates and the call log of one fake Bot API server."""

    bot: User
    limits: Limits
    flood_limits: FloodLimits | None
    clock: Callable[[], float] = time.monotonic
    lock: threading.RLock = field(default_factory=threading.RLock)
    chats: dict[int, Chat] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    migrated: dict[int, int] = field(default_factory=dict)
    admins: dict[int, list[Admin]] = field(default_factory=dict)
    sent: dict[tuple[int, int], SentMessage] = field(default_factory=dict)
    user_messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    callback_queries: dict[str, bool] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    webhook: dict[str, Any] = field(default_factory=dict)
    calls: list[ApiCall] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    allowed_updates: list[str] = field(default_factory=list)
    late_answers: dict[str, float] = field(default_factory=dict)
    """Method (lower case) → seconds its answer is held back after the call took effect."""

    def __post_init__(self) -> None:
        self.changed = threading.Condition(self.lock)
        self.flood = FloodControl(self.flood_limits, self.clock) if self.flood_limits else None
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._update_ids = itertools.count(100_000_001)
        self._file_ids = itertools.count(1)
        self._pending: list[_Pending] = []
        self._all_updates: dict[int, dict[str, Any]] = {}
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._poll_generation = 0
        self._closed = False

    # --- chats -----------------------------------------------------------------------------------

    def add_chat(self, chat: Chat) -> Chat:
        """Make a chat known (the first description of a chat id wins); returns the known chat."""
        with self.lock:
            return self.chats.setdefault(chat.id, chat)

    def target(self, chat_id: int) -> Chat:
        """The chat a bot request addresses, or Telegram's error for an unknown, migrated or blocking chat."""
        with self.lock:
            if chat_id in self.migrated:
                raise ApiError(
                    400,
                    "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": self.migrated[chat_id]},
                )
            if chat_id in self.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if chat_id not in self.chats:
                raise bad_request("chat not found")
            return self.chats[chat_id]

    def next_message_id(self, chat_id: int) -> int:
        """Message ids count up per chat, shared by the users' and the bot's messages."""
        with self.lock:
            return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def admit(self, chat_id: int) -> None:
        """Count a message against flood control, or raise the 429."""
        if self.flood is None:
            return
        with self.lock:
            retry_after = self.flood.admit(chat_id)
        if retry_after is not None:
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})

    # --- files -----------------------------------------------------------------------------------

    def store_file(
        self, folder: str, suffix: str, *, path: Path | None = None, data: bytes | None = None
    ) -> StoredFile:
        """Register a file and give it ids and a `file_path`, as Telegram does for every file it sees."""
        with self.lock:
            number = next(self._file_ids)
        token = uuid.uuid4().hex
        size = path.stat().st_size if path is not None else len(data or b"")
        file_path = f"{folder}/file_{number}{suffix}"
        if self.limits.local_mode and path is not None:
            file_path = str(path.resolve())
        stored = StoredFile(
            file_id=f"BAACAgIAAxkBAAI{token}",
            file_unique_id=f"AgAD{token[:12]}",
            file_size=size,
            file_path=file_path,
            local_path=path,
            data=data,
        )
        with self.lock:
            self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, file_path: str) -> StoredFile | None:
        """The file served at `/file/bot<token>/<file_path>`."""
        with self.lock:
            return next((f for f in self.files.values() if f.file_path == file_path), None)

    # --- the record of what the bot did ----------------------------------------------------------

    def record_call(self, call: ApiCall) -> None:
        """Log one request and wake the test thread's waiters."""
        with self.changed:
            self.calls.append(call)
            self.statuses[call.status] += 1
            self.changed.notify_all()

    def save(self, message: SentMessage) -> SentMessage:
        """Store a new version of a sent message (the caller records the call, which wakes waiters)."""
        with self.lock:
            self.sent[(message.chat_id, message.message_id)] = message
        return message

    def wait_until(self, probe: Callable[[], T | None], timeout: float, what: str) -> T:
        """The first non-None `probe()`, re-checked at every bot call; AssertionError at timeout."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = probe()
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
                self.changed.wait(remaining)

    # --- updates ---------------------------------------------------------------------------------

    def enqueue(self, body: dict[str, Any]) -> int:
        """Queue one update (`body` is e.g. `{"message": {...}}`) and wake long polls; returns its id."""
        with self.changed:
            update_id = next(self._update_ids)
            update = {"update_id": update_id, **body}
            self._all_updates[update_id] = update
            self._pending.append(_Pending(update))
            self._wake_polls()
            self.changed.notify_all()
        return update_id

    def redeliver(self, update_id: int) -> None:
        """Queue an already delivered update again, same id, delivered once more whatever the offset."""
        with self.changed:
            self._pending.append(_Pending(self._all_updates[update_id], redelivered=True))
            self._wake_polls()

    def is_confirmed(self, update_id: int) -> bool:
        """Whether the bot confirmed the update (by a later getUpdates offset)."""
        with self.lock:
            return update_id in self._all_updates and all(p.update_id != update_id for p in self._pending)

    def polls_waiting(self) -> int:
        """Long polls parked, waiting for an update."""
        with self.lock:
            return len(self._waiters)

    def pending_count(self) -> int:
        """Updates not yet confirmed."""
        with self.lock:
            return len(self._pending)

    def drop_pending(self) -> None:
        """Forget unconfirmed updates (deleteWebhook/setWebhook with drop_pending_updates)."""
        with self.lock:
            self._pending.clear()

    def _wake_polls(self) -> None:
        for loop, event in self._waiters:
            loop.call_soon_threadsafe(event.set)

    def close(self) -> None:
        """Release every long poll at once, so the server can stop without waiting out their timeouts."""
        with self.lock:
            self._closed = True
            self._wake_polls()

    def _take(self, offset: int | None, limit: int, allowed: list[str]) -> list[dict[str, Any]]:
        if offset is not None and offset < 0:
            keep = self._pending[offset:]
            self._pending = keep
        elif offset is not None:
            self._pending = [
                p for p in self._pending if p.update_id >= offset or (p.redelivered and not p.delivered)
            ]
        batch = [p for p in self._pending if not allowed or p.kind in allowed][:limit]
        for p in batch:
            p.delivered = True
        return [p.update for p in batch]

    async def poll(
        self, offset: int | None, limit: int, timeout: float, allowed: list[str] | None
    ) -> list[Any]:
        """getUpdates: confirm below `offset`, then wait up to `timeout` s for updates; a newer poll wins."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        with self.lock:
            self._poll_generation += 1
            generation = self._poll_generation
            self._wake_polls()
            if allowed is not None:
                self.allowed_updates = allowed
        while True:
            event = asyncio.Event()
            with self.lock:
                if generation != self._poll_generation:
                    raise ApiError(409, _CONFLICT)
                batch = self._take(offset, limit, self.allowed_updates)
                if batch or self._closed or loop.time() >= deadline:
                    return batch
                waiter = (loop, event)
                self._waiters.add(waiter)
                self.changed.notify_all()
            try:
                await asyncio.wait_for(event.wait(), deadline - loop.time())
            except TimeoutError:
                pass
            finally:
                with self.lock:
                    self._waiters.discard(waiter)
