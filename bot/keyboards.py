"""The inline buttons the conversation offers, labelled in the session's language.

Callback data is short and stable (`act:export`, `retry:<request id>`, `lang:hi`): Telegram allows 64 bytes.
"""

from __future__ import annotations

from bot.i18n import translate
from bot.outbox import Button, Keyboard

EXPORT = "act:export"
STATUS = "act:status"
NEW = "act:new"
EDIT_MORE = "act:edit_more"
RETRY_PREFIX = "retry:"
LANG_PREFIX = "lang:"


def after_turn(lang: str) -> Keyboard:
    """[Export] [Timeline]: what usually comes after an edit."""
    return (
        (
            Button(translate(lang, "button.export"), EXPORT),
            Button(translate(lang, "button.timeline"), STATUS),
        ),
    )


def after_turn_with_web(lang: str, web_url: str | None) -> Keyboard:
    """After an edit, plus "open in the web editor" when a claim link exists."""
    if web_url is None:
        return after_turn(lang)
    return (*after_turn(lang), (Button(translate(lang, "button.open_web"), url=web_url),))


def after_delivery(lang: str) -> Keyboard:
    """[Edit more] [New video]."""
    return (
        (
            Button(translate(lang, "button.edit_more"), EDIT_MORE),
            Button(translate(lang, "button.new_video"), NEW),
        ),
    )


def retry(lang: str, request_id: str) -> Keyboard:
    """[Retry] for a request that failed."""
    return ((Button(translate(lang, "button.retry"), RETRY_PREFIX + request_id),),)


def link(lang: str, label_key: str, url: str) -> Keyboard:
    """One button that opens a web page (registration, top-up, download)."""
    return ((Button(translate(lang, label_key), url=url),),)


def language_picker() -> Keyboard:
    """Each reply style named in itself: English, Hindi in Devanagari, Hinglish in Roman letters."""
    return (
        (
            Button("English", LANG_PREFIX + "en"),
            Button("हिंदी", LANG_PREFIX + "hi"),
            Button("Hinglish", LANG_PREFIX + "hi-Latn"),
        ),
    )


ASK_PREFIX = "ask:"
# The question asked when the router is torn between an action and an edit, and its button's label.
CONFIRM_KEYS = {
    "export": ("confirm.export", "button.confirm_export"),
    "credits": ("confirm.credits", "button.confirm_credits"),
    "status": ("confirm.status", "button.confirm_status"),
    "upload": ("confirm.upload", "button.confirm_upload"),
}


def confirm(lang: str, action: str, request_id: str) -> Keyboard:
    """[Export] [It's an edit] (or credits, timeline, upload): the two readings of an unclear message."""
    _question, label = CONFIRM_KEYS[action]
    return (
        (
            Button(translate(lang, label), f"{ASK_PREFIX}{action}:{request_id}"),
            Button(translate(lang, "button.its_edit"), f"{ASK_PREFIX}edit:{request_id}"),
        ),
    )


CANCEL_PREFIX = "cancel:"
SPEND_PREFIX = "spend:"


def cancel(lang: str, request_id: str) -> Keyboard:
    """[Cancel] on a progress message."""
    return ((Button(translate(lang, "button.cancel"), CANCEL_PREFIX + request_id),),)


def spend_picker(lang: str) -> Keyboard:
    """Who may export and spend a group's credits."""
    return (
        (
            Button(translate(lang, "group.everyone"), SPEND_PREFIX + "all"),
            Button(translate(lang, "group.admins"), SPEND_PREFIX + "admins"),
        ),
    )
