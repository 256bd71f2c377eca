"""What every job in a worker process shares: settings, Redis, the backend client, the chat channels.

RQ runs jobs by import path with JSON arguments, so a job cannot be handed objects. `python -m worker`
builds one `Context` at start-up (`init`), and work horses forked from it inherit it; each job asks
`current()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from redis import Redis

from bot.models import Channel
from bot.outbox import Outbox
from bot.requests import RequestStore
from bot.sessions import SessionStore
from bot.settings import Settings
from worker.nemo import NemoClient


@dataclass
class Context:
    """Process-wide resources of a worker."""

    settings: Settings
    redis: Redis
    sessions: SessionStore = field(init=False)
    requests: RequestStore = field(init=False)
    _nemo: NemoClient | None = None
    _outboxes: dict[str, Outbox] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.sessions = SessionStore(self.redis)
        self.requests = RequestStore(self.redis)

    @property
    def nemo(self) -> NemoClient:
        """The backend client (one connection pool per process)."""
        if self._nemo is None:
            s = self.settings
            self._nemo = NemoClient(
                s.nemo_api_base,
                skill_source=s.nemo_skill_source,
                skill_version=s.nemo_skill_version,
                skill_platform=s.nemo_skill_platform,
                timeout_s=s.nemo_http_timeout_s,
                upload_timeout_s=s.nemo_upload_timeout_s,
                stream_read_timeout_s=s.heartbeat_timeout_s,
            )
        return self._nemo

    def outbox(self, channel: Channel) -> Outbox:
        """The outgoing side of a chat channel."""
        if channel not in self._outboxes:
            self._outboxes[channel] = open_outbox(channel, self.settings, self.redis)
        return self._outboxes[channel]


def open_outbox(channel: Channel, settings: Settings, redis: Redis) -> Outbox:
    """A channel's outbox: Telegram's Bot API, WhatsApp's Cloud API, or the playground's console."""
    return _OUTBOXES[channel](settings, redis)


def _console_outbox(settings: Settings, redis: Redis) -> Outbox:
    from bot.console import ConsoleOutbox

    return ConsoleOutbox(redis, settings)


def _telegram_outbox(settings: Settings, redis: Redis) -> Outbox:
    from bot.ratelimit import RateLimiter
    from bot.telegram.sender import TelegramOutbox

    return TelegramOutbox(settings, RateLimiter.from_settings(redis, settings))


def _whatsapp_outbox(settings: Settings, redis: Redis) -> Outbox:
    from bot.ratelimit import RateLimiter
    from bot.whatsapp.sender import WhatsAppOutbox

    return WhatsAppOutbox(settings, redis, RateLimiter.from_settings(redis, settings))


# The channel registry: a chat's channel names the outbox its jobs answer through.
_OUTBOXES: dict[Channel, Callable[[Settings, Redis], Outbox]] = {
    "console": _console_outbox,
    "telegram": _telegram_outbox,
    "whatsapp": _whatsapp_outbox,
}


_current: Context | None = None


def init(settings: Settings) -> Context:
    """Build the process's context (called once by `python -m worker`)."""
    global _current
    _current = Context(settings, Redis.from_url(settings.redis_url))
    return _current


def current() -> Context:
    """The process's context; built from the environment if the process did not build one."""
    return _current if _current is not None else init(Settings())
