"""A terminal chat with the real conversation: messages in through `Conversation`, replies out of Redis.

Incoming messages are built exactly as a channel adapter builds them (`IncomingMessage` on the `console`
channel) and go through the same `Conversation`, queue and jobs as Telegram's.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from redis import Redis
from rq.job import Job, JobStatus

from bot import keys
from bot.conversation import Conversation
from bot.models import ChatRef, IncomingMessage, MediaKind, MediaRef
from bot.settings import Settings
from worker.enqueue import RQJobs, request_job_id

CHAT = ChatRef(channel="console", chat_id=1)
_DONE = {JobStatus.FINISHED, JobStatus.FAILED, JobStatus.CANCELED, JobStatus.STOPPED}
_KINDS: dict[str, MediaKind] = {
    ".mp3": "audio",
    ".wav": "audio",
    ".m4a": "audio",
    ".aac": "audio",
    ".jpg": "photo",
    ".jpeg": "photo",
    ".png": "photo",
    ".webp": "photo",
}


class PlaygroundChat:
    """One console chat: send files and words, read what the bot says."""

    def __init__(self, redis: Redis, settings: Settings, show: Callable[[dict[str, Any]], None]) -> None:
        self.redis = redis
        self.settings = settings
        self.show = show
        self.conversation = Conversation(redis, settings, RQJobs(redis, settings))
        self._updates = itertools.count(int(time.time() * 1000))
        self.videos: list[Path] = []
        self._buttons: dict[str, str] = {}  # the last message's buttons: typed label → what it does

    def send_file(self, path: Path) -> str | None:
        """Send a file as the user would; returns the request id, if one was queued."""
        path = path.expanduser().resolve()
        kind: MediaKind = _KINDS.get(path.suffix.lower(), "video")
        media = MediaRef(
            kind=kind,
            file_id=str(path),
            file_name=path.name,
            file_size=path.stat().st_size,
            mime_type="video/mp4" if kind == "video" else None,
        )
        return self._handle(self._message(media=media))

    def say(self, text: str) -> str | None:
        """Type a message (or a /command); returns the request id, if one was queued.

        Typing the label of one of the last message's buttons ("retry") presses it, as a tap would.
        """
        action = self._buttons.get(text.strip().casefold())
        if action:
            if action.startswith(("http://", "https://")):
                self.show({"type": "text", "text": action, "buttons": []})
                return None
            return self._handle(self._message(callback_data=action))
        command, _, rest = text.partition(" ")
        if text.startswith("/"):
            return self._handle(self._message(command=command[1:].lower(), text=rest.strip()))
        return self._handle(self._message(text=text))

    def wait(self, request_id: str, timeout_s: float) -> None:
        """Show replies until the request is done (for an export: until its video or failure arrived)."""
        deadline = time.monotonic() + timeout_s
        job_id = request_job_id(request_id)
        while time.monotonic() < deadline:
            self.drain(0.2)
            job = (
                Job.fetch(job_id, connection=self.redis)
                if Job.exists(job_id, connection=self.redis)
                else None
            )
            if job is None or job.get_status() not in _DONE:
                continue
            render = self.redis.get(keys.export_key(request_id))
            if render is None or not self._following(render.decode()):
                self.drain(0.5)
                return
        raise TimeoutError(f"no answer within {timeout_s:.0f} s")

    def drain(self, block_s: float) -> None:
        """Show everything the bot has said (waiting up to `block_s` for the first message)."""
        key = keys.console_outbox_key(CHAT.chat_id)
        item = self.redis.blpop([key], timeout=block_s)
        while item is not None:
            event = json.loads(item[1])
            if event["type"] == "video":
                self.videos.append(Path(event["path"]))
            self._remember_buttons(event.get("buttons", []), event.get("actions", []))
            self.show(event)
            item = self.redis.lpop(key)
            item = (key, item) if item is not None else None

    def _remember_buttons(self, labels: list[str], actions: list[str]) -> None:
        if labels:
            self._buttons = {label.casefold(): action for label, action in zip(labels, actions, strict=False)}

    def _following(self, render_id: str) -> bool:
        delivered = self.redis.get(keys.delivered_key(render_id))
        active = self.redis.sismember(keys.active_renders_key(), render_id)
        return delivered != b"sent" and bool(active)

    def _message(self, **fields: Any) -> IncomingMessage:
        return IncomingMessage(
            update_id=next(self._updates), chat=CHAT, user_id=1, user_name="you", language_hint=None, **fields
        )

    def _handle(self, message: IncomingMessage) -> str | None:
        decision = self.conversation.handle(message)
        if decision is None:
            return None
        for reply in decision.replies:
            buttons = [b for row in reply.keyboard for b in row]
            self._remember_buttons([b.label for b in buttons], [b.data or b.url or "" for b in buttons])
            self.show({"type": "text", "text": reply.text, "buttons": [b.label for b in buttons]})
            if reply.progress and decision.request is not None:
                message_id = int(self.redis.incr(f"{keys.PREFIX}:console:message_ids"))
                self.conversation.record_progress_message(decision.request.request_id, message_id)
        return decision.request.request_id if decision.request is not None else None
