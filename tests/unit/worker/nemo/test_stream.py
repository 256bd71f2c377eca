from pathlib import Path

import pytest

from worker.nemo.stream import (
    ErrorEvent,
    HeartbeatEvent,
    TextEvent,
    ToolCallEvent,
    ToolResultEvent,
    iter_events,
    iter_lines,
)

SSE_DIR = Path(__file__).parents[3] / "data" / "sse"


def events_of(text: str) -> list[object]:
    return list(iter_events(iter_lines([text])))


def test_typed_family_reads_text_tools_and_heartbeat() -> None:
    transcript = (SSE_DIR / "typed.sse").read_text(encoding="utf-8")

    assert events_of(transcript) == [
        HeartbeatEvent(),
        ToolCallEvent("add_text", {"text": "Urban Dreams", "start": 0}),
        ToolResultEvent("add_text", {"ok": True}),
        TextEvent('I added the title "Urban Dreams" for the first 3 seconds.', partial=False),
    ]


def test_agent_kit_family_reads_partial_chunks_full_text_tools_and_error() -> None:
    transcript = (SSE_DIR / "agent_kit.sse").read_text(encoding="utf-8")

    assert events_of(transcript) == [
        # the thought part is reasoning, not a reply: it yields nothing but proves liveness
        HeartbeatEvent(),
        ToolCallEvent("trim_video", {"start_ms": 0, "end_ms": 5000}),
        ToolResultEvent("trim_video", {"status": "done"}),
        TextEvent("मैंने वीडियो ", partial=True),
        TextEvent("5 सेकंड का कर दिया।", partial=True),
        TextEvent("मैंने वीडियो 5 सेकंड का कर दिया।", partial=False),
        # a state change without content
        HeartbeatEvent(),
        ErrorEvent("I encountered a temporary issue"),
    ]


@pytest.mark.parametrize(
    "text",
    [": ping\n\n", ":\n\n", "data:\n\n", "data: \n\n", "event: ping\ndata:\n\n"],
    ids=["comment", "bare-colon-comment", "empty-data", "blank-data", "named-empty-event"],
)
def test_comment_and_empty_data_are_heartbeats(text: str) -> None:
    assert events_of(text) == [HeartbeatEvent()]


def test_each_comment_counts_even_between_fields_of_one_event() -> None:
    text = ': ping\ndata: {"type": "text",\n: ping\ndata:  "content": "hi"}\n\n'

    assert events_of(text) == [HeartbeatEvent(), HeartbeatEvent(), TextEvent("hi")]


def test_repeated_blank_lines_after_an_id_do_not_invent_heartbeats() -> None:
    text = 'id: 7\ndata: {"type": "text", "content": "one"}\n\n\n\n'

    assert events_of(text) == [TextEvent("one")]


@pytest.mark.parametrize(
    "garbage",
    ["data: {not json\n\n", "data: [1, 2]\n\n", 'data: "just a string"\n\n', 'data: {"type": \n\n'],
)
def test_garbage_payloads_are_skipped_and_the_turn_goes_on(garbage: str) -> None:
    text = garbage + 'data: {"type": "text", "content": "still here"}\n\n'

    assert events_of(text) == [TextEvent("still here")]


def test_last_event_without_blank_line_is_not_lost_when_the_stream_closes() -> None:
    assert events_of('data: {"type": "text", "content": "bye"}') == [TextEvent("bye")]


def test_lines_split_only_on_sse_newlines_not_on_unicode_separators() -> None:
    chunks = ['data: {"type": "text", "content": "a\u2028b\x85c"}\r', "\n\r\n"]

    assert list(iter_events(iter_lines(chunks))) == [TextEvent("a\u2028b\x85c")]


def test_events_split_across_chunks_are_reassembled() -> None:
    chunks = ["da", 'ta: {"type": "te', 'xt", "content": "joined"}', "\n", "\n"]

    assert list(iter_events(iter_lines(chunks))) == [TextEvent("joined")]


def test_multi_line_data_is_joined_before_json_decoding() -> None:
    text = 'data: {"type": "tool_call",\ndata: "name": "cut", "args": null}\n\n'

    assert events_of(text) == [ToolCallEvent("cut", {})]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ('{"error": {"message": "quota"}}', ErrorEvent("quota")),
        ('{"errorCode": "X", "errorMessage": "model overloaded"}', ErrorEvent("model overloaded")),
        ('{"type": "text", "content": "x", "partial": true}', TextEvent("x", partial=True)),
        ('{"type": "done"}', HeartbeatEvent()),
        ('{"type": "text", "content": ""}', HeartbeatEvent()),
        ('{"content": {"parts": [{"text": "no role"}]}}', TextEvent("no role")),
        ('{"content": {"role": "user", "parts": [{"text": "echo of the user"}]}}', HeartbeatEvent()),
    ],
    ids=["error-object", "adk-error", "typed-partial", "unknown-type", "empty-text", "no-role", "user-echo"],
)
def test_payload_variants(payload: str, expected: object) -> None:
    assert events_of(f"data: {payload}\n\n") == [expected]


def test_one_agent_kit_event_may_carry_several_parts() -> None:
    payload = (
        '{"content": {"role": "model", "parts": [{"text": "Adding music."},'
        ' {"functionCall": {"name": "add_bgm", "args": {"volume": 0.35}}}]}, "partial": false}'
    )

    assert events_of(f"data: {payload}\n\n") == [
        TextEvent("Adding music."),
        ToolCallEvent("add_bgm", {"volume": 0.35}),
    ]
