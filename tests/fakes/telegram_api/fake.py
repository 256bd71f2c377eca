"""`FakeTelegram`: a real Bot API server on 127.0.0.1, scripted users, and waiting helpers for tests.

    with FakeTelegram() as fake:
        settings = Settings(telegram_bot_token=fake.token, telegram_api_base_url=fake.api_base_url,
                            telegram_file_base_url=fake.file_base_url)
        update_id = fake.send_video(42, clip, caption="make it shorter")
        reply = fake.wait_for(lambda m: m.chat_id == 42 and m.media is not None, timeout=30)

Every method is thread-safe: the server runs in its own thread, the test drives and observes from another.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Unpack

from tests.fakes.servers import ServerThread
from tests.fakes.telegram_api.app import build_app
from tests.fakes.telegram_api.flood import FloodLimits
from tests.fakes.telegram_api.records import (
    Admin,
    ApiCall,
    Chat,
    ChatType,
    MediaKind,
    SentMessage,
    StoredFile,
    User,
)
from tests.fakes.telegram_api.state import Limits, TelegramState, infer_chat_type
from tests.fakes.telegram_api.users import (
    Origin,
    default_user,
    media_content,
    queue_button_press,
    queue_message,
    text_content,
)

DEFAULT_TOKEN = "123456789:AAFakeTokenForTests-0123456789abcdefgh"
DEFAULT_FLOOD = FloodLimits()
_IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
_VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".mkv", ".webm", ".avi"})


class FakeTelegram:
    """A fake Telegram Bot API for one bot token: cloud limits by default, or a `--local` server's."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        local_mode: bool = False,
        flood: FloodLimits | None = DEFAULT_FLOOD,
        download_limit_bytes: int | None = None,
        upload_limit_bytes: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        bot_username: str = "nemo_test_bot",
    ) -> None:
        self.token = token
        bot_id = int(token.split(":")[0])
        bot = User(bot_id, "Nemo Test Bot", username=bot_username, language_code=None, is_bot=True)
        self.state = TelegramState(
            bot=bot,
            limits=Limits.for_mode(local_mode, download_limit_bytes, upload_limit_bytes),
            flood_limits=flood,
            clock=clock,
        )
        self._server = ServerThread(build_app(self.state, token))
        self._album_ids = itertools.count(13_000_000_000_000_001)

    # --- lifecycle -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The server's root, e.g. http://127.0.0.1:41234."""
        return self._server.url

    @property
    def api_base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL (and PTB's `base_url`) should be."""
        return f"{self.url}/bot"

    @property
    def file_base_url(self) -> str:
        """What TELEGRAM_FILE_BASE_URL (and PTB's `base_file_url`) should be."""
        return f"{self.url}/file/bot"

    @property
    def bot(self) -> User:
        """The bot's own user (its id is the token's number)."""
        return self.state.bot

    def env(self) -> dict[str, str]:
        """The environment a bot process needs to talk to this fake (for e2e tests)."""
        return {
            "TELEGRAM_BOT_TOKEN": self.token,
            "TELEGRAM_API_BASE_URL": self.api_base_url,
            "TELEGRAM_FILE_BASE_URL": self.file_base_url,
            "TELEGRAM_LOCAL_MODE": str(self.state.limits.local_mode).lower(),
        }

    def start(self) -> None:
        """Start serving."""
        self._server.start()

    def stop(self) -> None:
        """Release long polls, then stop the server."""
        self.state.close()
        self._server.stop()

    def __enter__(self) -> FakeTelegram:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- chats and files -------------------------------------------------------------------------

    def add_chat(
        self,
        chat_id: int,
        chat_type: ChatType | None = None,
        *,
        title: str | None = None,
        is_forum: bool = False,
    ) -> Chat:
        """Make a chat known before any user speaks in it (the bot may not send to unknown chats)."""
        return self.state.add_chat(Chat(chat_id, chat_type or infer_chat_type(chat_id), title, is_forum))

    def set_admins(self, chat_id: int, admins: Sequence[Admin | User]) -> None:
        """The group's administrators for getChatAdministrators/getChatMember (plain users become admins)."""
        self.add_chat(chat_id)
        with self.state.lock:
            self.state.admins[chat_id] = [a if isinstance(a, Admin) else Admin(a) for a in admins]

    def block(self, chat_id: int) -> None:
        """The user blocks the bot: sends to the chat get 403."""
        with self.state.lock:
            self.state.blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        """The user unblocks the bot."""
        with self.state.lock:
            self.state.blocked.discard(chat_id)

    def answer_late(self, method: str, seconds: float) -> None:
        """Let `method` take effect at once but answer `seconds` later (0: on time again)."""
        with self.state.lock:
            self.state.late_answers[method.lower()] = seconds

    def migrate(self, chat_id: int, to_chat_id: int, *, announce: bool = False) -> None:
        """The group became a supergroup: sends to the old id get 400 with migrate_to_chat_id.

        With `announce`, the service messages Telegram sends come as updates too: `migrate_to_chat_id`
        in the old group, then `migrate_from_chat_id` in the supergroup.
        """
        self.add_chat(to_chat_id, "supergroup")
        with self.state.lock:
            self.state.migrated[chat_id] = to_chat_id
        if announce:
            user = default_user(chat_id)
            queue_message(self.state, chat_id, {"migrate_to_chat_id": to_chat_id}, {"user": user})
            origin: Origin = {"user": user, "chat_type": "supergroup"}
            queue_message(self.state, to_chat_id, {"migrate_from_chat_id": chat_id}, origin)

    def register_file(self, path: Path | str, folder: str = "documents") -> StoredFile:
        """Make a file on disk available through getFile and the file URL, as if a user had sent it."""
        path = Path(path)
        return self.state.store_file(folder, path.suffix, path=path)

    def file(self, file_id: str) -> StoredFile:
        """A file the fake knows (a user's, or one the bot sent), to read what was sent by reference."""
        with self.state.lock:
            return self.state.files[file_id]

    # --- scripted users --------------------------------------------------------------------------

    def send_text(self, chat_id: int, text: str, **origin: Unpack[Origin]) -> int:
        """A user sends text; /commands and @mentions get their entities. Returns the update_id."""
        return queue_message(self.state, chat_id, text_content(text), origin)

    def _send_file(
        self,
        chat_id: int,
        kind: MediaKind,
        path: Path | str,
        caption: str | None,
        origin: Origin,
        **fields: Any,
    ) -> int:
        content = media_content(self.state, kind, Path(path), caption, **fields)
        return queue_message(self.state, chat_id, content, origin)

    def send_video(
        self,
        chat_id: int,
        path: Path | str,
        *,
        as_document: bool = False,
        caption: str | None = None,
        **origin: Unpack[Origin],
    ) -> int:
        """A user sends a video (probed for width/height/duration), or the same file as a document."""
        return self._send_file(chat_id, "document" if as_document else "video", path, caption, origin)

    def send_video_note(self, chat_id: int, path: Path | str, **origin: Unpack[Origin]) -> int:
        """A user sends a round video message."""
        return self._send_file(chat_id, "video_note", path, None, origin)

    def send_animation(
        self, chat_id: int, path: Path | str, *, caption: str | None = None, **origin: Unpack[Origin]
    ) -> int:
        """A user sends a GIF-like silent video (Telegram's `animation`, also described as a document)."""
        return self._send_file(chat_id, "animation", path, caption, origin, mime_type="video/mp4")

    def send_audio(
        self, chat_id: int, path: Path | str, *, caption: str | None = None, **origin: Unpack[Origin]
    ) -> int:
        """A user sends a music file."""
        return self._send_file(chat_id, "audio", path, caption, origin)

    def send_photo(
        self, chat_id: int, path: Path | str, *, caption: str | None = None, **origin: Unpack[Origin]
    ) -> int:
        """A user sends a photo."""
        return self._send_file(chat_id, "photo", path, caption, origin)

    def send_document(
        self, chat_id: int, path: Path | str, *, caption: str | None = None, **origin: Unpack[Origin]
    ) -> int:
        """A user sends any file as a document (a PDF, a video they chose not to compress, …)."""
        return self._send_file(chat_id, "document", path, caption, origin)

    def send_media_group(
        self,
        chat_id: int,
        paths: Sequence[Path | str],
        *,
        caption: str | None = None,
        **origin: Unpack[Origin],
    ) -> list[int]:
        """A user sends an album: one message per file, sharing a media_group_id; caption on the first."""
        group_id = str(next(self._album_ids))
        update_ids = []
        for index, path in enumerate(map(Path, paths)):
            suffix = path.suffix.lower()
            kind: MediaKind = (
                "photo" if suffix in _IMAGE_SUFFIXES else "video" if suffix in _VIDEO_SUFFIXES else "document"
            )
            content = media_content(self.state, kind, path, caption if index == 0 else None)
            update_ids.append(queue_message(self.state, chat_id, content, origin, media_group_id=group_id))
        return update_ids

    def press_button(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        user: User | None = None,
        *,
        expired: bool = False,
    ) -> int:
        """A user presses an inline button the bot showed (ValueError if that button is not there).

        `expired`: the bot reads the press after Telegram forgot the query (answering it is a 400).
        """
        presser = user or default_user(chat_id)
        return queue_button_press(self.state, chat_id, message_id, callback_data, presser, expired=expired)

    def redeliver(self, update_id: int) -> None:
        """Deliver an already confirmed update again, with the same update_id (as after a Telegram hiccup)."""
        self.state.redeliver(update_id)

    # --- observation -----------------------------------------------------------------------------

    def messages(self, chat_id: int | None = None, *, include_deleted: bool = False) -> list[SentMessage]:
        """The bot's messages (latest version of each), oldest first; in one chat if `chat_id` is given."""
        with self.state.lock:
            found = list(self.state.sent.values())
        if chat_id is not None:
            found = [m for m in found if m.chat_id == chat_id]
        return found if include_deleted else [m for m in found if not m.deleted]

    def videos(self, chat_id: int | None = None) -> list[SentMessage]:
        """The bot's video messages (sendVideo), oldest first."""
        return [m for m in self.messages(chat_id) if m.media is not None and m.media.kind == "video"]

    def last_text(self, chat_id: int) -> str | None:
        """The text (or caption) of the bot's latest visible message in the chat."""
        shown = self.messages(chat_id)
        return shown[-1].text if shown else None

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Every request the bot made (or those to one method), in order."""
        with self.state.lock:
            return [c for c in self.state.calls if method is None or c.method.lower() == method.lower()]

    def error_count(self, status: int) -> int:
        """How many replies had this HTTP status (429: flood-control rejections)."""
        with self.state.lock:
            return self.state.statuses[status]

    def commands(self, language_code: str = "", scope: str = "default") -> list[dict[str, str]]:
        """The command menu set for a scope ("default", "all_private_chats", "chat:<id>", …) and language."""
        with self.state.lock:
            return list(self.state.commands.get((scope, language_code), []))

    def wait_for(self, predicate: Callable[[SentMessage], bool], timeout: float = 5.0) -> SentMessage:
        """The first bot message (deleted ones too) matching `predicate`, waiting up to `timeout`."""

        def probe() -> SentMessage | None:
            return next((m for m in self.messages(include_deleted=True) if predicate(m)), None)

        return self.state.wait_until(probe, timeout, "a matching message from the bot")

    def wait_for_call(
        self, method: str, predicate: Callable[[ApiCall], bool] = lambda call: True, timeout: float = 5.0
    ) -> ApiCall:
        """The first call to `method` matching `predicate`, waiting up to `timeout`."""

        def probe() -> ApiCall | None:
            return next((c for c in self.calls(method) if predicate(c)), None)

        return self.state.wait_until(probe, timeout, f"a {method} call")

    def wait_for_poll(self, timeout: float = 5.0) -> None:
        """Wait until the bot is parked in a long getUpdates poll (it is up and listening)."""

        def parked() -> bool | None:
            return self.state.polls_waiting() > 0 or None

        self.state.wait_until(parked, timeout, "a long poll")

    def wait_confirmed(self, update_id: int, timeout: float = 5.0) -> None:
        """Wait until the bot has confirmed the update (polled again with a later offset)."""

        def confirmed() -> bool | None:
            return self.state.is_confirmed(update_id) or None

        self.state.wait_until(confirmed, timeout, f"confirmation of update {update_id}")
