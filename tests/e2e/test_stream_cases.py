"""Every case of the `/run_sse` stream (profile §3) as the user sees it, through real processes.

Both payload families and all three heartbeat styles; GUI talk translated; tool calls never shown;
heartbeat-only turns; silent turns; dropped streams; and messages sent while a turn runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import keyboards
from bot.i18n import translate
from tests.e2e.conftest import (
    FAST_CHAT_ENV,
    Product,
    UserChat,
    changed_text,
    music_added,
    says,
    start_fast,
    starts,
)
from tests.fakes.nemo_double import NemoDouble
from tests.fakes.nemo_double.turns import AGENT_ERROR, GUI_TEXT, TEMPORARY_ISSUE
from tests.fakes.telegram_api import FakeTelegram, SentMessage
from tests.processes import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("dump_logs")]
CHAT = 7001


@pytest.fixture
def fake_telegram(fast_telegram: FakeTelegram) -> FakeTelegram:
    """Conversations without Telegram's one-message-a-second pace (see FAST_CHAT_ENV)."""
    return fast_telegram


def cancellable(chat: UserChat) -> list[SentMessage]:
    return [m for m in chat.messages() if any(d.startswith(keyboards.CANCEL_PREFIX) for d in m.callback_data)]


def sent_during(chat: UserChat, after: int) -> list[SentMessage]:
    return [m for m in chat.messages() if m.message_id > after]


def test_both_payload_families_and_heartbeat_styles_reach_the_user_as_chat_text(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    nemo_double.config.anonymous_credits = 1000
    start_fast(product)
    chat = UserChat(fake_telegram, CHAT)
    chat.upload(phone_clip, "Uploaded")

    # Typed events, typed heartbeats: the agent's GUI talk becomes what to do in the chat.
    nemo_double.queue_turns("gui")
    after = chat.mark()
    reply = chat.ask("add background music", starts("Done:"))
    assert GUI_TEXT not in (reply.text or "") and "Click" not in (reply.text or "")
    assert translate("en", "gui.export_hint") in (reply.text or "")
    assert translate("en", "gui.status_hint") in (reply.text or "")
    assert reply.callback_data == [keyboards.EXPORT, keyboards.STATUS]

    # Agent-kit events with partial chunks, heartbeats as SSE comments: each text once, whole.
    nemo_double.config.stream_family = "agentkit"
    nemo_double.config.heartbeat_style = "comment"
    nemo_double.queue_turns("text")
    chat.ask('add the title "Goa"', starts("Done:"))
    assert [m.text for m in sent_during(chat, after) if "working on it:" in (m.text or "")] == [
        'Sure, working on it: add the title "Goa"'
    ]

    # Agent-kit, heartbeats as empty data lines, a turn of tool calls only: the change is reported.
    nemo_double.config.heartbeat_style = "empty"
    nemo_double.queue_turns("silent")
    changed = chat.ask("remove the silences", starts("Done. Here's what changed"))
    assert changed.text == changed_text("en", translate("en", "change.shorter", seconds="0.6"))

    # Typed again, silent, and the change is outside the tracks (a colour filter): still reported.
    nemo_double.config.stream_family = "typed"
    nemo_double.config.heartbeat_style = "typed"
    nemo_double.queue_turns("silent")
    warmer = chat.ask("make it warmer", starts("Done. Here's what changed"))
    assert warmer.text == changed_text("en", translate("en", "change.settings"))

    # A trailing "temporary issue" after normal text is not news.
    nemo_double.config.trailing_issue = True
    nemo_double.queue_turns("text")
    chat.ask("make it brighter", starts("Done:"))

    # An error event and no change: a clear failure with Retry, in place of "working on it".
    nemo_double.queue_turns("error")
    failed = chat.ask("make it colder", says("en", "turn.failed"))
    [retry] = failed.callback_data
    assert retry.startswith(keyboards.RETRY_PREFIX)
    nemo_double.queue_turns("text")
    chat.press(failed, retry, starts("Done:"))
    assert nemo_double.turn_messages[-2:] == ["make it colder", "make it colder"]

    shown = "\n".join(m.text or "" for m in chat.messages())
    # Tool calls and results stay internal; the glitch and the raw error never show.
    for internal in ("edit_timeline", "instruction", '"ok"', "changes", TEMPORARY_ISSUE, AGENT_ERROR):
        assert internal not in shown
    # Every progress message ends: no "working on it…" with a Cancel button is left behind.
    wait_for(lambda: not cancellable(chat), 10, "every progress message to end")


def test_heartbeat_only_turns_show_still_working_in_one_message_then_time_out_with_a_retry(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    nemo_double.config.anonymous_credits = 1000
    nemo_double.config.heartbeat_only_s = 1.0
    start_fast(product, STILL_WORKING_INTERVAL_S="0.2", HEARTBEAT_TIMEOUT_S="3")
    chat = UserChat(fake_telegram, CHAT)
    chat.upload(phone_clip, "Uploaded")
    still_working = translate("en", "turn.still_working", minutes=1)

    # Heartbeats alone, as SSE comments, then the edit lands: "still working" in the acknowledgement.
    nemo_double.config.heartbeat_style = "comment"
    nemo_double.queue_turns("heartbeat_only")
    after = chat.mark()
    typing_before = len(fake_telegram.calls("sendChatAction"))
    changed = chat.ask("add background music", starts("Done. Here's what changed"))
    progress = chat.wait(says("en", "progress.done"), after)
    assert still_working in progress.edits
    assert [m.message_id for m in sent_during(chat, after)] == [progress.message_id, changed.message_id]
    assert len(fake_telegram.calls("sendChatAction")) - typing_before >= 2  # "typing…" kept alive

    # Heartbeats (empty data lines) for longer than HEARTBEAT_TIMEOUT_S: the same message says so.
    nemo_double.config.heartbeat_style = "empty"
    nemo_double.config.heartbeat_only_s = 8.0
    nemo_double.queue_turns("heartbeat_only")
    after = chat.mark()
    timed_out = chat.ask("remove the silences", says("en", "turn.timeout"))
    assert still_working in timed_out.edits
    assert sent_during(chat, after) == [timed_out]
    [retry] = timed_out.callback_data
    assert retry.startswith(keyboards.RETRY_PREFIX)

    # Retry sends the instruction again, as the user asked; this time the agent answers.
    nemo_double.queue_turns("text")
    chat.press(timed_out, retry, starts("Done:"))
    assert nemo_double.turn_messages[-2:] == ["remove the silences", "remove the silences"]


def test_a_dropped_stream_is_never_resent_the_change_is_read_from_state_or_reported_lost(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    nemo_double.config.anonymous_credits = 1000
    # A turn can land until STREAM_MAX_S after it started: keep that short, so "lost" comes soon.
    env = {"RECOVERY_FIRST_WAIT_S": "0.3", "RECOVERY_NEXT_WAIT_S": "0.3", "RECOVERY_MAX_READS": "3"}
    start_fast(product, STREAM_MAX_S="2", **env)
    chat = UserChat(fake_telegram, CHAT)
    chat.upload(phone_clip, "Uploaded")

    # The connection drops mid-turn; the edit lands anyway, and the recovery's state read reports it.
    nemo_double.queue_turns("drop")
    changed = chat.ask("add background music", starts("Done. Here's what changed"))
    assert changed.text == changed_text("en", music_added("en", 3))
    assert nemo_double.turn_messages == ["add background music"]

    # It drops again, and this edit never shows up: after the last read, "lost" with a Retry.
    nemo_double.config.drop_lands_after_s = 60.0
    nemo_double.queue_turns("drop")
    reads_before = len(nemo_double.calls("state"))
    lost = chat.ask("remove the silences", says("en", "turn.lost"))
    # One read before the turn, then the recovery's reads on the schedule: never a second send.
    assert len(nemo_double.calls("state")) - reads_before >= 1 + 3
    assert nemo_double.turn_messages == ["add background music", "remove the silences"]
    [retry] = lost.callback_data
    nemo_double.queue_turns("text")
    chat.press(lost, retry, starts("Done:"))
    assert nemo_double.turn_messages[-1] == "remove the silences"


def test_a_message_sent_while_a_turn_runs_waits_for_it(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    nemo_double.config.anonymous_credits = 1000
    nemo_double.config.event_interval_s = 0.4  # each turn streams for about 1.6 s
    start_fast(product)
    product.start("worker", **FAST_CHAT_ENV)  # a second worker, free to take the chat's next message
    chat = UserChat(fake_telegram, CHAT)
    chat.upload(phone_clip, "Uploaded")

    after = chat.mark()
    for instruction in ("add background music", 'add the title "Goa"', "make it warmer"):
        fake_telegram.send_text(CHAT, instruction, user=chat.user)
    wait_for(lambda: len([m for m in sent_during(chat, after) if starts("Done:")(m)]) == 3, 30, "3 turns")

    session = next(iter(nemo_double.sessions.values()))
    assert session.peak_running_turns == 1
    assert session.turns == ["add background music", 'add the title "Goa"', "make it warmer"]
    # Answers come in the order of the questions.
    answers = [m.text or "" for m in sent_during(chat, after) if "working on it:" in (m.text or "")]
    assert answers == [f"Sure, working on it: {text}" for text in session.turns]


def test_a_message_queued_behind_a_running_turn_is_acknowledged_as_queued(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    nemo_double.config.event_interval_s = 0.4
    start_fast(product)
    chat = UserChat(fake_telegram, CHAT)
    chat.upload(phone_clip, "Uploaded")
    chat.ask("add background music", says("en", "ack.edit"))
    acks = (translate("en", "ack.edit"), translate("en", "ack.queued"))
    queued = chat.ask("make it warmer", lambda m: m.text in acks)
    assert queued.text == translate("en", "ack.queued")
