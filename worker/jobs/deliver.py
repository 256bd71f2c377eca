"""Delivery job: a finished render → the chat, exactly once.

The delivery marker moves `sending` → `sent`. A retry that finds `sent` does nothing. A retry that finds
`sending` means an earlier run died in the middle of the upload, when Telegram may or may not have the video:
rather than risk a second copy, it sends the download link instead.
"""

from __future__ import annotations

import logging
import shutil

from bot import keyboards, keys
from bot.outbox import ChatUnavailableError, SendError
from worker.chat import Chat
from worker.context import Context, current
from worker.media import describe_video, make_thumbnail
from worker.nemo import NemoError

log = logging.getLogger(__name__)
MB = 1024 * 1024


def deliver_video(render_id: str) -> None:
    """Download the render and send it as an inline-playing video, or its link when too large."""
    ctx = current()
    render = {k.decode(): v.decode() for k, v in ctx.redis.hgetall(keys.render_key(render_id)).items()}
    request = ctx.requests.load(render.get("request_id", ""))
    if request is None or "url" not in render:
        return
    chat = Chat(ctx, request)
    marker = keys.delivered_key(render_id)
    if not ctx.redis.set(marker, "sending", nx=True, ex=keys.DELIVERED_TTL_S):
        if ctx.redis.get(marker) == b"sending":
            log.warning("render %s: an earlier delivery died mid-send; sending the link", render_id)
            _send_link(chat, render["url"], None)
            ctx.redis.set(marker, "sent", ex=keys.DELIVERED_TTL_S)
        return
    try:
        _deliver(ctx, chat, render_id, render["url"])
    except ChatUnavailableError as exc:
        # Blocked or removed: retrying would only hammer Telegram. The render stays downloadable.
        log.warning("render %s not delivered, chat unavailable: %s", render_id, exc)
        ctx.redis.set(marker, "unavailable", ex=keys.DELIVERED_TTL_S)
        ctx.redis.srem(keys.active_renders_key(), render_id)
        return
    except (NemoError, SendError, OSError):
        ctx.redis.delete(marker)  # nothing reached the chat: a retry may send it
        raise
    ctx.redis.set(marker, "sent", ex=keys.DELIVERED_TTL_S)
    ctx.redis.srem(keys.active_renders_key(), render_id)
    chat.progress(chat.t("progress.sent"))


def _deliver(ctx: Context, chat: Chat, render_id: str, url: str) -> None:
    workdir = ctx.settings.work_dir / "renders" / render_id
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        path = workdir / "video.mp4"
        try:
            size = ctx.nemo.download(url, path)
        except NemoError:
            token = ctx.sessions.load(chat.request.chat.key).token
            secret = token.get_secret_value() if token else ""
            size = ctx.nemo.download_render(secret, render_id, path)
        if size > chat.outbox.upload_limit():
            _send_link(chat, url, size)
            return
        chat.outbox.send_action(chat.request.chat, "upload_video")
        video = describe_video(path, make_thumbnail(path, workdir / "thumb.jpg"))
        keyboard = keyboards.after_delivery(chat.lang)
        chat.outbox.send_video(chat.request.chat, video, chat.t("delivery.caption"), keyboard)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _send_link(chat: Chat, url: str, size: int | None) -> None:
    size_mb = round(size / MB) if size else "?"
    chat.say(chat.t("export.link", size_mb=size_mb), keyboards.link(chat.lang, "button.download", url))
