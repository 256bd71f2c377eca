"""Export jobs: submit a render once, then follow it with short poll jobs (never a sleep in a worker).

Every render being followed is in Redis (`render:<id>` and the active set), and its next poll is a scheduled
RQ job, so a worker that dies while following a render orphans nothing: a scheduled poll is run by any other
worker's scheduler, and a poll killed mid-run is retried when RQ finds it abandoned.

A render is followed for as long as it makes progress, not for a number of polls: a busy backend's queue can
hold a render for many minutes, and a long clip renders for longer. Only a render whose status and progress
stopped changing is given up on (`verdict`). The user then gets Retry, which follows the *same* render again
(never a second one), and the render is still checked now and then (the slow set), so one that finishes after
all is delivered. Each render has one poll chain: a poll whose number is not the render's current `poll` is
a leftover of an earlier chain and ends there.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Literal

from bot import keyboards, keys
from bot.models import Request
from bot.settings import Settings
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
from worker.timeline import duration_s, is_exportable

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
        _schedule(ctx, existing.decode(), _current_poll(ctx, existing.decode()))
        return
    if request.retry_of is not None and _follow_again(ctx, chat, request):
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
    _schedule(ctx, render_id, 1)


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
    ctx.redis.hset(keys.render_key(render_id), "clip_s", duration_s(draft))
    return render_id


def _track(ctx: Context, request: Request, render_id: str) -> None:
    now = time.time()
    ctx.redis.hset(
        keys.render_key(render_id),
        mapping={
            "request_id": request.request_id,
            "status": "pending",
            "progress": 0,
            "submitted_at": now,
            "changed_at": now,
        },
    )
    ctx.redis.expire(keys.render_key(render_id), keys.RENDER_TTL_S)
    ctx.redis.sadd(keys.active_renders_key(), render_id)


def _untrack(ctx: Context, request: Request, render_id: str) -> None:
    ctx.redis.delete(keys.render_key(render_id))
    ctx.redis.srem(keys.active_renders_key(), render_id)


def _follow_again(ctx: Context, chat: Chat, request: Request) -> bool:
    """Retry of an export given up on as slow: follow the same render again rather than submit another."""
    previous = ctx.redis.get(keys.export_key(request.retry_of or ""))
    if previous is None:
        return False
    render_id = previous.decode()
    if not ctx.redis.srem(keys.slow_renders_key(), render_id):
        return False  # it failed, was delivered or was cancelled: a new render it is
    ctx.redis.hset(
        keys.render_key(render_id), mapping={"request_id": request.request_id, "changed_at": time.time()}
    )
    ctx.redis.set(keys.export_key(request.request_id), render_id, ex=keys.RENDER_TTL_S)
    ctx.redis.sadd(keys.active_renders_key(), render_id)
    progress = int(float(_field(ctx, render_id, "progress") or 0))
    chat.progress(
        chat.t("progress.rendering", percent=progress), keyboards.cancel(chat.lang, request.request_id)
    )
    _schedule(ctx, render_id, _current_poll(ctx, render_id) + 1, delay_s=0.0)
    return True


Verdict = Literal["follow", "slow", "abandon"]


@dataclass(frozen=True)
class Watch:
    """What is known of a render's course: when it was submitted, when its status or progress last changed."""

    submitted_at: float
    changed_at: float
    progressed: bool
    clip_s: float


def verdict(watch: Watch, now: float, settings: Settings) -> Verdict:
    """Keep following, tell the user it is slow (and keep checking now and then), or stop for good.

    Stalled means no change for `RENDER_STALL_TIMEOUT_S`; while the backend has reported no progress at all
    (a queue, or a backend that never reports any) the wait scales with the clip's length instead.
    """
    if now - watch.submitted_at > settings.render_max_wait_s:
        return "abandon"
    patience = settings.render_stall_timeout_s
    if not watch.progressed:
        patience = max(patience, settings.render_wait_per_clip_s * watch.clip_s)
    return "slow" if now - watch.changed_at > patience else "follow"


def poll_render(render_id: str, attempt: int) -> None:
    """Check a render once: report progress, hand a finished one to delivery, or schedule the next poll."""
    ctx = current()
    render = _fields(ctx, render_id)
    request = ctx.requests.load(render["request_id"]) if "request_id" in render else None
    if request is None or int(render.get("poll", attempt)) != attempt:
        return
    following = bool(ctx.redis.sismember(keys.active_renders_key(), render_id))
    if not following and not ctx.redis.sismember(keys.slow_renders_key(), render_id):
        return  # cancelled, delivered or abandoned
    chat = Chat(ctx, request)
    backend = Backend(ctx, request.chat.key)
    try:
        status: RenderStatus = backend.call_with_token(lambda token: ctx.nemo.render_status(token, render_id))
    except NemoError as exc:
        log.info("render %s poll %d failed: %s", render_id, attempt, type(exc).__name__)
        _next(ctx, chat, render_id, attempt, following, changed=False)
        return
    changed = (status.status, str(status.progress)) != (render.get("status"), render.get("progress"))
    ctx.redis.hset(keys.render_key(render_id), mapping={"status": status.status, "progress": status.progress})
    if status.is_done and status.url:
        ctx.redis.hset(keys.render_key(render_id), "url", status.url)
        ctx.redis.srem(keys.slow_renders_key(), render_id)
        enqueue.enqueue_delivery(ctx.redis, ctx.settings, render_id)
        return
    if status.is_failed:
        ctx.redis.srem(keys.active_renders_key(), render_id)
        ctx.redis.srem(keys.slow_renders_key(), render_id)
        chat.progress(chat.t("export.failed"), chat.offer_retry())
        return
    if following:
        chat.progress(
            chat.t("progress.rendering", percent=status.progress),
            keyboards.cancel(chat.lang, request.request_id),
            passing=True,
        )
    _next(ctx, chat, render_id, attempt, following, changed=changed)


def _next(ctx: Context, chat: Chat, render_id: str, attempt: int, following: bool, changed: bool) -> None:
    """Schedule the next poll, or tell the user the render is slow, or stop following it."""
    now = time.time()
    if changed:
        ctx.redis.hset(keys.render_key(render_id), "changed_at", now)
    render = _fields(ctx, render_id)
    watch = Watch(
        submitted_at=float(render.get("submitted_at", now)),
        changed_at=now if changed else float(render.get("changed_at", now)),
        progressed=float(render.get("progress") or 0) > 0,
        clip_s=float(render.get("clip_s") or 0),
    )
    decision = verdict(watch, now, ctx.settings)
    if decision == "abandon":
        log.warning("render %s: no result after RENDER_MAX_WAIT_S; no longer followed", render_id)
        ctx.redis.srem(keys.active_renders_key(), render_id)
        ctx.redis.srem(keys.slow_renders_key(), render_id)
        if following:
            chat.progress(chat.t("export.failed"), chat.offer_retry())
        return
    if decision == "slow" and following:
        log.info("render %s: no change for a while; the user may check again", render_id)
        ctx.redis.sadd(keys.slow_renders_key(), render_id)
        ctx.redis.srem(keys.active_renders_key(), render_id)
        chat.progress(chat.t("export.timeout"), chat.offer_retry())
        following = False
    delay = None if following else ctx.settings.render_late_poll_interval_s
    _schedule(ctx, render_id, attempt + 1, delay_s=delay)


def _schedule(ctx: Context, render_id: str, attempt: int, delay_s: float | None = None) -> None:
    ctx.redis.hset(keys.render_key(render_id), "poll", attempt)
    enqueue.schedule_render_poll(ctx.redis, ctx.settings, render_id, attempt, delay_s=delay_s)


def _current_poll(ctx: Context, render_id: str) -> int:
    return int(_field(ctx, render_id, "poll") or 1)


def _field(ctx: Context, render_id: str, name: str) -> str | None:
    value = ctx.redis.hget(keys.render_key(render_id), name)
    return value.decode() if value is not None else None


def _fields(ctx: Context, render_id: str) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in ctx.redis.hgetall(keys.render_key(render_id)).items()}
