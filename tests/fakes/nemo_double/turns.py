"""One `/run_sse` turn as a script of steps, and the SSE encoding of each event per payload family.

A script is pure data: the server walks it to write the stream, and the same script tells it when the
edit lands, so an edit lands on time even when the client has gone (the real backend keeps working).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from tests.fakes.nemo_double.config import HeartbeatStyle, NemoConfig, StreamFamily, TurnBehaviour

GUI_TEXT = "Click the Export button to download your video, or open the Timeline panel to preview it."
TEMPORARY_ISSUE = "I encountered a temporary issue. Please try again."
AGENT_ERROR = "agent crashed while editing"


@dataclass(frozen=True)
class Text:
    content: str


@dataclass(frozen=True)
class ToolCall:
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class ToolResult:
    name: str
    result: dict[str, Any]


@dataclass(frozen=True)
class Heartbeat:
    pass


@dataclass(frozen=True)
class ErrorEvent:
    message: str


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class Apply:
    """The edit lands in the session's draft (and the turn's credits are charged)."""


@dataclass(frozen=True)
class Drop:
    """The server closes the connection mid-stream, without ending the response."""


Event = Text | ToolCall | ToolResult | Heartbeat | ErrorEvent
Step = Event | Pause | Apply | Drop


def _spaced(steps: list[Step], interval: float) -> list[Step]:
    """A pause after every event, so events arrive one by one as from a real agent."""
    out: list[Step] = []
    for step in steps:
        out.append(step)
        if isinstance(step, Event):
            out.append(Pause(interval))
    return out


def turn_script(behaviour: TurnBehaviour, message: str, changes: list[str], config: NemoConfig) -> list[Step]:
    """The steps of one turn; `changes` describes the edit `message` makes."""
    done = "Done: " + "; ".join(changes) + "."
    tool = ToolCall("edit_timeline", {"instruction": message})
    result = ToolResult("edit_timeline", {"ok": True, "changes": changes})
    steps: list[Step]
    if behaviour == "text":
        steps = [Heartbeat(), Text(f"Sure, working on it: {message}"), Apply(), Text(done)]
        if config.trailing_issue:
            steps.append(Text(TEMPORARY_ISSUE))
    elif behaviour == "silent":
        steps = [Heartbeat(), tool, Apply(), result]
    elif behaviour == "gui":
        steps = [Heartbeat(), Apply(), Text(f"{done} {GUI_TEXT}")]
    elif behaviour == "error":
        steps = [Heartbeat(), ErrorEvent(AGENT_ERROR)]
    elif behaviour == "heartbeat_only":
        beats = max(1, round(config.heartbeat_only_s / config.heartbeat_interval_s))
        pulse: list[Step] = [Heartbeat(), Pause(config.heartbeat_interval_s)]
        return [*pulse * beats, Apply()]
    else:  # drop
        events: list[Step] = [Heartbeat(), Text(f"Sure, working on it: {message}"), tool, Heartbeat()]
        steps = [*events[: config.drop_after_events], Drop(), Pause(config.drop_lands_after_s), Apply()]
    return _spaced(steps, config.event_interval_s)


def seconds_until_apply(script: list[Step]) -> float | None:
    """When the edit lands, counted from the start of the turn; None if it never does."""
    elapsed = 0.0
    for step in script:
        if isinstance(step, Pause):
            elapsed += step.seconds
        elif isinstance(step, Apply):
            return elapsed
    return None


def _typed_payload(event: Event) -> dict[str, Any]:
    if isinstance(event, Text):
        return {"type": "text", "content": event.content}
    if isinstance(event, ToolCall):
        return {"type": "tool_call", "name": event.name, "args": event.args}
    if isinstance(event, ToolResult):
        return {"type": "tool_result", "name": event.name, "result": event.result}
    if isinstance(event, ErrorEvent):
        return {"error": event.message}
    return {"type": "heartbeat"}


def _agentkit_payloads(event: Event, partials: bool, event_id: str) -> list[dict[str, Any]]:
    if isinstance(event, ErrorEvent | Heartbeat):
        return [_typed_payload(event)]
    part: dict[str, Any]
    if isinstance(event, ToolCall):
        part = {"functionCall": {"id": f"call_{event_id}", "name": event.name, "args": event.args}}
    elif isinstance(event, ToolResult):
        part = {"functionResponse": {"id": f"call_{event_id}", "name": event.name, "response": event.result}}
    else:
        part = {"text": event.content}
    base = {"author": "nemo_agent", "invocationId": "e-double", "id": event_id, "timestamp": time.time()}
    final = {**base, "content": {"role": "model", "parts": [part]}, "partial": False}
    if not (partials and isinstance(event, Text)) or len(event.content) < 2:
        return [final]
    half = len(event.content) // 2
    chunks = (event.content[:half], event.content[half:])
    return [
        {**base, "content": {"role": "model", "parts": [{"text": c}]}, "partial": True} for c in chunks
    ] + [final]


def encode_event(
    event: Event, family: StreamFamily, heartbeats: HeartbeatStyle, partials: bool, event_id: str
) -> bytes:
    """One event as SSE bytes (one or more blank-line separated records)."""
    if isinstance(event, Heartbeat) and heartbeats != "typed":
        return b": ping\n\n" if heartbeats == "comment" else b"data:\n\n"
    payloads = [_typed_payload(event)] if family == "typed" else _agentkit_payloads(event, partials, event_id)
    return b"".join(f"data: {json.dumps(p, ensure_ascii=False)}\n\n".encode() for p in payloads)
