"""Talking to the user from a job: the request's progress message, new messages, and failures.

Each request has one progress message (the bot's acknowledgement), edited in place through the stages, and
edited only when its text changes. A failure becomes the last stage of that message, in the user's language,
so no "working on it…" with a Cancel button is left behind; the exception text itself never reaches the user
(it may quote backend internals).
"""

from __future__ import annotations

import logging
import time

from bot import keyboards
from bot.channels import capabilities
from bot.i18n import translate
from bot.models import Request
from bot.outbox import ChatUnavailableError, FileTooBigError, Keyboard, Outbox, SendError
from bot.permissions import may_spend
from worker.backend import SessionResetError
from worker.context import Context
from worker.nemo import (
    FileTooLargeError,
    OutOfCreditsError,
    PlanRequiredError,
    RateLimitedError,
    UnsupportedFileError,
    registration_url,
)
from worker.timeline import Change, TrackSummary, seconds_text

log = logging.getLogger(__name__)


class Chat:
    """The user's chat, as seen by one request's jobs."""

    def __init__(self, ctx: Context, request: Request) -> None:
        self.ctx = ctx
        self.request = request
        # The language the request was acknowledged in, not the session's now: a user who switches style
        # while a job runs must not get a progress message half in one language and half in another.
        self.lang = request.lang
        self.outbox: Outbox = ctx.outbox(request.chat.channel)
        self.channel = capabilities(request.chat.channel, ctx.settings)

    def t(self, key: str, **variables: str | int | float) -> str:
        """A message in the user's language."""
        return translate(self.lang, key, **variables)

    def say(self, text: str, keyboard: Keyboard = ()) -> int | None:
        """Send a new message; a chat that blocked the bot is logged, not retried."""
        try:
            return self.outbox.send_text(self.request.chat, text, keyboard)
        except ChatUnavailableError as exc:
            log.warning("chat %s unavailable: %s", self.request.chat.key, exc)
            return None

    def progress(self, text: str, keyboard: Keyboard = (), *, passing: bool = False) -> None:
        """Show `text` in the request's progress message (edited in place; sent if there is none).

        A `passing` stage (render percent, "still working") is skipped when the message was edited less
        than the channel's progress interval ago (`PROGRESS_EDIT_INTERVAL_S` on Telegram): a progress bar is
        not worth a flood-control ban, and on WhatsApp, which cannot edit, each stage is a new message.
        """
        if self.request.chat.is_group:
            # Every stage keeps saying whose request it is, as the group's acknowledgement did.
            text = self.t("group.by", name=self.request.user_name, text=text)
        requests, rid = self.ctx.requests, self.request.request_id
        if requests.get(rid, "progress_text") == text:
            return
        last_edit = float(requests.get(rid, "progress_at") or 0)
        if passing and time.time() - last_edit < self.channel.progress_interval_s:
            return
        message_id = self._progress_message_id()
        try:
            if message_id is None:
                new_id = self.outbox.send_text(self.request.chat, text, keyboard)
            else:
                new_id = self.outbox.edit_text(self.request.chat, int(message_id), text, keyboard)
        except ChatUnavailableError as exc:
            log.warning("chat %s unavailable: %s", self.request.chat.key, exc)
            return
        requests.set(rid, "progress_id", new_id)
        requests.set(rid, "progress_text", text)
        requests.set(rid, "progress_at", time.time())

    def _progress_message_id(self) -> str | None:
        """The acknowledgement's id; waits briefly while the bot is still sending it."""
        requests, rid = self.ctx.requests, self.request.request_id
        deadline = time.monotonic() + self.ctx.settings.ack_wait_s
        while requests.get(rid, "ack") == "pending" and time.monotonic() < deadline:
            time.sleep(0.05)
        return requests.get(rid, "progress_id")

    def fail(self, exc: BaseException) -> None:
        """Tell the user what went wrong and what to do, for every error the profile names."""
        log.info("request %s failed: %s", self.request.request_id, type(exc).__name__)
        if isinstance(exc, OutOfCreditsError):
            self._out_of_credits()
        elif isinstance(exc, PlanRequiredError):
            self.progress(
                self.t("plan.required"), keyboards.link(self.lang, "button.register", self._register_url())
            )
        elif isinstance(exc, SessionResetError):
            self.progress(self.t("session.reset"))
        elif isinstance(exc, UnsupportedFileError):
            self.progress(self.t("upload.unsupported"))
        elif isinstance(exc, FileTooLargeError):
            self.progress(self.t("upload.backend_too_large"))
        elif isinstance(exc, FileTooBigError):
            limit_mb = self.channel.download_limit_bytes // (1024 * 1024)
            size = max((m.file_size or 0 for m in self.request.media), default=0) // (1024 * 1024)
            self.progress(self.t(self.channel.too_big_key, size_mb=size, limit_mb=limit_mb))
        elif isinstance(exc, RateLimitedError):
            self.progress(self.t("rate.limited"))
        else:
            self.progress(self.t("error.generic"), self.offer_retry())

    def may_spend(self) -> bool:
        """Whether the request may still spend the chat's credits (the sender may have been demoted while
        it waited in the queue); if not, the user is told why, in place of the progress message."""
        if may_spend(self.ctx.redis, self.request):
            return True
        self.progress(self.t("group.spend_admins_only"))
        return False

    def offer_retry(self, request_id: str | None = None) -> Keyboard:
        """The Retry button for a failed request, recording that it failed: the bot accepts Retry only for a
        request marked so (a forged button naming a request that succeeded does nothing)."""
        rid = request_id or self.request.request_id
        self.ctx.requests.mark_failed(rid)
        return keyboards.retry(self.lang, rid)

    def describe(self, track: TrackSummary) -> dict[str, str]:
        """A track's kind, label and span as message variables."""
        label = f' "{track.label}"' if track.label else ""
        if track.volume is not None:
            label = f"{label}, {round(float(track.volume) * 100)}%"
        return {"kind": self.t(f"kind.{track.kind}"), "label": label, "span": track.span}

    def change_line(self, change: Change) -> str:
        """One line of "what changed"."""
        if change.what in ("added", "removed") and change.track is not None:
            return self.t(f"change.{change.what}_track", **self.describe(change.track))
        if change.what in ("shorter", "longer"):
            return self.t(f"change.{change.what}", seconds=seconds_text(change.seconds))
        if change.track is None:
            return self.t("change.settings")
        return self.t("change.edited", kind=self.t(f"kind.{change.track.kind}"))

    def _out_of_credits(self) -> None:
        session = self.ctx.sessions.load(self.request.chat.key)
        # With the operator's NEMO_TOKEN the account is theirs, and registered: no user id is stored then.
        if self.ctx.settings.nemo_token is None and session.is_anonymous:
            self.progress(
                self.t("credits.out.anonymous"),
                keyboards.link(self.lang, "button.register", self._register_url()),
            )
        else:
            url = self.ctx.settings.topup_url()
            self.progress(self.t("credits.out.registered"), keyboards.link(self.lang, "button.topup", url))

    def _register_url(self) -> str:
        session = self.ctx.sessions.load(self.request.chat.key)
        return registration_url(self.ctx.settings.nemo_web_url, session.user_id or "")


def report(ctx: Context, request: Request, exc: BaseException) -> None:
    """Tell the user about a failure without letting a send error hide the original one."""
    try:
        Chat(ctx, request).fail(exc)
    except SendError:
        log.exception("could not report a failure to %s", request.chat.key)
