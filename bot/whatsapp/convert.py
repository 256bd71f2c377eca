"""Webhook payloads → the core's `IncomingMessage`s and delivery statuses (pure; tolerant of Meta's shapes).

A wamid names a message for good, and Meta redelivers it for days: the update id the core de-duplicates
on is derived from it. A user's file over 100 MB never reaches us: Meta sends an `unsupported` message
with error 131052, which becomes a file "too big", so the user is told to send a link instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from bot.models import ChatRef, IncomingMessage, MediaKind, MediaRef

TOO_LARGE = 131052
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
            str(c.get("wa_id")): str(c["profile"].get("name", ""))
            if isinstance(c.get("profile"), dict)
            else ""
            for c in _list(value.get("contacts"))
            if isinstance(c, dict)
        }
        for raw in _list(value.get("messages")):
            if isinstance(raw, dict) and (converted := _message(raw, names)) is not None:
                inbound.append(converted)
        for raw in _list(value.get("statuses")):
            if isinstance(raw, dict) and raw.get("id") and raw.get("status"):
                errors = _list(raw.get("errors")) or [{}]
                code = errors[0].get("code") if isinstance(errors[0], dict) else None
                statuses.append(
                    Status(
                        str(raw["id"]),
                        str(raw["status"]),
                        str(raw.get("recipient_id", "")),
                        int(code) if isinstance(code, int) else None,
                    )
                )
    return inbound, statuses


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
    wamid, sender, kind = str(raw.get("id") or ""), str(raw.get("from") or ""), str(raw.get("type", ""))
    if not wamid or not sender.isdigit():
        return None
    update_id = update_id_from_wamid(wamid)
    fields: dict[str, Any] = {
        "update_id": update_id,
        "chat": ChatRef(channel="whatsapp", chat_id=int(sender)),
        "user_id": int(sender),
        "user_name": names.get(sender, ""),
        "message_id": update_id,
    }
    if kind == "text":
        text = str((raw.get("text") or {}).get("body", ""))
        fields |= _command(text)
    elif kind == "interactive":
        interactive = raw.get("interactive") or {}
        reply = interactive.get(str(interactive.get("type", ""))) or {}
        fields["callback_data"] = str(reply.get("id", ""))
    elif kind == "button":  # a quick-reply button of a template
        fields["callback_data"] = str((raw.get("button") or {}).get("payload", ""))
    elif kind in _MEDIA_KINDS:
        part = raw.get(kind) or {}
        media_kind = _MEDIA_KINDS[kind]
        if kind == "audio" and part.get("voice"):
            media_kind = "voice"
        fields["media"] = MediaRef(
            kind=media_kind,
            file_id=str(part.get("id", "")),
            file_unique_id=str(part.get("sha256", "")),
            file_name=part.get("filename"),
            mime_type=part.get("mime_type"),
        )
        fields |= _command(str(part.get("caption", "")))
    elif any(isinstance(e, dict) and e.get("code") == TOO_LARGE for e in raw.get("errors") or []):
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
