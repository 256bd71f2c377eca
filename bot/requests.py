"""The record of each user request in Redis: what was asked, and where its progress is shown.

The conversation writes it before anything else happens; the jobs read it back by id, so a job's arguments
stay small and a recovery job can find the request long after its first job ended.
"""

from __future__ import annotations

from redis import Redis

from bot import keys
from bot.models import Request


class RequestStore:
    """Requests by id, each a Redis hash with the payload and a few progress fields."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def save(self, request: Request) -> None:
        """Record a request (idempotent)."""
        key = keys.request_key(request.request_id)
        self.redis.hset(key, "payload", request.model_dump_json())
        self.redis.expire(key, keys.REQUEST_TTL_S)

    def load(self, request_id: str) -> Request | None:
        """A recorded request, or None once it expired."""
        raw = self.redis.hget(keys.request_key(request_id), "payload")
        return Request.model_validate_json(raw) if raw else None

    def get(self, request_id: str, field: str) -> str | None:
        """One progress field (`progress_id`, `state_before`, …)."""
        raw = self.redis.hget(keys.request_key(request_id), field)
        return raw.decode() if raw is not None else None

    def set(self, request_id: str, field: str, value: str | float) -> None:
        """Set one progress field."""
        self.redis.hset(keys.request_key(request_id), field, str(value))

    def claim_for(self, request_id: str, field: str, owner: str) -> bool:
        """Set a field to `owner` if unset: True for that owner, also when it asks again (a redelivery)."""
        key = keys.request_key(request_id)
        self.redis.hsetnx(key, field, owner)
        return bool(self.redis.hget(key, field) == owner.encode())

    def claim(self, request_id: str, field: str) -> bool:
        """Set a field only if unset: True for the one caller that got it (a once-only step)."""
        return bool(self.redis.hsetnx(keys.request_key(request_id), field, "1"))

    def mark_failed(self, request_id: str) -> None:
        """Record that a request failed and was offered a Retry (also as its chat's latest failure)."""
        self.set(request_id, "failed", "1")
        if (request := self.load(request_id)) is not None:
            self.redis.set(keys.last_failed_key(request.chat.key), request_id, ex=keys.REQUEST_TTL_S)

    def last_failed(self, chat_key: str) -> str | None:
        """The id of the chat's latest failed request, if any."""
        raw = self.redis.get(keys.last_failed_key(chat_key))
        return raw.decode() if raw is not None else None

    def has_failed(self, request_id: str) -> bool:
        """Whether a request failed (the condition for accepting its Retry)."""
        return self.get(request_id, "failed") is not None
