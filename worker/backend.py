"""A chat's standing with the backend: its token and its session, renewed as the profile says.

1001 (token bad or expired) → a new anonymous token with the same client id, then the call is retried
once. 1002 (session gone) → a new session in the same language, and `SessionResetError` tells the job to
let the user know the timeline was reset. With `NEMO_TOKEN` set, that token serves every chat.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import TypeVar

from bot.language import backend_lang
from bot.sessions import Session
from worker.context import Context
from worker.nemo import AuthExpiredError, ClientIdMissingError, SessionNotFoundError

log = logging.getLogger(__name__)
T = TypeVar("T")


class SessionResetError(Exception):
    """The backend lost the chat's session; a new, empty one was created."""


class Backend:
    """Token and session of one chat, and calls made with them."""

    def __init__(self, ctx: Context, chat_key: str) -> None:
        self.ctx = ctx
        self.chat_key = chat_key

    @property
    def session(self) -> Session:
        """The chat's session as stored now."""
        return self.ctx.sessions.load(self.chat_key)

    def token(self, *, renew: bool = False) -> str:
        """A usable token: the operator's, the stored one, or a new anonymous one."""
        if self.ctx.settings.nemo_token is not None:
            return self.ctx.settings.nemo_token.get_secret_value()
        session = self.session
        if not renew and session.token_is_fresh() and session.token is not None:
            return session.token.get_secret_value()
        try:
            issued = self.ctx.nemo.anonymous_token(session.client_id)
        except ClientIdMissingError:
            # The backend refused our client id: make a new one (it must stay stable from then on).
            session = self.ctx.sessions.update(self.chat_key, client_id=f"tg-{secrets.token_hex(12)}")
            issued = self.ctx.nemo.anonymous_token(session.client_id)
        self.ctx.sessions.update(
            self.chat_key, token=issued.token, user_id=issued.user_id, expires_at=issued.expires_at
        )
        return issued.token.get_secret_value()

    def session_id(self, token: str) -> str:
        """The backend session, created in the chat's language on first use."""
        session = self.session
        if session.session_id:
            return session.session_id
        info = self.ctx.nemo.create_session(token, backend_lang(session.lang))
        updated = {"task_id": info.task_id, "session_id": info.session_id}
        if info.user_id and self.ctx.settings.nemo_token is None:
            updated["user_id"] = info.user_id
        self.ctx.sessions.update(self.chat_key, **updated)
        return info.session_id

    def call(self, operation: Callable[[str, str], T]) -> T:
        """Run `operation(token, session_id)`, renewing an expired token once and a lost session."""
        token = self.token()
        try:
            return self._with_session(operation, token)
        except AuthExpiredError:
            if self.ctx.settings.nemo_token is not None:
                raise
            log.info("token expired for %s: renewing", self.chat_key)
            return self._with_session(operation, self.token(renew=True))

    def call_with_token(self, operation: Callable[[str], T]) -> T:
        """Run `operation(token)` (calls that need no session), renewing an expired token once."""
        try:
            return operation(self.token())
        except AuthExpiredError:
            if self.ctx.settings.nemo_token is not None:
                raise
            return operation(self.token(renew=True))

    def _with_session(self, operation: Callable[[str, str], T], token: str) -> T:
        try:
            return operation(token, self.session_id(token))
        except SessionNotFoundError:
            log.info("backend session lost for %s: starting a new one", self.chat_key)
            self.ctx.sessions.forget_backend_session(self.chat_key)
            self.session_id(token)
            raise SessionResetError from None
