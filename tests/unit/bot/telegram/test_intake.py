"""The durable intake: a batch is recorded whole, read back as Telegram sent it, forgotten once handled."""

from __future__ import annotations

import fakeredis

from bot.telegram.intake import UpdateIntake


def start(update_id: int, chat_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "private", "first_name": "Asha"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Asha"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


def test_a_recorded_batch_is_read_back_as_sent_until_it_is_handled(redis: fakeredis.FakeRedis) -> None:
    intake = UpdateIntake(redis)
    batch = [start(7, 42), start(8, 43), start(9, 42)]
    intake.record(batch)
    assert intake.pending() == ({7: batch[0], 8: batch[1], 9: batch[2]}, False)
    assert intake.pending() == ({}, False)  # a wake reads what arrived since the last one

    # Another process taking the intake (after a crash) reads it all once, leaving out what it queued.
    assert UpdateIntake(redis).pending(known={7, 8}, everything=True) == ({9: batch[2]}, False)
    intake.done([7, 9])
    assert intake.pending(everything=True) == ({8: batch[1]}, False)


def test_recording_a_redelivered_update_keeps_one_copy(redis: fakeredis.FakeRedis) -> None:
    intake = UpdateIntake(redis)
    intake.record([start(7, 42)])
    intake.record([start(7, 42), start(8, 42)])  # Telegram sends an unconfirmed batch again
    assert sorted(intake.pending()[0]) == [7, 8]
    assert sorted(intake.pending(everything=True)[0]) == [7, 8]
