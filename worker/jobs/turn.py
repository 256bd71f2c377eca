"""Edit-turn jobs: one `/run_sse` stream per request, and the recovery of a turn whose stream dropped.

A message is sent to the backend at most once: re-sending while a turn runs duplicates the work and
charges twice (profile §3). So an edit job is never retried; a dropped stream or a dead worker is followed
by reading the backend's state on a schedule, and the user is told what changed, or offered a retry.

The request records how far a turn got: `turn_sent_<attempt>` (claimed), `state_before` (the draft before
it), `turn_streamed` (the time `/run_sse` was called). A turn whose worker died before `turn_streamed` never
reached the backend: the user is told so, with Retry, and no diff against nothing is reported. One that
did is followed for as long as it can still land (`STREAM_MAX_S` after it started), saying "still working".
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from redis import Redis
from rq.job import Job

from bot import keyboards
from bot.models import Request
from bot.outbox import Keyboard, SendError
from worker import enqueue
from worker.backend import Backend, SessionResetError
from worker.chat import Chat, report
from worker.context import Context, current
from worker.guitext import strip_trailing_glitch, translate_gui_text
from worker.jobs.documents import SRT_TOOL, srt_name
from worker.nemo import (
    ErrorEvent,
    HeartbeatEvent,
    NemoError,
    RateLimitedError,
    TextEvent,
    ToolResultEvent,
    TransportError,
    claim_url,
)
from worker.timeline import diff, is_exportable

log = logging.getLogger(__name__)


class TurnTimeoutError(Exception):
    """Only heartbeats for longer than `HEARTBEAT_TIMEOUT_S`, or a turn past the hard limit."""


def run_edit_turn(payload: dict[str, Any]) -> None:
    """Send the user's instruction once and relay the turn to the chat."""
    ctx = current()
    request = Request.model_validate(payload)
    if not Chat(ctx, request).may_spend():
        return
    if not ctx.requests.claim(request.request_id, f"turn_sent_{request.attempt}"):
        log.warning("turn %s was already sent: not sending it again", request.request_id)
        return
    backend = Backend(ctx, request.chat.key)
    if not backend.session.media_count and not backend.session.session_id:
        chat = Chat(ctx, request)
        chat.progress(chat.t("turn.need_video"))  # in place of "working on it", and its Cancel button
        return
    try:
        backend.call(lambda token, sid: _turn(ctx, request, token, sid))
    except RateLimitedError as exc:
        if request.attempt == 0:
            enqueue.schedule_rate_limited_retry(ctx.redis, ctx.settings, request, exc.retry_after)
        else:
            report(ctx, request, exc)
    except TurnTimeoutError:
        chat = Chat(ctx, request)
        # In place of "still working": the message the user watches turns into the failure and its Retry.
        chat.progress(chat.t("turn.timeout"), chat.offer_retry())
    except (NemoError, SessionResetError, SendError) as exc:
        report(ctx, request, exc)


def _turn(ctx: Context, request: Request, token: str, session_id: str) -> None:
    chat = Chat(ctx, request)
    before = ctx.nemo.state(token, session_id).draft
    ctx.requests.set(request.request_id, "state_before", json.dumps(before))
    chat.outbox.send_action(request.chat, "typing")
    ctx.requests.set(request.request_id, "turn_streamed", time.time())
    try:
        texts, errors, files = _relay_stream(ctx, chat, token, session_id)
    except TransportError:
        # The stream dropped: the edit may still land. Never re-send; read the state on a schedule.
        log.info("stream dropped for %s: recovering from state", request.request_id)
        enqueue.schedule_turn_recovery(ctx.redis, ctx.settings, request.request_id, 1)
        return
    keyboard = keyboards.after_turn_with_web(chat.lang, _web_link(ctx, request, token))
    if texts:
        _send_texts(chat, texts, keyboard)
        _send_files(ctx, request, files)
        chat.progress(chat.t("progress.done"))
        return
    after = ctx.nemo.state(token, session_id).draft
    if errors and after == before:
        chat.progress(chat.t("turn.failed"), chat.offer_retry())
        return
    _report_changes(chat, before, after, keyboard)
    _send_files(ctx, request, files)


def _send_files(ctx: Context, request: Request, files: list[str]) -> None:
    """After the texts (they say what the file is): each file in its own job, so it is never sent twice."""
    for number, url in enumerate(files, 1):
        enqueue.enqueue_document(ctx.redis, ctx.settings, request.request_id, url, srt_name(number))


def _relay_stream(
    ctx: Context, chat: Chat, token: str, session_id: str
) -> tuple[list[str], list[str], list[str]]:
    """Read the turn's events; show "still working" while only heartbeats come. Returns texts, errors and
    the URLs of the files the turn made for the user (a subtitles file)."""
    settings = ctx.settings
    texts: list[str] = []
    errors: list[str] = []
    files: list[str] = []
    partial = ""
    started = last_activity = last_notice = time.monotonic()
    with ctx.nemo.stream_turn(token, session_id, chat.request.text) as events:
        for event in events:
            now = time.monotonic()
            if now - started > settings.stream_max_s:
                raise TurnTimeoutError
            if isinstance(event, HeartbeatEvent):
                if now - last_activity > settings.heartbeat_timeout_s:
                    raise TurnTimeoutError
                if now - last_notice >= settings.still_working_interval_s:
                    minutes = max(1, round((now - started) / 60))
                    chat.progress(
                        chat.t("turn.still_working", minutes=minutes),
                        keyboards.cancel(chat.lang, chat.request.request_id),
                        passing=True,
                    )
                    chat.outbox.send_action(chat.request.chat, "typing")
                    last_notice = now
                continue
            last_activity = now
            if isinstance(event, TextEvent):
                if event.partial:
                    partial += event.text
                else:
                    texts.append(event.text)
                    partial = ""
            elif isinstance(event, ErrorEvent):
                errors.append(event.message)
            elif isinstance(event, ToolResultEvent) and event.name == SRT_TOOL:
                url = event.result.get("url") if isinstance(event.result, dict) else None
                if isinstance(url, str) and url.startswith(("http://", "https://")):
                    files.append(url)
    if partial.strip():
        texts.append(partial)
    return strip_trailing_glitch([t for t in texts if t.strip()]), errors, list(dict.fromkeys(files))


def _send_texts(chat: Chat, texts: list[str], keyboard: Keyboard) -> None:
    """Each text, GUI talk translated; the turn's buttons under the last one."""
    for index, text in enumerate(texts):
        shown = translate_gui_text(text, chat.lang)
        last = index == len(texts) - 1
        chat.say(shown.text, keyboard if last else ())


def _report_changes(chat: Chat, before: Any, after: Any, keyboard: Keyboard) -> None:
    """Tell what a turn without text changed (a new message, so it notifies), then close its progress."""
    changes = diff(before, after)
    if changes:
        lines = "\n".join(f"• {chat.change_line(c)}" for c in changes)
        chat.say(chat.t("turn.changed", changes=lines), keyboard if is_exportable(after) else ())
    else:
        chat.say(chat.t("turn.no_change"))
    chat.progress(chat.t("progress.done"))


def _web_link(ctx: Context, request: Request, token: str) -> str | None:
    """A link that opens the session in the backend's web editor (claim token), if it can be had."""
    session = ctx.sessions.load(request.chat.key)
    if not session.task_id or not session.session_id:
        return None
    try:
        return claim_url(
            ctx.settings.nemo_web_url, ctx.nemo.claim_token(token, session.task_id, session.session_id)
        )
    except NemoError:
        return None


def recover_turn(request_id: str, read: int) -> None:
    """One scheduled state read after a dropped turn: report the change, wait more, or give up."""
    ctx = current()
    request = ctx.requests.load(request_id)
    if request is None:
        return
    chat = Chat(ctx, request)
    if _never_reached_backend(ctx, request):
        chat.progress(chat.t("turn.not_sent"), chat.offer_retry(request_id))
        return
    before = json.loads(ctx.requests.get(request_id, "state_before") or "null")
    backend = Backend(ctx, request.chat.key)
    try:
        after = backend.call(lambda token, sid: ctx.nemo.state(token, sid).draft)
    except (NemoError, SessionResetError) as exc:
        report(ctx, request, exc)
        return
    started = float(ctx.requests.get(request_id, "turn_streamed") or 0)
    if after != before:
        _report_changes(chat, before, after, keyboards.after_turn(chat.lang))
    elif read < ctx.settings.recovery_max_reads or time.time() < started + ctx.settings.stream_max_s:
        # The turn may still land: the backend runs a stream for up to STREAM_MAX_S, killed worker or not.
        minutes = max(1, round((time.time() - started) / 60))
        chat.progress(
            chat.t("turn.still_working", minutes=minutes),
            keyboards.cancel(chat.lang, request_id),
            passing=True,
        )
        enqueue.schedule_turn_recovery(ctx.redis, ctx.settings, request_id, read + 1)
    else:
        chat.progress(chat.t("turn.lost"), chat.offer_retry(request_id))


def _never_reached_backend(ctx: Context, request: Request) -> bool:
    """Claimed but stopped before `/run_sse` was called (the worker died reading the state before)."""
    return ctx.requests.get(request.request_id, "turn_streamed") is None


def on_turn_failed(job: Job, connection: Redis, *exc_info: Any) -> None:
    """RQ failure callback: a turn whose worker died or crashed is recovered, not re-sent."""
    ctx = current()
    request = Request.model_validate(job.args[0])
    if ctx.requests.get(request.request_id, f"turn_sent_{request.attempt}") is None:
        report(ctx, request, exc_info[1] if len(exc_info) > 1 else RuntimeError("turn failed"))
    elif _never_reached_backend(ctx, request):
        chat = Chat(ctx, request)
        chat.progress(chat.t("turn.not_sent"), chat.offer_retry(request.request_id))
    else:
        enqueue.schedule_turn_recovery(ctx.redis, ctx.settings, request.request_id, 1)
