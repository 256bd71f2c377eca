"""Every Redis key the bot and the workers own, with its lifetime, in one place.

Keys are `nvb:<noun>:<id>[:<part>]`. A chat is named by `ChatRef.key` (`telegram:<chat_id>`), a request by
the id the conversation gives it (`<chat key>:<update_id>`), a render by the backend's render id.
"""

from __future__ import annotations

import hashlib

PREFIX = "nvb"

DAY = 24 * 3600
SESSION_TTL_S = 90 * DAY
REQUEST_TTL_S = 7 * DAY
RENDER_TTL_S = 7 * DAY
DELIVERED_TTL_S = 30 * DAY
REPLY_TTL_S = DAY


def session_key(chat_key: str) -> str:
    """Hash: client id, token, user id, expiry, backend task/session ids, language (see `sessions.py`)."""
    return f"{PREFIX}:session:{chat_key}"


def intake_key(channel: str) -> str:
    """Hash: update id → the raw update, recorded before the channel is told it arrived; removed once handled
    (no lifetime: an update must outlive any outage of the bot)."""
    return f"{PREFIX}:intake:{channel}"


def intake_arrivals_key(channel: str) -> str:
    """List: ids of updates recorded in the intake since its handler last looked, oldest first."""
    return f"{PREFIX}:intake-arrivals:{channel}"


def intake_lock_key(channel: str) -> str:
    """Lock: the one bot process handling the channel's intake (lifetime `INTAKE_LOCK_TTL_S`, refreshed)."""
    return f"{PREFIX}:intake-lock:{channel}"


INTAKE_LOCK_TTL_S = 5


def update_seen_key(channel: str, update_id: int) -> str:
    """Marker that an update was recorded: de-duplicates redelivered updates."""
    return f"{PREFIX}:update:{channel}:{update_id}"


def request_key(request_id: str) -> str:
    """Hash: one user request (text, intent, language, progress message id, state before the turn)."""
    return f"{PREFIX}:request:{request_id}"


def last_failed_key(chat_key: str) -> str:
    """String: the id of the chat's latest request that failed, what a typed "retry" / "dobara" runs again."""
    return f"{PREFIX}:last_failed:{chat_key}"


def chat_tail_key(chat_key: str) -> str:
    """The id of the chat's last enqueued job, so the next one runs after it (one turn at a time)."""
    return f"{PREFIX}:tail:{chat_key}"


def chat_renders_key(chat_key: str) -> str:
    """Set of the chat's renders still being followed."""
    return f"{PREFIX}:renders:{chat_key}"


def active_renders_key() -> str:
    """Set of every render still being followed, so a restarted worker can resume them."""
    return f"{PREFIX}:renders:active"


def slow_renders_key() -> str:
    """Set of renders the user was told are slow: still checked now and then, so a late one is delivered."""
    return f"{PREFIX}:renders:slow"


def render_key(render_id: str) -> str:
    """Hash: chat, request, status, progress, output url of one render."""
    return f"{PREFIX}:render:{render_id}"


def delivered_key(render_id: str) -> str:
    """Claim, then marker, that a render's video was sent: a video is never sent twice."""
    return f"{PREFIX}:delivered:{render_id}"


def document_id(url: str) -> str:
    """A short stable name for a file a turn produced (its URL's digest): one turn may produce several."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def document_delivered_key(request_id: str, url: str) -> str:
    """Claim, then marker, that the file at `url` a turn produced (its .srt) was sent: never twice."""
    return f"{PREFIX}:delivered:doc:{request_id}:{document_id(url)}"


def export_key(request_id: str) -> str:
    """The render id an export request submitted: a retried export never submits twice."""
    return f"{PREFIX}:export:{request_id}"


def rate_key(scope: str, window: int) -> str:
    """The next free slot of one scope of Telegram sends (`global`, `chat:<id>`, `group:<id>`; `sent:<scope>`
    for the moments sends actually went, see `ratelimit.py`)."""
    return f"{PREFIX}:rate:{scope}:{window}"


def migrated_key(channel: str, chat_id: int) -> str:
    """The new id of a group that became a supergroup (see `migration.py`)."""
    return f"{PREFIX}:migrated:{channel}:{chat_id}"


def reply_queue_key(chat_key: str) -> str:
    """List: the bot's replies to a chat not yet sent, oldest first (see `replies.py`)."""
    return f"{PREFIX}:replies:{chat_key}"


def reply_sending_key(chat_key: str) -> str:
    """String: the chat's queued reply whose request is being written, until it is taken off the queue
    (found after a restart: it may have reached the chat, so it is not sent again)."""
    return f"{PREFIX}:replies:sending:{chat_key}"


def reply_chats_key() -> str:
    """Set of the chats with replies queued."""
    return f"{PREFIX}:replies:chats"


def flood_key() -> str:
    """Telegram's flood wait for the bot (a 429's `retry_after`), honoured by every process."""
    return f"{PREFIX}:flood"


def console_outbox_key(chat_id: int) -> str:
    """List of what the playground's console channel shows the user."""
    return f"{PREFIX}:console:{chat_id}"


def group_settings_key(chat_key: str) -> str:
    """Hash: a group's settings (`spend`: who may export and spend credits, `all` or `admins`)."""
    return f"{PREFIX}:group:{chat_key}"


def inflight_key(chat_key: str) -> str:
    """Hash: the chat's requests not yet finished, request id → user id (for /cancel and per-user limits)."""
    return f"{PREFIX}:inflight:{chat_key}"


def album_key(chat_key: str, media_group_id: str) -> str:
    """List: the files of one album (a media group), gathered into a single upload."""
    return f"{PREFIX}:album:{chat_key}:{media_group_id}"


def admin_status_key(chat_key: str, user_id: int) -> str:
    """`1`/`0`: whether a group member is an admin, as Telegram said lately (TTL `ADMIN_STATUS_CACHE_S`;
    rewritten at once by `chat_member` updates). Shared by every process, so a demotion counts everywhere."""
    return f"{PREFIX}:admin:{chat_key}:{user_id}"


WHATSAPP_WINDOW_S = DAY
STATUS_TTL_S = 7 * DAY


def whatsapp_window_key(wa_id: int) -> str:
    """When the user last wrote: present while WhatsApp's 24-hour customer-service window is open."""
    return f"{PREFIX}:wa:window:{wa_id}"


def whatsapp_status_key(wamid: str) -> str:
    """Hash: the latest delivery status Meta reported for a message we sent (and its error code)."""
    return f"{PREFIX}:wa:status:{wamid}"


def whatsapp_read_key(wamid: str) -> str:
    """Marker that a user's message got its read receipt and typing indicator (sent once)."""
    return f"{PREFIX}:wa:read:{wamid}"


def deferred_deliveries_key(chat_key: str) -> str:
    """Set of renders that could not be delivered while the chat was closed; sent when the user writes."""
    return f"{PREFIX}:deferred:{chat_key}"


def whatsapp_unread_key(wa_id: int) -> str:
    """The wamid of the user's latest message still without its read receipt: the next message sent to the
    user sends the receipt first (TTL `WHATSAPP_WINDOW_S`)."""
    return f"{PREFIX}:wa:unread:{wa_id}"
