"""Text rules Telegram enforces on what a bot sends, and the entities it adds to what users send.

The fake checks formatted text the way Telegram does, so a test catches the classic bugs: an unescaped `<`
in HTML, a `.` left unescaped in MarkdownV2, a message over 4096 characters once the markup is stripped,
and callback data over 64 bytes.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

from tests.fakes.telegram_api.params import bad_request
from tests.fakes.telegram_api.records import Button

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64

_HTML_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "tg-emoji"}
    | {"code", "pre", "blockquote"}
)
# Characters MarkdownV2 reserves and that never start markup, so an unescaped one is always an error.
_MDV2_ALWAYS_ESCAPE = re.compile(r"(?<!\\)[.!#+\-={}|]")
_MDV2_CODE = re.compile(r"```.*?```|`[^`]*`", re.DOTALL)
_STRAY_LT = re.compile(r"<(?!/?[A-Za-z])")
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}")


class _HtmlChecker(HTMLParser):
    """Collects the visible text of Bot API HTML and rejects tags Telegram does not support."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.visible: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            raise bad_request(f'can\'t parse entities: Unsupported start tag "{tag}"')
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            raise bad_request(f'can\'t parse entities: Unexpected end tag "{tag}"')
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.visible.append(data)


def _visible_html(text: str) -> str:
    # A "<" that opens no tag (as in "I <3 it") is what Telegram rejects; the stdlib parser would keep it.
    stray = _STRAY_LT.search(text)
    if stray:
        offset = len(text[: stray.start()].encode())
        raise bad_request(f"can't parse entities: Unsupported start tag at byte offset {offset}")
    checker = _HtmlChecker()
    checker.feed(text)
    checker.close()
    if checker.open:
        raise bad_request(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{checker.open[-1]}\""
        )
    return html.unescape("".join(checker.visible))


def _visible_markdown_v2(text: str) -> str:
    outside_code = _MDV2_CODE.sub("", text)
    bad = _MDV2_ALWAYS_ESCAPE.search(outside_code)
    if bad:
        raise bad_request(
            f"can't parse entities: Character '{bad.group()}' is reserved and must be escaped with the "
            "preceding '\\'"
        )
    return re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)[*_~|`]", "", text))


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text a user would see once the markup is applied; malformed markup is Telegram's 400."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _visible_html(text)
    if mode == "markdownv2":
        return _visible_markdown_v2(text)
    return text


def utf16_len(text: str) -> int:
    """Telegram measures text (limits, entity offsets) in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def check_text(text: str | None, parse_mode: str | None, *, caption: bool) -> None:
    """Reject empty or over-long text the way sendMessage/editMessageText (or a caption) would."""
    if text is None or text == "":
        if not caption:
            raise bad_request("message text is empty")
        return
    shown = visible_text(text, parse_mode)
    if not caption and not shown.strip():
        raise bad_request("message text is empty")
    if utf16_len(shown) > (CAPTION_LIMIT if caption else TEXT_LIMIT):
        raise bad_request("message caption is too long" if caption else "message is too long")


def parse_keyboard(markup: Any) -> tuple[tuple[Button, ...], ...]:
    """The inline keyboard of a reply_markup, validated like Telegram (BUTTON_DATA_INVALID over 64 bytes)."""
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return ()
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard")
    parsed = []
    for row in rows:
        buttons = []
        for raw in row:
            if not isinstance(raw, dict) or not raw.get("text"):
                raise bad_request(
                    "BUTTON_TEXT_EMPTY" if isinstance(raw, dict) else "can't parse inline keyboard"
                )
            data, url = raw.get("callback_data"), raw.get("url")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                raise bad_request("BUTTON_DATA_INVALID")
            if data is None and url is None and len(raw) == 1:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            buttons.append(Button(text=str(raw["text"]), callback_data=data, url=url))
        parsed.append(tuple(buttons))
    return tuple(parsed)


def user_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram attaches to a user's text: bot_command for /commands, mention for @names."""
    found = [("bot_command", m) for m in _COMMAND.finditer(text)]
    found += [("mention", m) for m in _MENTION.finditer(text)]
    found.sort(key=lambda item: item[1].start())
    return [
        {"type": kind, "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())}
        for kind, m in found
    ]
