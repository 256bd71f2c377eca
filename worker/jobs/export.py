"""Export jobs: submit a render once, then follow it with short poll jobs (never a sleep in a worker).

Every render being followed is in Redis (`render:<id>` and the active set), and its next poll is a scheduled
RQ job, so a worker that dies while following a render orphans nothing: a scheduled poll is run by any other
worker's scheduler, and a poll killed mid-run is retried when RQ finds it abandoned.
"""

from __future__ import annotations

import logging
from typing import Any

from bot import keyboards, keys
from bot.models import Request
from worker import enqueue
from worker.backend import Backend, SessionResetError
from worker.chat import Chat, report
from worker.context import Context, current
from worker.nemo import (
    AuthExpiredError,
    NemoError,
    OutOfCreditsError,
    PlanRequiredError,
    RateLimitedError,
    RenderStatus,
    SessionNotFoundError,
    new_render_id,
)
from worker.timeline import is_exportable

log = logging.getLogger(__name__)
# Refusals about the account, the plan or the session: submitting again under a new id would not help.
_NOT_ABOUT_THE_ID = (
    AuthExpiredError,
    OutOfCreditsError,
    PlanRequiredError,
    RateLimitedError,
    SessionNotFoundError,
)


def submit_export(payload: dict[str, Any]) -> None:
    """Read the draft and submit it for rendering, once per request (a retried job re-uses the render)."""
    ctx = current()
    request = Request.model_validate(payload)
    chat = Chat(ctx, request)
    if not chat.may_spend():
        return
    existing = ctx.redis.get(keys.export_key(request.request_id))
    if existing is not None:
        enqueue.schedule_render_poll(ctx.redis, ctx.settings, existing.decode(), 1)
        return
    backend = Backend(ctx, request.chat.key)
    if not backend.session.session_id:
        chat.progress(chat.t("export.nothing"))
        return
    try:
        render_id = backend.call(lambda token, sid: _submit(ctx, request, token, sid))
    except RateLimitedError as exc:
        if request.attempt == 0:
            enqueue.schedule_rate_limited_retry(ctx.redis, ctx.settings, request, exc.retry_after)
        else:
            report(ctx, request, exc)
        return
    except (NemoError, SessionResetError) as exc:
        report(ctx, request, exc)
        return
    if render_id is None:
        chat.progress(chat.t("export.nothing"))
        return
    chat.progress(chat.t("progress.rendering", percent=0), keyboards.cancel(chat.lang, request.request_id))
    enqueue.schedule_render_poll(ctx.redis, ctx.settings, render_id, 1)


def _submit(ctx: Context, request: Request, token: str, session_id: str) -> str | None:
    draft = ctx.nemo.state(token, session_id).draft
    if not is_exportable(draft) or draft is None:
        return None
    render_id = new_render_id()
    _track(ctx, request, render_id)
    try:
        ctx.nemo.submit_render(token, session_id, draft, render_id)
    except _NOT_ABOUT_THE_ID:
        _untrack(ctx, request, render_id)
        raise
    except NemoError:
        # Render ids must be unique: on any submit failure, retry once with a new id (profile §2).
        _untrack(ctx, request, render_id)
        render_id = new_render_id()
        _track(ctx, request, render_id)
        ctx.nemo.submit_render(token, session_id, draft, render_id)
    ctx.redis.set(keys.export_key(request.request_id), render_id, ex=keys.RENDER_TTL_S)
    return render_id


def _track(ctx: Context, request: Request, render_id: str) -> None:
    ctx.redis.hset(
        keys.render_key(render_id), mapping={"request_id": request.request_id, "status": "pending"}
    )
    ctx.redis.expire(keys.render_key(render_id), keys.RENDER_TTL_S)
    ctx.redis.sadd(keys.active_renders_key(), render_id)


def _untrack(ctx: Context, request: Request, render_id: str) -> None:
    ctx.redis.delete(keys.render_key(render_id))
    ctx.redis.srem(keys.active_renders_key(), render_id)


def poll_render(render_id: str, attempt: int) -> None:
    """Check a render once: report progress, hand a finished one to delivery, or schedule the next poll."""
    ctx = current()
    request_id = ctx.redis.hget(keys.render_key(render_id), "request_id")
    request = ctx.requests.load(request_id.decode()) if request_id else None
    if request is None or not ctx.redis.sismember(keys.active_renders_key(), render_id):
        return
    chat = Chat(ctx, request)
    backend = Backend(ctx, request.chat.key)
    try:
        status: RenderStatus = backend.call_with_token(lambda token: ctx.nemo.render_status(token, render_id))
    except NemoError as exc:
        log.info("render %s poll %d failed: %s", render_id, attempt, type(exc).__name__)
        _next_or_give_up(ctx, chat, render_id, attempt)
        return
    ctx.redis.hset(keys.render_key(render_id), mapping={"status": status.status, "progress": status.progress})
    if status.is_done and status.url:
        ctx.redis.hset(keys.render_key(render_id), "url", status.url)
        enqueue.enqueue_delivery(ctx.redis, ctx.settings, render_id)
        return
    if status.is_failed:
        ctx.redis.srem(keys.active_renders_key(), render_id)
        chat.progress(chat.t("export.failed"), chat.offer_retry())
        return
    chat.progress(
        chat.t("progress.rendering", percent=status.progress),
        keyboards.cancel(chat.lang, request.request_id),
        passing=True,
    )
    _next_or_give_up(ctx, chat, render_id, attempt)


def _next_or_give_up(ctx: Context, chat: Chat, render_id: str, attempt: int) -> None:
    if attempt < ctx.settings.render_poll_max_attempts:
        enqueue.schedule_render_poll(ctx.redis, ctx.settings, render_id, attempt + 1)
        return
    ctx.redis.srem(keys.active_renders_key(), render_id)
    chat.progress(chat.t("export.timeout"), chat.offer_retry())
