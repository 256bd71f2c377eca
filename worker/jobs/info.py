"""Quick answers that need the backend but no stream: the credit balance and the timeline."""

from __future__ import annotations

from typing import Any

from bot import keyboards
from bot.models import Request
from worker.backend import Backend, SessionResetError
from worker.chat import Chat, report
from worker.context import current
from worker.nemo import NemoError
from worker.timeline import SpeechEdits, frame_size, framing, ratio, speech_edits, summarize, zoom_follows


def show_credits(payload: dict[str, Any]) -> None:
    """Available, frozen and total credits, with what things cost."""
    ctx = current()
    request = Request.model_validate(payload)
    chat = Chat(ctx, request)
    try:
        credits = Backend(ctx, request.chat.key).call_with_token(ctx.nemo.credits)
    except NemoError as exc:
        report(ctx, request, exc)
        return
    balance = {"available": credits.available, "frozen": credits.frozen, "total": credits.total}
    if credits.turn_cost is None:  # the cloud: its documented prices
        chat.say(chat.t("credits.balance", **balance))
    elif credits.turn_cost == 0:
        chat.say(chat.t("credits.balance_free", **balance))
    else:
        chat.say(chat.t("credits.balance_priced", cost=credits.turn_cost, **balance))


def show_status(payload: dict[str, Any]) -> None:
    """The timeline summary (tracks, kinds, spans, volume, titles), or what to send first."""
    ctx = current()
    request = Request.model_validate(payload)
    chat = Chat(ctx, request)
    backend = Backend(ctx, request.chat.key)
    if not backend.session.session_id:
        chat.say(chat.t("status.empty"))
        return
    try:
        draft = backend.call(lambda token, sid: ctx.nemo.state(token, sid).draft)
    except (NemoError, SessionResetError) as exc:
        report(ctx, request, exc)
        return
    tracks = summarize(draft)
    if not tracks:
        chat.say(chat.t("status.empty"))
        return
    lines = [chat.t("status.header", count=len(tracks))]
    for index, track in enumerate(tracks, 1):
        described = chat.describe(track)
        described["label"] = described["label"].strip()
        lines.append(chat.t("status.track", index=index, **described))
    if (frame := frame_size(draft)) is not None:
        width, height = frame
        shape = "portrait" if height > width else "landscape" if width > height else "square"
        named = ratio(width, height)
        key = "status.frame" if named else "status.frame_plain"
        size = {"width": str(width), "height": str(height), "ratio": named}
        lines.append(chat.t(key, shape=chat.t(f"shape.{shape}"), **size))
        fit, zoom = framing(draft)
        if fit == "face" or (fit == "auto" and shape == "portrait"):
            lines.append(chat.t(f"status.{fit}"))
        if zoom:
            key = "status.zoom_emphasis" if zoom_follows(draft) == "emphasis" else "status.zoom"
            lines.append(chat.t(key, percent=zoom))
    lines += _speech_lines(chat, speech_edits(draft))
    chat.say("\n".join(lines), keyboards.after_turn(chat.lang))


def _speech_lines(chat: Chat, edits: SpeechEdits) -> list[str]:
    """One line per speech edit in the draft: captions, fillers and bad takes cut, voice cleaned up."""
    lines = [chat.t("status.captions")] if edits.captions else []
    if edits.fillers:
        lines.append(chat.t("status.fillers", count=edits.fillers))
    if edits.retakes:
        lines.append(chat.t("status.retakes", count=edits.retakes))
    if edits.voice_clean:
        lines.append(chat.t("status.voice_clean"))
    return lines
