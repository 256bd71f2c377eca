"""Everything the engine remembers, in Redis: accounts, credits, sessions, renders, claim tokens.

Every key is built by one of the `*_key` functions below, under one prefix, with its TTL beside it. Values are
small hashes or one JSON document; a session is one document changed under WATCH (optimistic locking), so two
writers (an upload, a turn) never interleave inside one change.
The connection must return bytes (`decode_responses=False`), as RQ needs the same connection.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any, cast

import redis

# The records are defined in engine.records; their import path here is kept (explicit re-exports).
from engine.records import Account as Account
from engine.records import Credits as Credits
from engine.records import Json
from engine.records import RenderRecord as RenderRecord
from engine.records import RenderStatus as RenderStatus
from engine.records import SessionRecord as SessionRecord

PREFIX = "engine"
USER_TTL_S = 365 * 24 * 3600  # a client id keeps its user (and its credits) for a year
SESSION_TTL_S = 30 * 24 * 3600  # refreshed on every change
RENDER_TTL_S = 7 * 24 * 3600
CLAIM_TTL_S = 7 * 24 * 3600


def client_user_key(client_id: str) -> str:
    """The user id a client id belongs to (string)."""
    return f"{PREFIX}:client:{client_id}:user"


def client_token_key(client_id: str) -> str:
    """The client's live token (string; expires with the token)."""
    return f"{PREFIX}:client:{client_id}:token"


def token_key(token: str) -> str:
    """A token's account (hash: user_id, expires_at)."""
    return f"{PREFIX}:token:{token}"


def credits_key(user_id: str) -> str:
    """A user's credits (hash: available, frozen)."""
    return f"{PREFIX}:credits:{user_id}"


def session_key(session_id: str) -> str:
    """One session (JSON document)."""
    return f"{PREFIX}:session:{session_id}"


def render_key(render_id: str) -> str:
    """One render (hash)."""
    return f"{PREFIX}:render:{render_id}"


def claim_key(claim_token: str) -> str:
    """What a claim token opens (JSON document)."""
    return f"{PREFIX}:claim:{claim_token}"


def files_key() -> str:
    """Every stored file (sorted set: path relative to the data folder -> unix time it expires)."""
    return f"{PREFIX}:files"


def user_files_key(user_id: str) -> str:
    """A user's stored files (sorted set, as `files_key`): their stored bytes are bounded."""
    return f"{PREFIX}:files:{user_id}"


def file_key(path: str) -> str:
    """One stored file's owner and size (hash: user_id, size); removed with the file."""
    return f"{PREFIX}:file:{path}"


def quota_key(scope: str, subject: str, window: int) -> str:
    """A counter of one kind of request (`scope`) by one client or address in one time window."""
    return f"{PREFIX}:quota:{scope}:{subject}:{window}"


def active_renders_key(user_id: str) -> str:
    """A user's (or an address's) renders not yet finished (set of render ids): concurrent and queued."""
    return f"{PREFIX}:renders:{user_id}:active"


def by_address(address: str) -> str:
    """The subject that per-address counts go under, beside the users' (`active_renders_key`, files)."""
    return f"address:{address}"


def _subjects(user_id: str, address: str) -> list[str]:
    return [user_id, by_address(address)] if address else [user_id]


class SessionNotFoundError(LookupError):
    """The session expired or never existed while it was being changed."""


class Store:
    """The engine's Redis state. One instance per process, over a bytes-returning connection.

    `retention_s` is how long sessions (since their last change), renders and their files are kept.
    """

    def __init__(self, connection: redis.Redis, retention_s: int = SESSION_TTL_S) -> None:
        self.redis = connection
        self.retention_s = retention_s

    # ---- accounts -------------------------------------------------------------------------------
    def issue_token(self, client_id: str, *, free_credits: int, ttl_s: int) -> Account:
        """The client's live token, or a new one for the same user; a new user gets the free credits."""
        r = self.redis
        user_id = f"anon_{secrets.token_hex(12)}"
        if not r.set(client_user_key(client_id), user_id, nx=True, ex=USER_TTL_S):
            user_id = self._text(r.get(client_user_key(client_id)))
        r.hsetnx(credits_key(user_id), "available", free_credits)
        r.hsetnx(credits_key(user_id), "frozen", 0)
        r.expire(credits_key(user_id), USER_TTL_S)
        token = f"nmv_usr_{secrets.token_urlsafe(32)}"
        if not r.set(client_token_key(client_id), token, nx=True, ex=ttl_s):
            existing = self.account(self._text(r.get(client_token_key(client_id))))
            if existing is not None:
                return existing
            r.set(client_token_key(client_id), token, ex=ttl_s)
        expires_at = time.time() + ttl_s
        r.hset(token_key(token), mapping={"user_id": user_id, "expires_at": expires_at})
        r.expire(token_key(token), ttl_s)
        return Account(token=token, user_id=user_id, expires_at=expires_at)

    def account(self, token: str) -> Account | None:
        """The account behind a bearer token, or None when it is unknown or expired."""
        raw = cast(dict[bytes, bytes], self.redis.hgetall(token_key(token)))
        if not raw:
            return None
        return Account(token=token, user_id=raw[b"user_id"].decode(), expires_at=float(raw[b"expires_at"]))

    # ---- credits --------------------------------------------------------------------------------
    def credits(self, user_id: str) -> Credits:
        """The user's balance."""
        raw = cast(list[bytes | None], self.redis.hmget(credits_key(user_id), ["available", "frozen"]))
        return Credits(available=int(raw[0] or 0), frozen=int(raw[1] or 0))

    def freeze(self, user_id: str, amount: int) -> bool:
        """Hold `amount` for a turn; False (nothing held) when the balance is short."""

        def hold(pipe: redis.client.Pipeline) -> None:
            available = int(cast(bytes | None, pipe.hget(credits_key(user_id), "available")) or 0)
            pipe.multi()
            if available >= amount:
                pipe.hincrby(credits_key(user_id), "available", -amount)
                pipe.hincrby(credits_key(user_id), "frozen", amount)

        results = self.redis.transaction(hold, credits_key(user_id))
        return bool(results)

    def settle(self, user_id: str, amount: int, *, charge: bool) -> None:
        """Release a held amount: spent when `charge`, else back to available."""
        pipe = self.redis.pipeline()
        pipe.hincrby(credits_key(user_id), "frozen", -amount)
        if not charge:
            pipe.hincrby(credits_key(user_id), "available", amount)
        pipe.execute()

    # ---- sessions -------------------------------------------------------------------------------
    def create_session(self, user_id: str, language: str, draft: Json) -> SessionRecord:
        """A new session with a fresh numeric session id."""
        while True:
            session_id = str(10**14 + secrets.randbelow(9 * 10**14))
            record = SessionRecord(
                session_id=session_id,
                task_id=f"task_{secrets.token_hex(8)}",
                user_id=user_id,
                language=language,
                draft=draft,
            )
            payload = json.dumps(record.to_json())
            if self.redis.set(session_key(session_id), payload, nx=True, ex=self.retention_s):
                return record

    def session(self, session_id: str) -> SessionRecord | None:
        """The session, or None when unknown or expired."""
        raw = self.redis.get(session_key(session_id))
        return SessionRecord.from_json(json.loads(cast(bytes, raw))) if raw else None

    def update_session(
        self, session_id: str, change: Callable[[SessionRecord], SessionRecord]
    ) -> SessionRecord:
        """Apply `change` to the stored session atomically (retried if another writer got there first)."""
        key = session_key(session_id)
        updated: list[SessionRecord] = []

        def apply(pipe: redis.client.Pipeline) -> None:
            raw = pipe.get(key)
            if not raw:
                raise SessionNotFoundError(session_id)
            updated[:] = [change(SessionRecord.from_json(json.loads(cast(bytes, raw))))]
            media = list(updated[0].media.values())
            addresses = [cast(bytes | None, pipe.hget(file_key(info.path), "address")) for info in media]
            pipe.multi()
            pipe.set(key, json.dumps(updated[0].to_json()), ex=self.retention_s)
            # The session's media live as long as the session does.
            expires_at = time.time() + self.retention_s
            for info, address in zip(media, addresses, strict=True):
                pipe.zadd(files_key(), {info.path: expires_at}, xx=True)
                pipe.zadd(user_files_key(updated[0].user_id), {info.path: expires_at}, xx=True)
                if address:
                    pipe.zadd(user_files_key(by_address(address.decode())), {info.path: expires_at}, xx=True)

        self.redis.transaction(apply, key)
        return updated[0]

    # ---- renders --------------------------------------------------------------------------------
    def create_render(self, record: RenderRecord) -> bool:
        """Record a new render; False when the id is already taken."""
        key = render_key(record.render_id)
        if not self.redis.hsetnx(key, "render_id", record.render_id):
            return False
        self.redis.hset(key, mapping=record.to_hash())
        self.redis.expire(key, min(RENDER_TTL_S, self.retention_s))
        for subject in _subjects(record.user_id, record.address):
            self.redis.sadd(active_renders_key(subject), record.render_id)
            self.redis.expire(active_renders_key(subject), RENDER_TTL_S)
        return True

    def render(self, render_id: str) -> RenderRecord | None:
        """The render, or None when unknown or expired."""
        raw = cast(dict[bytes, bytes], self.redis.hgetall(render_key(render_id)))
        return RenderRecord.from_hash(raw) if b"status" in raw else None

    def update_render(self, render_id: str, **fields: str | int | float) -> None:
        """Change some fields of a render (status, progress, results, error)."""
        mapping: Mapping[Any, str | int | float] = fields
        self.redis.hset(render_key(render_id), mapping=mapping)

    def track_render_output(self, record: RenderRecord, size: int) -> None:
        """Remember a finished render's file: it expires with the render's record."""
        ttl = int(cast(int, self.redis.ttl(render_key(record.render_id))))
        ttl_s = ttl if ttl > 0 else None
        self.track_file(record.user_id, record.output_path, size, ttl_s=ttl_s, address=record.address)

    def active_renders(self, user_id: str) -> int:
        """How many of the user's (or, `by_address`, an address's) renders are pending or processing
        (finished ones are forgotten here)."""
        key = active_renders_key(user_id)
        active = 0
        for raw in cast(set[bytes], self.redis.smembers(key)):
            record = self.render(raw.decode())
            if record is not None and record.status in ("pending", "processing"):
                active += 1
            else:
                self.redis.srem(key, raw)
        return active

    # ---- quotas ---------------------------------------------------------------------------------
    def take(self, scope: str, subject: str, limit: int, window_s: int) -> bool:
        """Count one request of `scope` by `subject`; False when that passes `limit` in this window."""
        key = quota_key(scope, subject, int(time.time() // window_s))
        pipe = self.redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, window_s)
        count = int(pipe.execute()[0])
        return count <= limit

    # ---- stored files ---------------------------------------------------------------------------
    def track_file(
        self, user_id: str, path: str, size: int, ttl_s: float | None = None, *, address: str
    ) -> None:
        """Remember a stored file (relative path), its owner, the address it came from and its size, until
        the retention (or `ttl_s`) runs out."""
        expires_at = time.time() + (self.retention_s if ttl_s is None else ttl_s)
        pipe = self.redis.pipeline()
        pipe.hset(file_key(path), mapping={"user_id": user_id, "address": address, "size": size})
        pipe.zadd(files_key(), {path: expires_at})
        for subject in _subjects(user_id, address):
            pipe.zadd(user_files_key(subject), {path: expires_at})
        pipe.execute()

    def track_derived(self, source: str, path: str, size: int) -> None:
        """Remember a file made from the stored file `source` (an .srt from a clip): the same owner and
        address, expiring when `source` does now (a later refresh of the clip's expiry is not its)."""
        owner, address = cast(list[bytes | None], self.redis.hmget(file_key(source), ["user_id", "address"]))
        if owner is None:  # the clip's record expired meanwhile: its sweep deletes the file with it
            return
        expires_at = cast(float | None, self.redis.zscore(files_key(), source))
        ttl_s = max(expires_at - time.time(), 0.0) if expires_at is not None else None
        self.track_file(owner.decode(), path, size, ttl_s, address=(address or b"").decode())

    def stored_bytes(self, user_id: str) -> int:
        """The bytes the user's (or, `by_address`, an address's) live files take."""
        paths = cast(list[bytes], self.redis.zrangebyscore(user_files_key(user_id), time.time(), "+inf"))
        pipe = self.redis.pipeline()
        for path in paths:
            pipe.hget(file_key(path.decode()), "size")
        return sum(int(size or 0) for size in pipe.execute())

    def expired_files(self, limit: int = 500) -> list[str]:
        """Paths whose retention ran out, oldest first."""
        found = cast(list[bytes], self.redis.zrangebyscore(files_key(), "-inf", time.time(), 0, limit))
        return [path.decode() for path in found]

    def forget_file(self, path: str) -> None:
        """Drop a deleted file from the records."""
        owner, address = cast(list[bytes | None], self.redis.hmget(file_key(path), ["user_id", "address"]))
        pipe = self.redis.pipeline()
        pipe.zrem(files_key(), path)
        if owner is not None:
            pipe.zrem(user_files_key(owner.decode()), path)
        if address:
            pipe.zrem(user_files_key(by_address(address.decode())), path)
        pipe.delete(file_key(path))
        pipe.execute()

    # ---- claim tokens ---------------------------------------------------------------------------
    def create_claim(self, session: SessionRecord) -> str:
        """A claim token that names the session (`clm_…`, 7 days)."""
        claim = f"clm_{secrets.token_urlsafe(24)}"
        target = {"task_id": session.task_id, "session_id": session.session_id, "user_id": session.user_id}
        self.redis.set(claim_key(claim), json.dumps(target), ex=CLAIM_TTL_S)
        return claim

    def claimed_session(self, claim_token: str) -> SessionRecord | None:
        """The session a claim token opens, or None when the token is unknown or expired."""
        raw = self.redis.get(claim_key(claim_token))
        return self.session(str(json.loads(cast(bytes, raw))["session_id"])) if raw else None

    @staticmethod
    def _text(value: Any) -> str:
        return value.decode() if isinstance(value, bytes) else str(value)
