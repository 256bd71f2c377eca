"""The `/run_sse` stream as typed events: pure parsing, no I/O.

Two payload families are documented and both are read:

* typed (canonical): `{"type": "text" | "tool_call" | "tool_result" | "heartbeat", ...}`;
* agent-kit (Google ADK events): `{"content": {"role", "parts": [...]}, "partial": ...}`, errors as
  `{"error": "..."}`.

Heartbeats also come as SSE comments (`: ping`) and empty `data:` lines. httpx-sse's decoder drops both, so
they are caught here before it: the bot times its "still working" notices on them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

# httpx-sse keeps its decoders in a private module; its version is pinned below 0.5 in pyproject.toml.
from httpx_sse._decoders import SSEDecoder, SSELineDecoder

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TextEvent:
    """Text for the user; `partial` chunks are pieces of a reply whose full text follows non-partial."""

    text: str
    partial: bool = False


@dataclass(frozen=True, slots=True)
class ToolCallEvent:
    """The agent called a tool (internal: never shown to the user)."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ToolResultEvent:
    """A tool's result (internal: never shown to the user)."""

    name: str
    result: Any = None


@dataclass(frozen=True, slots=True)
class HeartbeatEvent:
    """A sign of life without content."""


@dataclass(frozen=True, slots=True)
class ErrorEvent:
    """The backend reported an error inside the stream."""

    message: str


StreamEvent = TextEvent | ToolCallEvent | ToolResultEvent | HeartbeatEvent | ErrorEvent


def iter_lines(chunks: Iterable[str]) -> Iterator[str]:
    """Decoded text chunks -> lines, split only on CR, LF and CRLF as the SSE grammar says.

    `str.splitlines` (and so httpx's `iter_lines`) would also split inside JSON on characters such as
    U+2028 or U+0085, which may appear in text.
    """
    decoder = SSELineDecoder()
    for chunk in chunks:
        yield from decoder.decode(chunk)
    yield from decoder.flush()


def iter_events(lines: Iterable[str]) -> Iterator[StreamEvent]:
    """Raw SSE lines -> typed events; unreadable payloads are skipped, never raised."""
    decoder = SSEDecoder()
    pending = False
    for raw in lines:
        line = raw.rstrip("\r\n")
        if line.startswith(":"):
            yield HeartbeatEvent()
        elif line:
            decoder.decode(line)
            pending = True
        elif pending:
            # httpx-sse dispatches on a blank line even without fields once an `id:` was seen; `pending`
            # keeps repeated blank lines from turning into heartbeats.
            pending = False
            sse = decoder.decode("")
            if sse is not None:
                yield from _events_from_data(sse.data)
    if pending:
        # The stream ends when the connection closes; a last event without its blank line still counts.
        sse = decoder.decode("")
        if sse is not None:
            yield from _events_from_data(sse.data)


def _events_from_data(data: str) -> Iterator[StreamEvent]:
    if not data.strip():
        yield HeartbeatEvent()
        return
    try:
        payload = json.loads(data)
    except ValueError:
        logger.debug("skipping an unreadable stream event: %.80r", data)
        return
    if not isinstance(payload, dict):
        logger.debug("skipping a stream event that is not an object: %.80r", data)
        return
    events = list(_events_from_payload(payload))
    # A readable event with nothing for us (an ADK state change, an unknown type) still proves the
    # backend is working on the turn.
    yield from events or [HeartbeatEvent()]


def _events_from_payload(payload: Mapping[str, Any]) -> Iterator[StreamEvent]:
    error = payload.get("error") or payload.get("errorMessage")
    if error:
        yield ErrorEvent(_error_text(error))
        return
    partial = payload.get("partial") is True
    content = payload.get("content")
    kind = payload.get("type")
    if kind == "text":
        if isinstance(content, str) and content:
            yield TextEvent(content, partial=partial)
    elif kind == "tool_call":
        yield ToolCallEvent(str(payload.get("name") or ""), _dict(payload.get("args")))
    elif kind == "tool_result":
        yield ToolResultEvent(str(payload.get("name") or ""), payload.get("result"))
    elif kind == "heartbeat":
        yield HeartbeatEvent()
    elif isinstance(content, Mapping):
        yield from _agent_kit_events(content, partial=partial)


def _agent_kit_events(content: Mapping[str, Any], *, partial: bool) -> Iterator[StreamEvent]:
    parts = content.get("parts")
    if not isinstance(parts, list):
        return
    # ADK sends function responses, and echoes of the user's own message, with role "user".
    speaks = content.get("role") in (None, "model")
    for part in parts:
        if not isinstance(part, Mapping) or part.get("thought"):
            # Thought parts are the model's reasoning, not a reply.
            continue
        text = part.get("text")
        call = part.get("functionCall")
        response = part.get("functionResponse")
        if speaks and isinstance(text, str) and text:
            yield TextEvent(text, partial=partial)
        elif isinstance(call, Mapping):
            yield ToolCallEvent(str(call.get("name") or ""), _dict(call.get("args")))
        elif isinstance(response, Mapping):
            yield ToolResultEvent(str(response.get("name") or ""), response.get("response"))


def _dict(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _error_text(error: object) -> str:
    if isinstance(error, Mapping) and isinstance(error.get("message"), str):
        return str(error["message"])
    return str(error)
