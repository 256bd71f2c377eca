"""Webhook payloads, shaped as Meta documents them, become the core's messages and statuses."""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.whatsapp.convert import events_from_payload, update_id_from_wamid

USER = "919812345001"


def payload(message: dict[str, Any] | None = None, status: dict[str, Any] | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001234", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": "Asha"}, "wa_id": USER}],
    }
    if message is not None:
        value["messages"] = [{"from": USER, "id": "wamid.A1", "timestamp": "1700000000"} | message]
    if status is not None:
        value["statuses"] = [status]
    change = {"value": value, "field": "messages"}
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [change]}]}


def one(message: dict[str, Any]) -> Any:
    inbound, _ = events_from_payload(payload(message))
    assert len(inbound) == 1
    return inbound[0].message


def test_text_names_the_chat_on_the_whatsapp_channel_with_a_stable_update_id():
    message = one({"type": "text", "text": {"body": "silence hata do"}})
    assert message.chat.channel == "whatsapp" and message.chat.key == f"whatsapp:{USER}"
    assert message.text == "silence hata do" and message.user_name == "Asha"
    assert message.update_id == update_id_from_wamid("wamid.A1") == one({"type": "text"}).update_id
    assert update_id_from_wamid("wamid.A2") != message.update_id


def test_a_slash_word_is_a_command():
    message = one({"type": "text", "text": {"body": "/Export now"}})
    assert (message.command, message.text) == ("export", "now")


def test_video_and_a_video_document_are_files_to_fetch_with_their_caption():
    video = one({"type": "video", "video": {"id": "111", "mime_type": "video/mp4", "caption": "trim it"}})
    assert video.media is not None and (video.media.kind, video.media.file_id) == ("video", "111")
    assert video.text == "trim it"
    document = one(
        {"type": "document", "document": {"id": "222", "mime_type": "video/quicktime", "filename": "a.mov"}}
    )
    assert document.media is not None and document.media.kind == "document"
    assert (document.media.mime_type, document.media.file_name) == ("video/quicktime", "a.mov")


def test_audio_voice_and_image_keep_their_kinds():
    assert one({"type": "audio", "audio": {"id": "3"}}).media.kind == "audio"
    assert one({"type": "audio", "audio": {"id": "3", "voice": True}}).media.kind == "voice"
    assert one({"type": "image", "image": {"id": "4"}}).media.kind == "photo"


def test_button_and_list_replies_carry_the_button_ids_telegram_buttons_have():
    button = {"type": "button_reply", "button_reply": {"id": "act:export", "title": "Export"}}
    assert one({"type": "interactive", "interactive": button}).callback_data == "act:export"
    row = {"type": "list_reply", "list_reply": {"id": "lang:hi", "title": "हिंदी"}}
    assert one({"type": "interactive", "interactive": row}).callback_data == "lang:hi"


def test_location_reaction_and_unknown_types_are_files_the_bot_cannot_edit():
    for message in (
        {"type": "location", "location": {"latitude": 1, "longitude": 2}},
        {"type": "reaction", "reaction": {"message_id": "wamid.X", "emoji": "👍"}},
        {"type": "unsupported", "errors": [{"code": 131051, "title": "Message type unknown"}]},
    ):
        converted = one(message)
        assert converted.media is not None and converted.media.kind == "other"


def test_a_file_meta_would_not_download_131052_is_a_file_too_big():
    message = one({"type": "unsupported", "errors": [{"code": 131052, "title": "Media download error"}]})
    assert message.media is not None and (message.media.file_size or 0) > 100 * 1024 * 1024


def test_statuses_are_not_messages_and_keep_the_error_code():
    status = {
        "id": "wamid.OUT1",
        "status": "failed",
        "recipient_id": USER,
        "errors": [{"code": 131047, "title": "Re-engagement message"}],
    }
    inbound, statuses = events_from_payload(payload(status=status))
    assert inbound == []
    assert [(s.wamid, s.status, s.error_code) for s in statuses] == [("wamid.OUT1", "failed", 131047)]


def test_other_objects_and_malformed_bodies_yield_nothing():
    assert events_from_payload({"object": "page", "entry": []}) == ([], [])
    assert events_from_payload(["not", "a", "dict"]) == ([], [])
    assert events_from_payload(payload({"type": "text", "from": "not-a-number"})) == ([], [])


def test_fields_of_the_wrong_shape_are_skipped_not_a_crash():
    """A signed body can still hold a string where Meta documents a list or an object (the webhook
    would answer 500 and Meta would redeliver it for days)."""
    odd = payload({"type": "text", "text": {"body": "hi"}})
    odd["entry"][0]["changes"][0]["value"]["contacts"] = [{"profile": "Asha", "wa_id": USER}]
    inbound, _ = events_from_payload(odd)
    assert [m.message.text for m in inbound] == ["hi"]
    status = payload(status={"id": "wamid.S", "status": "failed", "errors": {"code": 131047}})
    assert [s.error_code for s in events_from_payload(status)[1]] == [None]
    odd["entry"][0]["changes"][0]["value"]["messages"] = "hi"
    odd["entry"][0]["changes"] = "x"
    assert events_from_payload(odd) == ([], [])


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
SHAPES = [
    {"type": "text", "text": {"body": "hi"}},
    {
        "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": {"id": "x", "title": "X"}},
    },
    {"type": "button", "button": {"payload": "p", "text": "P"}},
    {"type": "video", "video": {"id": "9", "mime_type": "video/mp4", "sha256": "s", "caption": "c"}},
    {"type": "document", "document": {"id": "9", "filename": "a.mp4", "mime_type": "video/mp4"}},
    {"type": "audio", "audio": {"id": "9", "voice": True}},
    {"type": "unsupported", "errors": [{"code": 131052}]},
]


def junk_message(draw: st.DrawFn) -> dict[str, Any]:
    """A documented message with one field, at any depth, replaced by JSON of any other shape."""
    message: dict[str, Any] = {"from": USER, "id": "wamid.JUNK"} | copy.deepcopy(
        draw(st.sampled_from(SHAPES))
    )
    holder = message
    while True:
        key = draw(st.sampled_from(sorted(holder)))
        if not isinstance(holder[key], dict) or draw(st.booleans()):
            break
        holder = holder[key]
    holder[key] = draw(JSON.filter(lambda v: type(v) is not type(holder[key])))
    return message


@given(st.composite(junk_message)())
@settings(max_examples=300, deadline=None)
def test_a_message_of_any_junk_shape_is_skipped_and_the_rest_of_the_batch_handled(junk: dict[str, Any]):
    body = payload({"type": "text", "text": {"body": "first"}})
    value = body["entry"][0]["changes"][0]["value"]
    later = {"from": USER, "id": "wamid.A3", "type": "text", "text": {"body": "last"}}
    value["messages"] = [*value["messages"], junk, later]
    value["statuses"] = [{"id": "wamid.S", "status": "sent", "recipient_id": junk.get("from")}]
    inbound, statuses = events_from_payload(body)
    texts = [item.message.text for item in inbound]
    assert texts[0] == "first" and texts[-1] == "last" and len(texts) in (2, 3)
    assert all(item.wamid in ("wamid.A1", "wamid.JUNK", "wamid.A3") for item in inbound)
    assert len(statuses) <= 1


@pytest.mark.parametrize(
    "junk",
    [
        {"type": "text", "text": "hi"},
        {"type": "interactive", "interactive": ["button_reply"]},
        {"type": "interactive", "interactive": {"type": "list_reply", "list_reply": "row-1"}},
        {"type": "button", "button": 7},
        {"type": "document", "document": {"id": "9", "filename": 12, "mime_type": "video/mp4"}},
        {"type": "video", "video": {"id": ["9"]}},
        {"type": "text", "text": {"body": "hi"}, "from": "٩١٩٨١٢٣٤٥٠٠١"},  # Arabic-Indic digits
        {"type": "text", "text": {"body": "hi"}, "from": "9198²"},
        {"type": "text", "text": {"body": "hi"}, "from": 919812345001},
    ],
)
def test_each_documented_junk_shape_is_one_skipped_message_with_one_log_line(junk, caplog):
    body = payload({"type": "text", "text": {"body": "first"}})
    value = body["entry"][0]["changes"][0]["value"]
    value["messages"].append({"from": USER, "id": "wamid.B"} | junk)
    with caplog.at_level(logging.WARNING, "bot.whatsapp.convert"):
        inbound, _ = events_from_payload(body)
    assert [item.message.text for item in inbound] == ["first"]
    assert len([r for r in caplog.records if "skipped" in r.getMessage()]) == 1
