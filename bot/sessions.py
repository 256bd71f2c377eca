"""The per-chat session in Redis: who the chat is to the backend, and in which language we talk.

Bot and workers are stateless: any process reads the chat's session here. The backend token is kept as a
`SecretStr` so that a session printed by accident shows `**********`.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from pydantic import BaseModel, SecretStr
from redis import Redis

from bot import keys
from bot.models import Lang, LangSource


class Session(BaseModel):
    """One chat's identity and backend session."""

    chat_key: str
    client_id: str
    lang: Lang = "en"
    lang_source: LangSource = "hint"
    lang_pending: Lang | None = None  # a decisive message in another style: one more and we follow it
    token: SecretStr | None = None
    user_id: str | None = None
    expires_at: datetime | None = None
    task_id: str | None = None
    session_id: str | None = None
    media_count: int = 0

    @property
    def is_anonymous(self) -> bool:
        """Anonymous accounts register to get more credits; registered ones top up."""
        return self.user_id is None or self.user_id.startswith("anon_")

    def token_is_fresh(self, now: datetime | None = None) -> bool:
        """A token we can still use (an expired one is replaced before the call, not after a 1001)."""
        if self.token is None:
            return False
        if self.expires_at is None:
            return True
        return (now or datetime.now(UTC)) < self.expires_at


def _encode(session: Session) -> dict[str, str]:
    fields = session.model_dump(mode="json", exclude={"token"}, exclude_none=True)
    encoded = {name: str(value) for name, value in fields.items()}
    if session.token is not None:
        encoded["token"] = session.token.get_secret_value()
    return encoded


class SessionStore:
    """Reads and writes chat sessions; one Redis hash per chat."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def load(self, chat_key: str) -> Session:
        """The chat's session, created (with a new stable client id) on first use."""
        raw = self.redis.hgetall(keys.session_key(chat_key))
        if not raw:
            session = Session(chat_key=chat_key, client_id=f"tg-{secrets.token_hex(12)}")
            # HSETNX keeps the first client id if two processes create the session at once.
            self.redis.hsetnx(keys.session_key(chat_key), "client_id", session.client_id)
            self.redis.hsetnx(keys.session_key(chat_key), "chat_key", chat_key)
            self.redis.expire(keys.session_key(chat_key), keys.SESSION_TTL_S)
            raw = self.redis.hgetall(keys.session_key(chat_key))
        data = {k.decode(): v.decode() for k, v in raw.items()}
        return Session.model_validate(data)

    def update(self, chat_key: str, **fields: object) -> Session:
        """Set some fields (None deletes them) and return the session as now stored."""
        key = keys.session_key(chat_key)
        current = self.load(chat_key).model_copy(update=fields)
        encoded = _encode(current)
        removed = [name for name, value in fields.items() if value is None]
        with self.redis.pipeline() as pipe:
            if removed:
                pipe.hdel(key, *removed)
            changed = {k: v for k, v in encoded.items() if k in fields}
            if changed:
                pipe.hset(key, mapping=changed)
            pipe.expire(key, keys.SESSION_TTL_S)
            pipe.execute()
        return current

    def forget_backend_session(self, chat_key: str) -> Session:
        """Drop the backend session (after a 1002); identity and language stay."""
        return self.update(chat_key, task_id=None, session_id=None, media_count=0)

    def start_over(self, chat_key: str) -> Session:
        """/new: a new backend session, and the language learnt afresh (unless the user pinned one)."""
        session = self.forget_backend_session(chat_key)
        if session.lang_source == "chosen":
            return session
        return self.update(chat_key, lang_source="hint", lang_pending=None)
