"""Document delivery: a file a turn produced (the captions as an .srt) → the chat, exactly once.

The engine publishes the file and names it in the turn's `send_srt` tool result; the turn job hands each
file named so to a job of its own. The marker, one per file (a turn may produce two), moves as a video's
does (`worker.jobs.deliver`): `preparing` → `sending` → `sent`. A retry that finds `sending` does not send
again (the earlier run may have delivered it; the turn's text carries the link anyway); a definite refusal
clears the marker so the retry may send. The file is fetched with a size cap: what the backend names is not
trusted to be small, and a file over it gets its link instead, at once (it would never fit on a retry).
"""

from __future__ import annotations

import logging
import re
import shutil

from bot import keyboards, keys
from bot.outbox import AmbiguousSendError, ChatUnavailableError, DocumentFile, SendError
from worker.chat import Chat
from worker.context import current
from worker.nemo import DownloadTooLargeError, NemoError

log = logging.getLogger(__name__)
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024  # an hour of captions is ~100 kB
SRT_TOOL = "send_srt"  # the engine's tool whose result names a subtitles file


def srt_name(number: int) -> str:
    """The name the user sees for a turn's `number`th subtitles file (the engine's carries a random token)."""
    return "captions.srt" if number == 1 else f"captions-{number}.srt"


def deliver_document(request_id: str, url: str, name: str) -> None:
    """Fetch `url` (at most `MAX_DOCUMENT_BYTES`) and send it to the request's chat as `name`."""
    ctx = current()
    request = ctx.requests.load(request_id)
    if request is None or not re.fullmatch(r"[\w.-]{1,64}", name):
        return
    marker = keys.document_delivered_key(request_id, url)
    claimed = ctx.redis.set(marker, "preparing", nx=True, ex=keys.DELIVERED_TTL_S)
    # a run that died while preparing sent nothing: take over; any later state means not again
    if not claimed and ctx.redis.get(marker) != b"preparing":
        log.info("document %s of %s: delivered already, or maybe; not sending again", name, request_id)
        return
    chat = Chat(ctx, request)
    folder = ctx.settings.work_dir / "documents" / f"{request_id.replace(':', '-')}-{keys.document_id(url)}"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        path = folder / name
        ctx.nemo.download(url, path, limit=MAX_DOCUMENT_BYTES)
        ctx.redis.set(marker, "sending", ex=keys.DELIVERED_TTL_S)
        chat.outbox.send_document(request.chat, DocumentFile(path, name), chat.t("delivery.srt_caption"))
        ctx.redis.set(marker, "sent", ex=keys.DELIVERED_TTL_S)
    except DownloadTooLargeError:
        # permanent: a retry would download it again and fail again
        log.warning(
            "document %s of %s is over %d bytes: sending its link", name, request_id, MAX_DOCUMENT_BYTES
        )
        # marked first: a job killed after queuing the message must not queue it again when retried
        ctx.redis.set(marker, "link", ex=keys.DELIVERED_TTL_S)
        chat.say(chat.t("delivery.srt_too_large"), keyboards.link(chat.lang, "button.download", url))
    except (AmbiguousSendError, ChatUnavailableError) as exc:
        # maybe delivered, or never deliverable: the turn's text already gave the link
        log.warning("document %s of %s not sent again: %s", name, request_id, exc)
        ctx.redis.set(marker, "uncertain", ex=keys.DELIVERED_TTL_S)
    except (NemoError, SendError, OSError):
        ctx.redis.delete(marker)  # nothing reached the chat: a retry may send it
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
