"""The Bot API methods the fake implements, one function each, registered by Telegram's method name.

Each takes the state and the request's `Params` and returns the `result`, or raises `ApiError`. The checks
run in Telegram's order as far as it shows: the chat (unknown, migrated, blocked), then the content (length,
markup, keyboard), then flood control, so that a rejected request never spends flood quota.

Flood control counts sendMessage, editMessageText and the send* media methods; getUpdates, chat actions,
callback answers, keyboard edits and deletions are free.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable
from typing import Any

from tests.fakes.telegram_api.markup import check_text, parse_keyboard
from tests.fakes.telegram_api.params import Params, bad_request
from tests.fakes.telegram_api.payloads import chat_full_json, member_json, sent_message_json
from tests.fakes.telegram_api.records import Admin, MediaKind, SentMedia, SentMessage, User
from tests.fakes.telegram_api.state import TelegramState
from tests.fakes.telegram_api.uploads import sent_media

Method = Callable[[TelegramState, Params], Any]
METHODS: dict[str, Method] = {}

_CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)


def method(*names: str) -> Callable[[Method], Method]:
    """Register a function under Telegram method names (matched case-insensitively, as Telegram does)."""

    def register(func: Method) -> Method:
        for name in names:
            METHODS[name.lower()] = func
        return func

    return register


# --- bot, webhook, commands ----------------------------------------------------------------------


@method("getMe")
def get_me(state: TelegramState, p: Params) -> Any:
    """The bot's own User."""
    return {**state.bot.to_json(), "can_join_groups": True, "can_read_all_group_messages": False}


@method("logOut", "close")
def log_out(state: TelegramState, p: Params) -> Any:
    """Always succeeds."""
    return True


@method("setWebhook")
def set_webhook(state: TelegramState, p: Params) -> Any:
    """Record the webhook; the fake does not push to it (tests drive webhooks directly)."""
    url = p.opt_str("url") or ""
    if p.flag("drop_pending_updates"):
        state.drop_pending()
    with state.lock:
        state.webhook = {"url": url, "secret_token": p.opt_str("secret_token")} if url else {}
        if p.has("allowed_updates"):
            state.allowed_updates = list(p.structured("allowed_updates") or [])
    return True


@method("deleteWebhook")
def delete_webhook(state: TelegramState, p: Params) -> Any:
    """Remove the webhook, optionally dropping pending updates."""
    if p.flag("drop_pending_updates"):
        state.drop_pending()
    with state.lock:
        state.webhook = {}
    return True


@method("getWebhookInfo")
def get_webhook_info(state: TelegramState, p: Params) -> Any:
    """The webhook URL ("" in polling mode) and the number of unconfirmed updates."""
    with state.lock:
        info = {"url": state.webhook.get("url", ""), "has_custom_certificate": False}
        if state.allowed_updates:
            info["allowed_updates"] = state.allowed_updates
    return {**info, "pending_update_count": state.pending_count()}


def _scope_key(p: Params) -> tuple[str, str]:
    scope = p.structured("scope") or {"type": "default"}
    name = str(scope.get("type", "default"))
    if "chat_id" in scope:
        name += f":{scope['chat_id']}"
    if "user_id" in scope:
        name += f":{scope['user_id']}"
    return name, p.opt_str("language_code") or ""


@method("setMyCommands")
def set_my_commands(state: TelegramState, p: Params) -> Any:
    """Record the command menu per scope and language_code, validated like Telegram."""
    commands = p.structured("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be a list of at most 100 BotCommand")
    for command in commands:
        name = str(command.get("command", ""))
        if not _COMMAND_NAME.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    with state.lock:
        state.commands[_scope_key(p)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
    return True


@method("getMyCommands")
def get_my_commands(state: TelegramState, p: Params) -> Any:
    """The menu recorded for exactly this scope and language_code (Telegram does not fall back here)."""
    with state.lock:
        return state.commands.get(_scope_key(p), [])


@method("deleteMyCommands")
def delete_my_commands(state: TelegramState, p: Params) -> Any:
    """Forget the menu of this scope and language_code."""
    with state.lock:
        state.commands.pop(_scope_key(p), None)
    return True


# --- chats ---------------------------------------------------------------------------------------


@method("getChat")
def get_chat(state: TelegramState, p: Params) -> Any:
    """ChatFullInfo of a chat the fake knows."""
    chat_id = p.chat_id()
    with state.lock:
        if chat_id not in state.chats:
            raise bad_request("chat not found")
        return chat_full_json(state.chats[chat_id])


def _admins(state: TelegramState, chat_id: int) -> list[Admin]:
    chat = state.target(chat_id)
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    with state.lock:
        return list(state.admins.get(chat_id, []))


@method("getChatAdministrators")
def get_chat_administrators(state: TelegramState, p: Params) -> Any:
    """The admin list a test set for the group."""
    return [member_json(a.user, a) for a in _admins(state, p.chat_id())]


@method("getChatMember")
def get_chat_member(state: TelegramState, p: Params) -> Any:
    """Creator/administrator from the group's admin list, anyone else a member."""
    chat = state.target(p.chat_id())
    user_id = p.need_int("user_id")
    admins = [] if chat.type == "private" else _admins(state, chat.id)
    admin = next((a for a in admins if a.user.id == user_id), None)
    user = state.bot if user_id == state.bot.id else admin.user if admin else User(user_id)
    return member_json(user, admin)


@method("sendChatAction")
def send_chat_action(state: TelegramState, p: Params) -> Any:
    """Check the chat and the action name."""
    state.target(p.chat_id())
    if p.opt_str("action") not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


@method("answerCallbackQuery")
def answer_callback_query(state: TelegramState, p: Params) -> Any:
    """A query can be answered once; an unknown or answered one is Telegram's "query is too old"."""
    query_id = p.need_str("callback_query_id")
    with state.lock:
        if state.callback_queries.get(query_id) is not False:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        state.callback_queries[query_id] = True
    return True


# --- sending and editing -------------------------------------------------------------------------


def _reply_to(state: TelegramState, p: Params, chat_id: int) -> int | None:
    reply = p.structured("reply_parameters") or {}
    message_id = p.opt_int("reply_to_message_id") or reply.get("message_id")
    if message_id is None:
        return None
    allow = p.flag("allow_sending_without_reply") or reply.get("allow_sending_without_reply")
    with state.lock:
        known = (chat_id, message_id) in state.sent or (chat_id, message_id) in state.user_messages
    if not known and not allow:
        raise bad_request("message to be replied not found")
    return int(message_id)


def _send(
    state: TelegramState, p: Params, name: str, text: str | None, media: Callable[[], SentMedia] | None
) -> Any:
    """The common path of sendMessage and send*: chat → content → flood → record."""
    chat = state.target(p.chat_id())
    parse_mode = p.opt_str("parse_mode")
    check_text(text, parse_mode, caption=media is not None)
    markup = p.structured("reply_markup")
    buttons = parse_keyboard(markup)
    reply_to = _reply_to(state, p, chat.id)
    sent_media = media() if media is not None else None
    state.admit(chat.id)
    message = SentMessage(
        chat_id=chat.id,
        message_id=state.next_message_id(chat.id),
        method=name,
        date=int(time.time()),
        text=text,
        parse_mode=parse_mode,
        message_thread_id=p.opt_int("message_thread_id"),
        reply_to_message_id=reply_to,
        reply_markup=markup if isinstance(markup, dict) else None,
        buttons=buttons,
        media=sent_media,
    )
    return sent_message_json(state, state.save(message))


@method("sendMessage")
def send_message(state: TelegramState, p: Params) -> Any:
    """Send text, with limits, markup checks and an inline keyboard."""
    return _send(state, p, "sendMessage", p.need_str("text", empty="message text is empty"), None)


def _send_media(state: TelegramState, p: Params, kind: MediaKind, name: str) -> Any:
    return _send(state, p, name, p.opt_str("caption"), lambda: sent_media(state, p, kind))


@method("sendVideo")
def send_video(state: TelegramState, p: Params) -> Any:
    """Send a video (upload, URL or file_id), with dimensions, duration, streaming flag and thumbnail."""
    return _send_media(state, p, "video", "sendVideo")


@method("sendDocument")
def send_document(state: TelegramState, p: Params) -> Any:
    """Send a document."""
    return _send_media(state, p, "document", "sendDocument")


@method("sendPhoto")
def send_photo(state: TelegramState, p: Params) -> Any:
    """Send a photo."""
    return _send_media(state, p, "photo", "sendPhoto")


def _own_message(state: TelegramState, p: Params, missing: str) -> SentMessage:
    chat = state.target(p.chat_id())
    if p.has("inline_message_id"):
        raise bad_request("inline messages are not supported by the fake")
    key = (chat.id, p.need_int("message_id"))
    with state.lock:
        if key in state.user_messages:
            raise bad_request("message can't be edited")
        message = state.sent.get(key)
    if message is None or message.deleted:
        raise bad_request(missing)
    return message


@method("editMessageText")
def edit_message_text(state: TelegramState, p: Params) -> Any:
    """Replace the text; omitting reply_markup removes the keyboard, as in Telegram."""
    old = _own_message(state, p, "message to edit not found")
    if old.media is not None:
        raise bad_request("there is no text in the message to edit")
    text = p.need_str("text", empty="message text is empty")
    parse_mode = p.opt_str("parse_mode")
    check_text(text, parse_mode, caption=False)
    markup = p.structured("reply_markup")
    buttons = parse_keyboard(markup)
    if text == old.text and buttons == old.buttons:
        raise bad_request(_NOT_MODIFIED)
    state.admit(old.chat_id)
    new = dataclasses.replace(
        old,
        text=text,
        parse_mode=parse_mode,
        reply_markup=markup if buttons else None,
        buttons=buttons,
        edits=(*old.edits, old.text or ""),
    )
    return sent_message_json(state, state.save(new))


@method("editMessageReplyMarkup")
def edit_message_reply_markup(state: TelegramState, p: Params) -> Any:
    """Replace or remove the inline keyboard."""
    old = _own_message(state, p, "message to edit not found")
    markup = p.structured("reply_markup")
    buttons = parse_keyboard(markup)
    if buttons == old.buttons:
        raise bad_request(_NOT_MODIFIED)
    new = dataclasses.replace(old, reply_markup=markup if buttons else None, buttons=buttons)
    return sent_message_json(state, state.save(new))


@method("deleteMessage")
def delete_message(state: TelegramState, p: Params) -> Any:
    """Delete one of the bot's messages (kept in the record, marked deleted) or a user's message."""
    chat = state.target(p.chat_id())
    key = (chat.id, p.need_int("message_id"))
    with state.lock:
        if state.user_messages.pop(key, None) is not None:
            return True
        message = state.sent.get(key)
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        state.save(dataclasses.replace(message, deleted=True))
    return True


# --- files ---------------------------------------------------------------------------------------


@method("getFile")
def get_file(state: TelegramState, p: Params) -> Any:
    """A File with its file_path; over the download limit (20 MB in the cloud) it is "file is too big"."""
    file_id = p.need_str("file_id")
    with state.lock:
        stored = state.files.get(file_id)
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.file_size > state.limits.download_bytes:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.file_size,
        "file_path": stored.file_path,
    }
