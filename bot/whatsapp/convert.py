"""Webhook payloads → the core's `IncomingMessage`s and delivery statuses (pure; tolerant of Meta's shapes).

A wamid names a message for good, and Meta redelivers it for days: the update id the core de-duplicates
on is derived from it. A user's file over 100 MB never reaches us: Meta sends an `unsupported` message
with error 131052, which becomes a file "too big", so the user is told to send a link instead.

A signed body is Meta's, but its fields are still untrusted shapes: a field of the wrong type makes that
one message (or status) skipped with a log line, never the whole batch refused (a 500 that Meta would
redeliver for days, and in the end disable the webhook over).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.models import ChatRef, IncomingMessage, MediaKind, MediaRef

log = logging.getLogger(__name__)
T = TypeVar("T")
TOO_LARGE = 131052
# A wa_id is a phone number in international form: ASCII digits only (str.isdigit also takes "²" and "٣").
_WA_ID = re.compile(r"[0-9]{1,20}")
_TOO_LARGE_BYTES = 1 << 40
_MEDIA_KINDS: dict[str, MediaKind] = {
    "video": "video",
    "document": "document",
    "audio": "audio",
    "image": "photo",
    "sticker": "sticker",
}


def update_id_from_wamid(wamid: str) -> int:
    """A stable 63-bit integer for a wamid: the same on every redelivery, different for every message."""
    return int.from_bytes(hashlib.blake2b(wamid.encode(), digest_size=8).digest(), "big") >> 1


@dataclass(frozen=True)
class Inbound:
    """One user message, as the core sees it, with Meta's id for read receipts."""

    wamid: str
    message: IncomingMessage


@dataclass(frozen=True)
class Status:
    """A delivery status Meta reports for a message we sent."""

    wamid: str
    status: str
    recipient: str
    error_code: int | None = None


def events_from_payload(payload: Any) -> tuple[list[Inbound], list[Status]]:
    """Every message and status in a webhook body; anything unrecognisable is skipped."""
    inbound: list[Inbound] = []
    statuses: list[Status] = []
    for value in _values(payload):
        names = {
            c["wa_id"]: _name(c.get("profile"))
            for c in _list(value.get("contacts"))
            if isinstance(c, dict) and isinstance(c.get("wa_id"), str)
        }
        for raw in _list(value.get("messages")):
            if (converted := _skipping(_message, raw, names)) is not None:
                inbound.append(converted)
        for raw in _list(value.get("statuses")):
            if (status := _skipping(_status, raw, names)) is not None:
                statuses.append(status)
    return inbound, statuses


def _skipping(
    convert: Callable[[dict[str, Any], dict[str, str]], T | None], raw: Any, names: dict[str, str]
) -> T | None:
    """`convert(raw)`, or None (and one log line) for an event whose shape it cannot read."""
    try:
        if not isinstance(raw, dict):
            raise TypeError("not an object")
        return convert(raw, names)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        # The type only: the body is a user's message, not something for the logs.
        log.warning(
            "webhook event skipped: unreadable %s (%s)", convert.__name__.strip("_"), type(exc).__name__
        )
        return None


def _status(raw: dict[str, Any], names: dict[str, str]) -> Status | None:
    wamid, status = raw.get("id"), raw.get("status")
    if not wamid or not status:
        return None
    if not isinstance(wamid, str) or not isinstance(status, str):
        raise TypeError("id or status not a string")
    first = (_list(raw.get("errors")) or [{}])[0]
    code = first.get("code") if isinstance(first, dict) else None
    return Status(
        wamid,
        status,
        _text(raw.get("recipient_id")),
        code if isinstance(code, int) and not isinstance(code, bool) else None,
    )


def _object(value: Any) -> dict[str, Any]:
    """A field that should be an object, or an empty one when it is absent."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError("not an object")
    return value


def _text(value: Any) -> str:
    """A field that should be a string ("" when absent)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _name(profile: Any) -> str:
    """The user's profile name: a courtesy, so one of the wrong shape is no name rather than a skip."""
    name = profile.get("name") if isinstance(profile, dict) else None
    return name if isinstance(name, str) else ""


def _list(value: Any) -> list[Any]:
    """A field that should be a list, or nothing when the body holds something else there."""
    return value if isinstance(value, list) else []


def _values(payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        return []
    values = []
    for entry in _list(payload.get("entry")):
        for change in _list(entry.get("changes")) if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            if isinstance(value, dict) and change.get("field") == "messages":
                values.append(value)
    return values


def _message(raw: dict[str, Any], names: dict[str, str]) -> Inbound | None:
    wamid, sender, kind = _text(raw.get("id")), _text(raw.get("from")), _text(raw.get("type"))
    if not wamid or not _WA_ID.fullmatch(sender):
        raise ValueError("no message id, or a sender that is not a phone number")
    update_id = update_id_from_wamid(wamid)
    fields: dict[str, Any] = {
        "update_id": update_id,
        "chat": ChatRef(channel="whatsapp", chat_id=int(sender)),
        "user_id": int(sender),
        "user_name": names.get(sender, ""),
        "message_id": update_id,
    }
    if kind == "text":
        fields |= _command(_text(_object(raw.get("text")).get("body")))
    elif kind == "interactive":
        interactive = _object(raw.get("interactive"))
        reply = _object(interactive.get(_text(interactive.get("type"))))
        fields["callback_data"] = _text(reply.get("id"))
    elif kind == "button":  # a quick-reply button of a template
        fields["callback_data"] = _text(_object(raw.get("button")).get("payload"))
    elif kind in _MEDIA_KINDS:
        part = _object(raw.get(kind))
        media_kind = _MEDIA_KINDS[kind]
        if kind == "audio" and part.get("voice") is True:
            media_kind = "voice"
        fields["media"] = MediaRef(
            kind=media_kind,
            file_id=_text(part.get("id")),
            file_unique_id=_text(part.get("sha256")),
            file_name=_optional_text(part.get("filename")),
            mime_type=_optional_text(part.get("mime_type")),
        )
        fields |= _command(_text(part.get("caption")))
    elif any(_object(e).get("code") == TOO_LARGE for e in _list(raw.get("errors"))):
        fields["media"] = MediaRef(
            kind="document", file_id="", mime_type="video/mp4", file_size=_TOO_LARGE_BYTES
        )
    else:  # location, contacts, reaction, an unknown type: not something to edit
        fields["media"] = MediaRef(kind="other", file_id="")
    return Inbound(wamid, IncomingMessage(**fields))


def _command(text: str) -> dict[str, Any]:
    """Text as the core expects it: a leading "/word" is a command, the rest its argument."""
    stripped = text.strip()
    if stripped.startswith("/") and len(stripped) > 1:
        command, _, rest = stripped[1:].partition(" ")
        return {"command": command.lower(), "text": rest.strip()}
    return {"text": text}
