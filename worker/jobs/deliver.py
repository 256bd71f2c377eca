"""Delivery job: a finished render → the chat, exactly once, and the chat freed whatever happens.

The delivery marker moves `preparing` (downloading the render) → `sending` (the video is on its way to
Telegram) → an end state: `sent`, `link` (too large, the link was sent), `uncertain` or `unavailable`.

- A retry that finds `preparing` takes over: nothing had gone to the chat yet.
- A retry that finds `sending` means an earlier run died during the upload, when Telegram may or may not
  have the video; an upload whose answer never came (a timeout, a reset) is the same case. Either way the
  video is never sent again: the progress message says so and carries the download link.
- A definite refusal clears the marker, so the job's retry may send the video.

Every end state closes the progress message and takes the render out of the active set, so the chat's
next request is not queued behind a delivery that is over.

The form follows the channel's capabilities: a render that plays inline is sent as a video; one over the
video limit is re-encoded to fit when the channel wants that (WhatsApp's 16 MB), else sent as a document
up to the channel's document limit, else as the link — and the caption says which and why. A chat whose
messaging window is closed (WhatsApp, 24 h) — checked before the render is downloaded or re-encoded — gets
the channel's "ready" notice with the link, or the video waits in the chat's deferred set and is delivered
right after the user's next message (a refusal: nothing reached the chat).
"""

from __future__ import annotations

import logging
import shutil

from bot import keyboards, keys
from bot.outbox import (
    AmbiguousSendError,
    ChatUnavailableError,
    MediaRejectedError,
    ReadyNotices,
    SendError,
    WindowClosedError,
)
from worker.chat import Chat
from worker.context import Context, current
from worker.fit import fit_video
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
    if not ctx.redis.set(marker, "preparing", nx=True, ex=keys.DELIVERED_TTL_S):
        state = ctx.redis.get(marker)
        if state == b"sending":
            log.warning("render %s: an earlier delivery died mid-send; not sending it again", render_id)
            _end_uncertain(ctx, chat, render_id, render["url"])
            return
        if state != b"preparing":
            _free(ctx, render_id)  # delivered already; a run that died after its end state frees the chat
            return
    if isinstance(chat.outbox, ReadyNotices) and not chat.outbox.window_open(chat.request.chat):
        # Before the download and any re-encode: a closed window takes no video, so that work is wasted.
        _wait_for_window(ctx, chat, render_id, render["url"])
        return
    try:
        _deliver(ctx, chat, render_id, render["url"])
    except WindowClosedError:  # it closed during the work (or Meta says so: 131047)
        _wait_for_window(ctx, chat, render_id, render["url"])
    except MediaRejectedError as exc:
        log.warning("render %s refused by the channel (%s): sending the link", render_id, exc)
        _send_link(ctx, chat, render_id, render["url"], None)
    except ChatUnavailableError as exc:
        # Blocked or removed: retrying would only hammer Telegram. The render stays downloadable.
        log.warning("render %s not delivered, chat unavailable: %s", render_id, exc)
        _end(ctx, render_id, "unavailable")
    except AmbiguousSendError as exc:
        log.warning(
            "render %s: Telegram did not answer the upload (%s); not sending it again", render_id, exc
        )
        _end_uncertain(ctx, chat, render_id, render["url"])
    except (NemoError, SendError, OSError):
        ctx.redis.delete(marker)  # nothing reached the chat: a retry may send it
        raise


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
        caption_key, channel = "delivery.caption", chat.channel
        if size > channel.video_limit_bytes and channel.reencode_to_fit:
            duration = describe_video(path, None).duration_s
            fitted = fit_video(
                path, workdir / "fitted.mp4", duration, channel.video_limit_bytes, channel.min_video_kbps
            )
            if fitted is not None:
                path, size, caption_key = fitted, fitted.stat().st_size, "delivery.caption_reencoded"
        if size > channel.document_limit_bytes:
            _send_link(ctx, chat, render_id, url, size)
            return
        if size > channel.video_limit_bytes:
            caption_key = "delivery.caption_document"
        chat.outbox.send_action(chat.request.chat, "upload_video")
        video = describe_video(path, make_thumbnail(path, workdir / "thumb.jpg"))
        keyboard = keyboards.after_delivery(chat.lang)
        caption = chat.t(caption_key, limit_mb=channel.video_limit_bytes // MB, size_mb=round(size / MB))
        ctx.redis.set(keys.delivered_key(render_id), "sending", ex=keys.DELIVERED_TTL_S)
        chat.outbox.send_video(chat.request.chat, video, caption, keyboard)
        _end(ctx, render_id, "sent")
        chat.progress(chat.t("progress.sent"))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _send_link(ctx: Context, chat: Chat, render_id: str, url: str, size: int | None) -> None:
    """Too large for the channel, or refused by it: the download link instead."""
    size_mb = max(1, round(size / MB)) if size else "?"
    chat.say(chat.t("export.link", size_mb=size_mb), keyboards.link(chat.lang, "button.download", url))
    _end(ctx, render_id, "link")
    chat.progress(chat.t("progress.done"))


def _wait_for_window(ctx: Context, chat: Chat, render_id: str, url: str) -> None:
    """The chat takes no free-form message now: the channel's notice with the link, or wait for the user."""
    outbox = chat.outbox
    try:
        if isinstance(outbox, ReadyNotices) and outbox.send_ready_notice(chat.request.chat, url):
            log.info("render %s: window closed, ready notice sent", render_id)
            _end(ctx, render_id, "sent")
            return
    except SendError as exc:
        log.warning("render %s: ready notice not sent: %s", render_id, exc)
    log.info("render %s: window closed, waiting for the user to write", render_id)
    deferred = keys.deferred_deliveries_key(chat.request.chat.key)
    ctx.redis.sadd(deferred, render_id)
    ctx.redis.expire(deferred, keys.RENDER_TTL_S)
    ctx.redis.delete(keys.delivered_key(render_id))  # refused: nothing reached the chat, a later run may send
    _free(ctx, render_id)


def _end_uncertain(ctx: Context, chat: Chat, render_id: str, url: str) -> None:
    """The video may be in the chat: say so in the progress message, with the link in case it is not."""
    _end(ctx, render_id, "uncertain")
    chat.progress(chat.t("delivery.uncertain"), keyboards.link(chat.lang, "button.download", url))


def _end(ctx: Context, render_id: str, state: str) -> None:
    ctx.redis.set(keys.delivered_key(render_id), state, ex=keys.DELIVERED_TTL_S)
    _free(ctx, render_id)


def _free(ctx: Context, render_id: str) -> None:
    ctx.redis.srem(keys.active_renders_key(), render_id)
