"""The playground's chat channel: what the bot says is pushed to a Redis list the terminal reads.

It lets a newcomer talk to the real conversation, queue, jobs and backend client with no Telegram account.
Media "ids" are paths on this machine; a delivered video is copied into the work folder.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from redis import Redis

from bot import keys
from bot.channels import capabilities
from bot.models import ChatRef, MediaRef
from bot.outbox import ChatAction, DocumentFile, FileTooBigError, Keyboard, VideoFile
from bot.settings import Settings

_COUNTER = f"{keys.PREFIX}:console:message_ids"


class ConsoleOutbox:
    """`Outbox` for the terminal playground."""

    def __init__(self, redis: Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings

    def send_text(
        self,
        chat: ChatRef,
        text: str,
        keyboard: Keyboard = (),
        *,
        on_wire: Callable[[], None] | None = None,
    ) -> int:
        message_id = int(self.redis.incr(_COUNTER))
        if on_wire is not None:
            on_wire()
        self._push(chat, {"type": "text", "id": message_id, "text": text, **_buttons(keyboard)})
        return message_id

    def edit_text(self, chat: ChatRef, message_id: int, text: str, keyboard: Keyboard = ()) -> int:
        self._push(chat, {"type": "edit", "id": message_id, "text": text, **_buttons(keyboard)})
        return message_id

    def send_video(self, chat: ChatRef, video: VideoFile, caption: str, keyboard: Keyboard = ()) -> int:
        message_id = int(self.redis.incr(_COUNTER))
        folder = self.settings.work_dir / "delivered"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"video-{message_id}.mp4"
        shutil.copyfile(video.path, path)
        self._push(
            chat,
            {
                "type": "video",
                "id": message_id,
                "path": str(path.resolve()),
                "caption": caption,
                "width": video.width,
                "height": video.height,
                "duration": video.duration_s,
                **_buttons(keyboard),
            },
        )
        return message_id

    def send_document(self, chat: ChatRef, document: DocumentFile, caption: str) -> int:
        message_id = int(self.redis.incr(_COUNTER))
        folder = self.settings.work_dir / "delivered" / str(message_id)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / Path(document.filename).name
        shutil.copyfile(document.path, path)
        event = {"type": "document", "id": message_id, "path": str(path.resolve()), "caption": caption}
        self._push(chat, event)
        return message_id

    def send_action(self, chat: ChatRef, action: ChatAction) -> None:
        """The terminal has no "typing…" indicator."""

    def fetch_media(self, media: MediaRef, dest: Path) -> Path:
        source = Path(media.file_id)
        if source.stat().st_size > capabilities("console", self.settings).download_limit_bytes:
            raise FileTooBigError(f"{source.name} is over the playground's limit")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        return dest

    def close(self) -> None:
        """Nothing to release: the Redis client belongs to the caller."""

    def _push(self, chat: ChatRef, event: dict[str, Any]) -> None:
        self.redis.rpush(keys.console_outbox_key(chat.chat_id), json.dumps(event, ensure_ascii=False))


def _buttons(keyboard: Keyboard) -> dict[str, list[str]]:
    """Labels to show, and what pressing each does (typing a label in the terminal presses it)."""
    buttons = [button for row in keyboard for button in row]
    return {"buttons": [b.label for b in buttons], "actions": [b.data or b.url or "" for b in buttons]}
