"""Telegram updates → channel-neutral messages, from real Bot API payloads."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Bot, Update

from bot.telegram.convert import incoming_from_update, split_command

BOT_ID, BOT_NAME = 424242, "nemo_test_bot"
ASHA = {"id": 801, "is_bot": False, "first_name": "Asha", "language_code": "hi"}
PRIVATE = {"id": 801, "type": "private", "first_name": "Asha"}
GROUP = {"id": -1001234, "type": "supergroup", "title": "Creators", "is_forum": True}


def update(message: dict[str, Any], update_id: int = 1) -> Update:
    bot = Bot("424242:" + "A" * 35)
    return Update.de_json({"update_id": update_id, "message": {"message_id": 5, "date": 0, **message}}, bot)


def convert(message: dict[str, Any]):
    return incoming_from_update(update(message), BOT_NAME, BOT_ID)


def test_a_video_becomes_media_with_its_size_and_shape():
    video = {"file_id": "V", "file_unique_id": "u", "width": 1080, "height": 1920, "duration": 12,
             "mime_type": "video/mp4", "file_size": 5_000_000, "file_name": "../../etc/clip.mp4"}  # fmt: skip
    incoming = convert({"chat": PRIVATE, "from": ASHA, "video": video})
    assert incoming is not None and incoming.media is not None
    assert (incoming.media.kind, incoming.media.width, incoming.media.height) == ("video", 1080, 1920)
    assert incoming.media.duration == 12 and incoming.media.file_size == 5_000_000
    assert incoming.language_hint == "hi" and incoming.addressed


def test_a_round_video_note_is_square_and_a_photo_takes_its_largest_size():
    note = {"file_id": "N", "file_unique_id": "n", "length": 384, "duration": 5}
    photo = [{"file_id": f"P{s}", "file_unique_id": f"p{s}", "width": s, "height": s} for s in (90, 800)]
    incoming_note = convert({"chat": PRIVATE, "from": ASHA, "video_note": note})
    incoming_photo = convert({"chat": PRIVATE, "from": ASHA, "photo": photo})
    assert incoming_note is not None and incoming_note.media is not None
    assert (incoming_note.media.width, incoming_note.media.mime_type) == (384, "video/mp4")
    assert incoming_photo is not None and incoming_photo.media is not None
    assert incoming_photo.media.file_id == "P800"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/edit@nemo_test_bot trim it", ("edit", "trim it")),
        ("/Export", ("export", "")),
        ("/edit@other_bot trim it", (None, "/edit@other_bot trim it")),
        ("trim it", (None, "trim it")),
    ],
)
def test_commands_are_split_and_other_bots_commands_ignored(text, expected):
    assert split_command(text, BOT_NAME) == expected


def test_in_groups_only_messages_for_the_bot_are_addressed_to_it():
    topic = {"chat": GROUP, "from": ASHA, "message_thread_id": 77, "is_topic_message": True}
    chatter = convert({**topic, "text": "looks great"})
    mention = convert({**topic, "text": f"@{BOT_NAME} add music"})
    reply = convert(
        {
            **topic,
            "text": "louder",
            "reply_to_message": {
                "message_id": 4,
                "date": 0,
                "chat": GROUP,
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Bot"},
            },
        }
    )
    assert chatter is not None and not chatter.addressed and chatter.chat.thread_id == 77
    assert mention is not None and mention.addressed and mention.text == "add music"
    assert reply is not None and reply.addressed and reply.chat.is_group


def test_an_edit_command_in_reply_to_a_video_carries_that_video():
    video = {"file_id": "V", "file_unique_id": "u", "width": 640, "height": 360, "duration": 3}
    replied = {"message_id": 3, "date": 0, "chat": GROUP, "from": ASHA, "video": video}
    incoming = convert({"chat": GROUP, "from": ASHA, "text": "/edit trim it", "reply_to_message": replied})
    assert incoming is not None and incoming.command == "edit" and incoming.text == "trim it"
    assert incoming.reply_media is not None and incoming.reply_media.file_id == "V"


def test_an_anonymous_admin_speaks_as_the_group_and_is_an_admin():
    anonymous = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
    incoming = convert({"chat": GROUP, "from": anonymous, "sender_chat": GROUP, "text": "/settings"})
    assert incoming is not None and incoming.is_admin and incoming.user_id == GROUP["id"]
