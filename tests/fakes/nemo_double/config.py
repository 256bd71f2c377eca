"""The switches of the NemoVideo double: one per documented variant of the profile, canonical by default.

The server reads `NemoConfig` on every request, so a test may change a field between two calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

TurnBehaviour = Literal["text", "silent", "heartbeat_only", "drop", "error", "gui"]
"""What one `/run_sse` turn does; see `nemo_double.turns` for the exact event scripts."""

ErrorStyle = Literal["body", "status", "bare"]
"""How an application error is sent: HTTP 200 + `{"code", "msg"}` (canonical), a 4xx + that body, or a bare
4xx with no JSON."""

StreamFamily = Literal["typed", "agentkit"]
HeartbeatStyle = Literal["typed", "comment", "empty"]
RenderShape = Literal[1, 2, 3]
RenderOutcome = Literal["completed", "failed", "slow"]
"""`slow` renders stay `processing` forever, with progress creeping below 100."""

Endpoint = Literal[
    "anonymous_token",
    "session",
    "upload",
    "run_sse",
    "state",
    "credits",
    "render_submit",
    "render_poll",
    "render_download",
    "claim_token",
    "media",
]
ENDPOINTS: frozenset[str] = frozenset(get_args(Endpoint))

MB = 1024 * 1024


@dataclass
class NemoConfig:
    """Every switch of the double. Defaults are the profile's canonical forms and fast test timings."""

    # Shapes (profile §1-§3).
    envelope_msg: bool = False
    error_style: ErrorStyle = "body"
    stream_family: StreamFamily = "typed"
    heartbeat_style: HeartbeatStyle = "typed"
    agentkit_partials: bool = True
    """Agent-kit text arrives as `partial: true` chunks followed by one final `partial: false` event with the
    whole text, as ADK's streaming mode does; a reader that joins every event would duplicate the text."""
    render_shape: RenderShape = 1
    session_id_as_number: bool = False
    """Canonical session ids are numeric *strings*; this sends them as JSON numbers instead."""

    # What the backend checks and charges.
    turn_cost: int = 50
    anonymous_credits: int = 100
    max_upload_bytes: int = 500 * MB
    token_lifetime_s: float = 7 * 24 * 3600

    # Turns: the default behaviour (tests may queue others per turn) and timings, fast for tests.
    turn: TurnBehaviour = "text"
    event_interval_s: float = 0.01
    heartbeat_interval_s: float = 0.05
    heartbeat_only_s: float = 0.3
    drop_after_events: int = 2
    drop_lands_after_s: float = 0.2
    """After a dropped stream the edit still lands in state, this long after the drop."""
    trailing_issue: bool = False
    """Text turns end with "I encountered a temporary issue", which the profile says to ignore."""

    # Renders: completed after `render_polls` polls, or after `render_seconds` if that is set.
    render_outcome: RenderOutcome = "completed"
    render_polls: int = 3
    render_seconds: float | None = None

    web_base: str = "https://nemovideo.com"
