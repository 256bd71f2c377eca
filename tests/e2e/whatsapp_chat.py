"""The WhatsApp side of the end-to-end tests: `python -m bot.whatsapp` on a loopback port, the fake Cloud
API, and a user's chat with helpers that wait for the bot's answers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from tests.e2e.conftest import TIMEOUT_S, Product
from tests.fakes.whatsapp import FakeWhatsApp, SentMessage
from tests.processes import Service, free_port, wait_for

# The product's pacing per user (one message every 6 s) would make a whole conversation last minutes: the
# tests lift it on both sides, as the Telegram tests do with FAST_CHAT_ENV.
PAIR_INTERVAL_S = 0.05
FAST_WHATSAPP_ENV = {"WHATSAPP_PER_USER_INTERVAL_S": str(PAIR_INTERVAL_S), "WHATSAPP_PER_USER_BURST": "3"}


def start_whatsapp(product: Product, fake: FakeWhatsApp, **env: str) -> str:
    """Start the webhook process and a worker; subscribe the fake to the webhook; return its URL."""
    port = free_port()
    start_webhook(product, fake, port, **env)
    product.start("worker", **(fake.env() | FAST_WHATSAPP_ENV | env))
    url = f"http://127.0.0.1:{port}/whatsapp/webhook"
    fake.connect(url)
    return url


def start_webhook(product: Product, fake: FakeWhatsApp, port: int, **env: str) -> Service:
    """`python -m bot.whatsapp` on `port`, once it answers its health check."""
    common = fake.env() | FAST_WHATSAPP_ENV | env
    service = product.start(
        "bot.whatsapp", WHATSAPP_LISTEN_HOST="127.0.0.1", WHATSAPP_LISTEN_PORT=str(port), **common
    )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{base}/healthcheck", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    wait_for(healthy, TIMEOUT_S, "the WhatsApp webhook to listen")
    return service


class WhatsAppChat:
    """One user's chat with the business number."""

    def __init__(self, fake: FakeWhatsApp, wa_id: str) -> None:
        self.fake = fake
        self.wa_id = wa_id

    def messages(self) -> list[SentMessage]:
        return self.fake.messages(self.wa_id)

    def mark(self) -> int:
        return len(self.messages())

    def wait(self, predicate: Callable[[SentMessage], bool], after: int = 0) -> SentMessage:
        """The first bot message to this user after the first `after` ones that matches."""
        try:
            return self.fake.wait_for(
                lambda m: m.to == self.wa_id and self.fake.messages(self.wa_id).index(m) >= after
                and predicate(m),
                TIMEOUT_S,
            )  # fmt: skip
        except AssertionError as exc:
            shown = "\n".join(f"  {m.type} {m.text!r} {m.button_ids}" for m in self.messages())
            raise AssertionError(f"{exc}; the chat shows:\n{shown}") from None

    def ask(self, text: str, expected: str | Callable[[SentMessage], bool]) -> SentMessage:
        after = self.mark()
        self.fake.send_text(self.wa_id, text)
        return self.wait(_matcher(expected), after)

    def upload(self, clip: Path, expected: str) -> SentMessage:
        after = self.mark()
        self.fake.send_video(self.wa_id, clip)
        return self.wait(_matcher(expected), after)

    def press(
        self, message: SentMessage, button_id: str, expected: str | Callable[[SentMessage], bool]
    ) -> SentMessage:
        after = self.mark()
        self.fake.press(self.wa_id, message, button_id)
        return self.wait(_matcher(expected), after)


def _matcher(expected: str | Callable[[SentMessage], bool]) -> Callable[[SentMessage], bool]:
    if callable(expected):
        return expected
    return lambda m: expected in m.text or expected in m.caption


def is_media(kind: str) -> Callable[[SentMessage], bool]:
    """A video or document message."""
    return lambda m: m.type == kind and m.media is not None
