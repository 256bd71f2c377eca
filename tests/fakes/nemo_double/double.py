"""`NemoDouble`: the state of a fake NemoVideo backend, the checks a real one makes, and the test controls.

The HTTP face is in `nemo_double.app`; this class is what tests hold. The server thread mutates the state
while a test thread reads it and flips switches, so compound updates (faults, credits, ids) take a lock.
"""

from __future__ import annotations

import collections
import itertools
import secrets
import threading
import time
from types import TracebackType
from typing import Any

from tests.fakes.nemo_double.app import build_app
from tests.fakes.nemo_double.config import ENDPOINTS, Endpoint, NemoConfig, TurnBehaviour
from tests.fakes.nemo_double.drafts import apply_instruction
from tests.fakes.nemo_double.media import MediaFile, OutputMedia
from tests.fakes.nemo_double.records import (
    Account,
    ApiError,
    Fault,
    RecordedRequest,
    RenderJob,
    Session,
    Token,
)
from tests.fakes.servers import ServerThread

_FIRST_SESSION_ID = 7_300_000_001


class NemoDouble:
    """A fake NemoVideo backend. Use as a context manager (or `start()`/`stop()`) to serve it on `.url`."""

    def __init__(self, media: OutputMedia, config: NemoConfig | None = None) -> None:
        self.config = config or NemoConfig()
        self.media = media
        self.requests: list[RecordedRequest] = []
        self.accounts: dict[str, Account] = {}
        self.tokens: dict[str, Token] = {}
        self.sessions: dict[str, Session] = {}
        self.renders: dict[str, RenderJob] = {}
        self._lock = threading.RLock()
        self._faults: dict[str, collections.deque[Fault]] = collections.defaultdict(collections.deque)
        self._next_turns: collections.deque[TurnBehaviour] = collections.deque()
        self.late_answers: dict[str, float] = {}
        self._session_ids = itertools.count(_FIRST_SESSION_ID)
        self._large_output = False
        self._server: ServerThread | None = None
        self.app = build_app(self)

    # -- serving -------------------------------------------------------------------------------------

    def start(self) -> None:
        """Serve on a free loopback port (making the render MP4 first, so no request waits for FFmpeg)."""
        _ = self.media.small
        self._server = ServerThread(self.app)
        self._server.start()

    def stop(self) -> None:
        """Stop serving (open streams are cut after a short grace period)."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    @property
    def url(self) -> str:
        """The base URL to give a client as NEMO_API_BASE."""
        if self._server is None:
            raise RuntimeError("the NemoVideo double is not serving; call start() first")
        return self._server.url

    def __enter__(self) -> NemoDouble:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- test controls -------------------------------------------------------------------------------

    def queue_turns(self, *behaviours: TurnBehaviour) -> None:
        """The next turns behave like this, in order; later turns use `config.turn`."""
        self._next_turns.extend(behaviours)

    def fail_next(
        self,
        endpoint: Endpoint,
        code: int | None = None,
        http_status: int | None = None,
        times: int = 1,
        retry_after: float | None = None,
    ) -> None:
        """Make the next `times` calls of `endpoint` fail with an application `code` and/or HTTP status.

        With a code, the reply follows `config.error_style` (an explicit `http_status` sets the status);
        with only an HTTP status, it is that status with a plain-text body. `retry_after` adds the header.
        """
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}; one of {sorted(ENDPOINTS)}")
        if code is None and http_status is None:
            raise ValueError("give an application code, an HTTP status, or both")
        with self._lock:
            self._faults[endpoint].append(Fault(code, http_status, retry_after, times))

    def answer_late(self, endpoint: Endpoint, seconds: float) -> None:
        """Let `endpoint` take effect at once but answer `seconds` later (0: on time again)."""
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}; one of {sorted(ENDPOINTS)}")
        with self._lock:
            self.late_answers[endpoint] = seconds

    def lateness(self, endpoint: Endpoint) -> float:
        """Seconds `endpoint`'s answers are held back."""
        with self._lock:
            return self.late_answers.get(endpoint, 0.0)

    def expire_token(self, token: str) -> None:
        """The token is now past its 7-day lifetime: calls with it get 1001."""
        self.tokens[token].expires_at = 0.0

    def set_credits(self, user_id: str, available: int) -> None:
        """Set what the account can spend."""
        with self._lock:
            self.accounts[user_id].available = available

    def register_user(self, credits: int = 1000) -> str:
        """A registered (`usr_…`) account with `credits`; returns a valid token for it."""
        account = Account(user_id=f"usr_{secrets.token_hex(6)}", available=credits)
        with self._lock:
            self.accounts[account.user_id] = account
        return self.issue_token(account.user_id).value

    def forget_session(self, session_id: str) -> None:
        """The backend lost the session: calls about it get 1002 from now on."""
        del self.sessions[session_id]

    def use_large_output(self, large: bool = True) -> None:
        """Renders submitted from now on output the large MP4 (made here, in the test's thread, if needed)."""
        if large:
            _ = self.media.large
        self._large_output = large

    # -- inspection ----------------------------------------------------------------------------------

    @property
    def output(self) -> MediaFile:
        """The MP4 a render submitted now would output: compare its sha256 and size with what a chat got."""
        return self.media.large if self._large_output else self.media.small

    def calls(self, endpoint: Endpoint) -> list[RecordedRequest]:
        """Every recorded request to one endpoint, oldest first."""
        return [r for r in list(self.requests) if r.endpoint == endpoint]

    @property
    def turn_messages(self) -> list[str]:
        """The text of every message sent to /run_sse (accepted or not), oldest first."""
        texts = []
        for call in self.calls("run_sse"):
            try:
                texts.append(str(call.json["new_message"]["parts"][0]["text"]))
            except (KeyError, IndexError, TypeError):
                continue
        return texts

    # -- used by the app: domain operations ----------------------------------------------------------

    def record(self, request: RecordedRequest) -> None:
        self.requests.append(request)

    def take_fault(self, endpoint: Endpoint) -> Fault | None:
        """The injected fault for this call of `endpoint`, if any (consumes one of its `times`)."""
        with self._lock:
            queue = self._faults[endpoint]
            if not queue:
                return None
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.popleft()
            return fault

    def next_turn(self) -> TurnBehaviour:
        with self._lock:
            return self._next_turns.popleft() if self._next_turns else self.config.turn

    def issue_token(self, user_id: str) -> Token:
        token = Token(f"nmv_usr_{secrets.token_hex(16)}", user_id, time.time() + self.config.token_lifetime_s)
        self.tokens[token.value] = token
        return token

    def anonymous_token(self, client_id: str) -> tuple[Token, Account]:
        """One live token per client id: the same one again while valid, a new one (same account) after."""
        with self._lock:
            account = next((a for a in self.accounts.values() if a.client_id == client_id), None)
            if account is None:
                account = Account(f"anon_{secrets.token_hex(6)}", self.config.anonymous_credits, 0, client_id)
                self.accounts[account.user_id] = account
            live = [
                t for t in self.tokens.values() if t.user_id == account.user_id and t.expires_at > time.time()
            ]
            return (live[-1] if live else self.issue_token(account.user_id)), account

    def account_for(self, authorization: str | None) -> Account:
        """The account behind an `Authorization: Bearer` header, or 1001."""
        scheme, _, value = (authorization or "").partition(" ")
        token = self.tokens.get(value.strip()) if scheme.lower() == "bearer" else None
        if token is None or token.expires_at <= time.time():
            raise ApiError(1001, message="token invalid or expired")
        return self.accounts[token.user_id]

    def session_for(self, account: Account, session_id: Any) -> Session:
        """The account's session, or 1002."""
        session = self.sessions.get(str(session_id))
        if session is None or session.user_id != account.user_id:
            raise ApiError(1002, message="session not found")
        return session

    def create_session(self, account: Account, language: str) -> Session:
        with self._lock:
            session_id = str(next(self._session_ids))
        session = Session(session_id, f"task_{secrets.token_hex(8)}", account.user_id, language)
        self.sessions[session_id] = session
        return session

    def begin_turn(self, account: Account, session: Session, message: str) -> int:
        """Record the turn and freeze its cost (returned), or 2001 if the account cannot pay for it."""
        cost = self.config.turn_cost
        with self._lock:
            if account.available < cost:
                raise ApiError(2001, message="insufficient credits")
            account.available -= cost
            account.frozen += cost
            session.turns.append(message)
            session.running_turns += 1
            session.peak_running_turns = max(session.peak_running_turns, session.running_turns)
        return cost

    def end_turn(self, account: Account, session: Session, message: str, cost: int, *, landed: bool) -> None:
        """The turn is over: its edit lands and its cost is charged, or (on error) the cost is refunded."""
        with self._lock:
            if landed:
                session.draft, _ = apply_instruction(session.draft, message)
            else:
                account.available += cost
            account.frozen -= cost
            session.running_turns -= 1
