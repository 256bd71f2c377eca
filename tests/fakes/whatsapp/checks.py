"""The fake's rules for one outgoing message: Meta's documented limits, each refused with Meta's error."""

from __future__ import annotations

from typing import Any

from tests.fakes.whatsapp.records import MB, GraphError, Media, SentMessage, invalid

MAX_TEXT = 4096
MAX_BODY = 1024
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_ROWS = 10
MAX_ROW_TITLE = 24
VIDEO_LIMIT = 16 * MB
DOCUMENT_LIMIT = 100 * MB


def _str(obj: Any, name: str, limit: int, where: str) -> str:
    value = obj.get(name) if isinstance(obj, dict) else None
    if not isinstance(value, str) or not value:
        raise invalid(f"{where}.{name} is required")
    if len(value) > limit:
        raise invalid(f"{where}.{name} is longer than {limit} characters")
    return value


def parse_message(body: dict[str, Any], wamid: str, media: dict[str, Media]) -> SentMessage:
    """A `/messages` body → what the user sees; `GraphError` for anything Meta would refuse."""
    if body.get("messaging_product") != "whatsapp":
        raise invalid("messaging_product must be whatsapp")
    to, kind = body.get("to"), body.get("type", "text")
    if not isinstance(to, str) or not to.isdigit():
        raise invalid("to must be a phone number")
    sent = SentMessage(wamid=wamid, to=to, type=kind)
    if kind == "text":
        sent.text = _str(body.get("text"), "body", MAX_TEXT, "text")
    elif kind == "interactive":
        _interactive(body.get("interactive"), sent)
    elif kind in ("video", "document"):
        _media_message(body.get(kind), kind, sent, media)
    elif kind == "template":
        template = body.get("template") or {}
        sent.template = _str(template, "name", 512, "template")
        sent.template_language = _str(template.get("language"), "code", 10, "template.language")
        for component in template.get("components") or []:
            for parameter in component.get("parameters") or []:
                sent.template_params.append(str(parameter.get("text", "")))
    else:
        raise invalid(f"type {kind} is not supported by the fake")
    return sent


def _interactive(interactive: Any, sent: SentMessage) -> None:
    if not isinstance(interactive, dict):
        raise invalid("interactive is required")
    sent.text = _str(interactive.get("body"), "text", MAX_BODY, "interactive.body")
    action, kind = interactive.get("action") or {}, interactive.get("type")
    if kind == "button":
        buttons = action.get("buttons") or []
        if not 1 <= len(buttons) <= MAX_BUTTONS:
            raise invalid(f"interactive.action.buttons must have 1 to {MAX_BUTTONS} buttons")
        for button in buttons:
            reply = button.get("reply") if button.get("type") == "reply" else None
            ident = _str(reply, "id", 256, "button.reply")
            sent.buttons.append((ident, _str(reply, "title", MAX_BUTTON_TITLE, "button.reply")))
        if len({i for i, _ in sent.buttons}) != len(sent.buttons):
            raise invalid("button ids must be unique")
        if len({t for _, t in sent.buttons}) != len(sent.buttons):
            raise invalid("button titles must be unique")
    elif kind == "list":
        _str(action, "button", MAX_BUTTON_TITLE, "interactive.action")
        rows = [row for section in action.get("sections") or [] for row in section.get("rows") or []]
        if not 1 <= len(rows) <= MAX_ROWS:
            raise invalid(f"a list has 1 to {MAX_ROWS} rows")
        for row in rows:
            sent.list_rows.append((_str(row, "id", 200, "row"), _str(row, "title", MAX_ROW_TITLE, "row")))
    elif kind == "cta_url":
        parameters = action.get("parameters") if action.get("name") == "cta_url" else None
        label = _str(parameters, "display_text", MAX_BUTTON_TITLE, "cta_url")
        sent.link = (label, _str(parameters, "url", 2000, "cta_url"))
    else:
        raise invalid(f"interactive type {kind} is not supported by the fake")


def _media_message(part: Any, kind: str, sent: SentMessage, store: dict[str, Media]) -> None:
    media_id = part.get("id") if isinstance(part, dict) else None
    if media_id not in store:
        raise GraphError(131053, "Media upload error", details="Unknown media id")
    item = store[media_id]
    sent.media, sent.caption = item, str(part.get("caption", ""))
    if len(sent.caption) > MAX_BODY:
        raise invalid(f"{kind}.caption is longer than {MAX_BODY} characters")
    if kind == "video":
        if item.mime_type not in ("video/mp4", "video/3gpp") or len(item.data) > VIDEO_LIMIT:
            raise GraphError(131053, "Media upload error", details="Video over 16 MB or not MP4")
        if item.video_codec != "h264" or item.audio_codec not in ("aac", None):
            raise GraphError(131053, "Media upload error", details="Only H.264 video and AAC audio")
    else:
        sent.filename = part.get("filename")
        if len(item.data) > DOCUMENT_LIMIT:
            raise GraphError(131053, "Media upload error", details="Document over 100 MB")
