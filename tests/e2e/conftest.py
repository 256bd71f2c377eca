"""The product as it runs in production: `python -m bot` and `python -m worker` as real processes, with a
real redis-server, the fake Telegram Bot API and the NemoVideo double on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.i18n import translate
from tests.fakes.nemo_double import NemoDouble
from tests.fakes.telegram_api import FakeTelegram, FloodLimits, SentMessage, User
from tests.processes import RedisServer, Service
from worker.timeline import ratio

WEB = "https://web.nemo.test"
TIMEOUT_S = 30.0
# Telegram allows about one message a second in a private chat, and the product keeps to it (see the
# sender's tests and test_session.py). A whole conversation would then spend most of its time waiting, so
# the conversation tests lift that limit on both sides: the fake's flood control (`fast_telegram`) and
# the product's limiter (start the processes with FAST_CHAT_ENV).
FAST_CHAT_ENV = {"RATE_PER_CHAT_PER_S": "50"}


class Product:
    """The bot and its workers, started on demand, stopped at teardown."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.services: list[Service] = []

    def start(self, module: str, **overrides: str) -> Service:
        name = f"{module}-{len(self.services)}"
        service = Service(module, self.env | overrides, self.folder / f"{name}.log")
        self.services.append(service)
        return service

    def logs(self) -> str:
        return "\n".join(f"--- {s.module} ---\n{s.log()[-20000:]}" for s in self.services)

    def stop(self) -> None:
        for service in self.services:
            service.stop()


@pytest.fixture
def product(
    tmp_path: Path, redis_server: RedisServer, fake_telegram: FakeTelegram, nemo_double: NemoDouble
) -> Iterator[Product]:
    env = fake_telegram.env() | {
        "REDIS_URL": redis_server.url,
        "NEMO_API_BASE": nemo_double.url,
        "NEMO_WEB_URL": WEB,
        "WORK_DIR": str(tmp_path / "work"),
        "RENDER_POLL_INTERVAL_S": "0.3",
        "STILL_WORKING_INTERVAL_S": "1",
        "RATE_LIMIT_RETRY_S": "1",
        "RECOVERY_FIRST_WAIT_S": "0.5",
        "RECOVERY_NEXT_WAIT_S": "0.5",
        "TELEGRAM_POLL_TIMEOUT_S": "1",
        "JOB_MONITORING_INTERVAL_S": "1",
        "WORKER_TTL_S": "5",
        "MAINTENANCE_INTERVAL_S": "2",
        "LOG_LEVEL": "INFO",
    }
    running = Product(tmp_path, env)
    yield running
    running.stop()


def start_fast(product: Product, **worker_env: str) -> None:
    """Start the bot and one worker at the conversation tests' pace (see FAST_CHAT_ENV)."""
    product.start("bot", **FAST_CHAT_ENV)
    product.start("worker", **FAST_CHAT_ENV, **worker_env)


@pytest.fixture
def fast_telegram() -> Iterator[FakeTelegram]:
    """A fake Bot API whose private chats take 50 messages a second (see FAST_CHAT_ENV)."""
    with FakeTelegram(flood=FloodLimits(private=(50, 1.0))) as fake:
        yield fake


@pytest.fixture
def dump_logs(request: pytest.FixtureRequest, product: Product) -> Iterator[None]:
    """Print the services' logs when a test fails (pytest shows captured output of failures)."""
    yield
    print(product.logs())


class UserChat:
    """One user's private chat with the bot: what they send, and the bot's messages that answer it.

    `ask` waits for a bot message *newer* than the user's message, so an older message that happens to
    match (the answer to an earlier request) never satisfies a later wait.
    """

    def __init__(self, fake: FakeTelegram, chat_id: int, language_code: str | None = "en") -> None:
        self.fake = fake
        self.chat_id = chat_id
        self.user = User(chat_id, first_name="Asha", username=f"asha{chat_id}", language_code=language_code)

    def messages(self) -> list[SentMessage]:
        """The bot's visible messages in this chat, oldest first."""
        return self.fake.messages(self.chat_id)

    def mark(self) -> int:
        """The id of the bot's latest message so far (deleted ones too), 0 if none."""
        return max((m.message_id for m in self.fake.messages(self.chat_id, include_deleted=True)), default=0)

    def wait(
        self, predicate: Callable[[SentMessage], bool], after: int = 0, timeout: float = TIMEOUT_S
    ) -> SentMessage:
        """The first bot message in this chat after message `after` that matches `predicate`.

        On timeout the assertion shows the chat as the user sees it, which is what a failure is about.
        """
        try:
            return self.fake.wait_for(
                lambda m: m.chat_id == self.chat_id and m.message_id > after and predicate(m), timeout
            )
        except AssertionError as exc:
            shown = "\n".join(f"  #{m.message_id} {m.text!r} {m.callback_data}" for m in self.messages())
            raise AssertionError(f"{exc}; the chat shows:\n{shown}") from None

    def ask(self, text: str, expected: str | Callable[[SentMessage], bool]) -> SentMessage:
        """Send `text`; the bot's answer: the first newer message containing `expected` (or matching it)."""
        after = self.mark()
        self.fake.send_text(self.chat_id, text, user=self.user)
        return self.wait(_matcher(expected), after)

    def upload(self, clip: Path, expected: str) -> SentMessage:
        """Send a video; the progress message once it says `expected`."""
        after = self.mark()
        self.fake.send_video(self.chat_id, clip, user=self.user)
        return self.wait(_matcher(expected), after)

    def press(
        self, message: SentMessage, data: str, expected: str | Callable[[SentMessage], bool]
    ) -> SentMessage:
        """Press the button with callback `data` under `message`; the first newer message matching."""
        after = self.mark()
        self.fake.press_button(self.chat_id, message.message_id, data, self.user)
        return self.wait(_matcher(expected), after)


def _matcher(expected: str | Callable[[SentMessage], bool]) -> Callable[[SentMessage], bool]:
    if callable(expected):
        return expected
    return lambda m: expected in (m.text or "")


def urls(message: SentMessage) -> list[str]:
    """The URLs of a message's link buttons."""
    return [b.url for row in message.buttons for b in row if b.url]


def labels(message: SentMessage) -> list[str]:
    """The labels of a message's buttons, row by row."""
    return [b.text for row in message.buttons for b in row]


def changed_text(lang: str, *lines: str) -> str:
    """The "what changed" message of a turn without text, one bullet per change."""
    return translate(lang, "turn.changed", changes="\n".join(f"• {line}" for line in lines))


def music_added(lang: str, end_s: int) -> str:
    """The change line of the double's background music (it names it "Lo-fi", at 35 %)."""
    kind = translate(lang, "kind.audio")
    return translate(lang, "change.added_track", kind=kind, label=' "Lo-fi", 35%', span=f"0–{end_s} s")


def is_video(message: SentMessage) -> bool:
    """A video the bot sent (sendVideo)."""
    return message.media is not None and message.media.kind == "video"


def status_text(lang: str, *tracks: tuple[str, str, str], frame: tuple[int, int] = (320, 180)) -> str:
    """The timeline summary the bot shows, from (kind, label, span) per track, then the output frame
    (by default the phone clip's: the double takes the frame from the first video)."""
    lines = [translate(lang, "status.header", count=len(tracks))]
    for index, (kind, label, span) in enumerate(tracks, 1):
        kind_name = translate(lang, f"kind.{kind}")
        shown = label.strip()
        lines.append(translate(lang, "status.track", index=index, kind=kind_name, label=shown, span=span))
    width, height = frame
    shape = translate(lang, "shape.portrait" if height > width else "shape.landscape")
    named = ratio(width, height)
    size = {"width": str(width), "height": str(height), "ratio": named, "shape": shape}
    lines.append(translate(lang, "status.frame" if named else "status.frame_plain", **size))
    return "\n".join(lines)


def says(lang: str, key: str, **variables: str | int) -> Callable[[SentMessage], bool]:
    """Matches a message whose text is exactly the catalog message `key` in `lang`."""
    text = translate(lang, key, **variables)
    return lambda m: m.text == text


def starts(prefix: str) -> Callable[[SentMessage], bool]:
    """Matches a message whose text starts with `prefix` (the agent's own words)."""
    return lambda m: (m.text or "").startswith(prefix)
