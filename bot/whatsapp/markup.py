"""Text and keyboards → Cloud API message bodies (pure): what Telegram shows as inline keyboards.

WhatsApp offers at most 3 reply buttons with titles of at most 20 characters, a list message for up to 10
choices, and a single link button (`cta_url`); a message with buttons has a body of at most 1024
characters. A keyboard that mixes choices and links keeps its choices as buttons and puts the links in
the text.
"""

from __future__ import annotations

from typing import Any

from bot.outbox import Button, Keyboard

MAX_TEXT = 4096
MAX_BODY = 1024
MAX_BUTTONS = 3
MAX_TITLE = 20
MAX_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ID = 200


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_body(text: str) -> dict[str, Any]:
    """A plain text message (WhatsApp refuses more than 4096 characters)."""
    return {"type": "text", "text": {"body": clip(text, MAX_TEXT), "preview_url": False}}


def choices_and_links(keyboard: Keyboard) -> tuple[list[Button], list[Button]]:
    """The keyboard's callback buttons and its link buttons, in reading order."""
    flat = [button for row in keyboard for button in row]
    return [b for b in flat if b.data is not None], [b for b in flat if b.url is not None]


def interactive_body(
    text: str, choices: list[Button], links: list[Button], list_label: str
) -> dict[str, Any]:
    """Buttons (≤ 3), a list (more), or a link button; `text` must already fit `MAX_BODY`."""
    if not choices:
        link = links[0]
        action: dict[str, Any] = {
            "name": "cta_url",
            "parameters": {"display_text": clip(link.label, MAX_TITLE), "url": link.url},
        }
        return _interactive("cta_url", text, action)
    if len(choices) <= MAX_BUTTONS:
        buttons = [
            {"type": "reply", "reply": {"id": _id(b), "title": title}}
            for b, title in zip(choices, _unique_titles(choices, MAX_TITLE), strict=True)
        ]
        return _interactive("button", text, {"buttons": buttons})
    rows = [
        {"id": _id(b), "title": title}
        for b, title in zip(
            choices[:MAX_ROWS], _unique_titles(choices[:MAX_ROWS], MAX_ROW_TITLE), strict=True
        )
    ]
    action = {"button": clip(list_label, MAX_TITLE), "sections": [{"rows": rows}]}
    return _interactive("list", text, action)


def _interactive(kind: str, text: str, action: dict[str, Any]) -> dict[str, Any]:
    return {"type": "interactive", "interactive": {"type": kind, "body": {"text": text}, "action": action}}


def _id(button: Button) -> str:
    data = button.data or ""
    if len(data) > MAX_ID:
        raise ValueError(f"button id over {MAX_ID} characters: {data[:20]}…")
    return data


def _unique_titles(buttons: list[Button], limit: int) -> list[str]:
    """Clipped titles; WhatsApp refuses two equal titles, so a clash gets a number."""
    titles: list[str] = []
    for button in buttons:
        title = clip(button.label, limit)
        while title in titles:
            title = clip(button.label, limit - 3) + f" {len(titles) + 1}"
        titles.append(title)
    return titles
