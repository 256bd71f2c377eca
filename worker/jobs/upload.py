"""Upload job: the user's file (or link) → the backend session, streamed through a temporary file."""

from __future__ import annotations

import logging
import mimetypes
import shutil
import time
from pathlib import Path
from typing import Any

from bot import keys
from bot.models import MediaRef, Request
from bot.outbox import SendError
from worker.backend import Backend, SessionResetError
from worker.chat import Chat, report
from worker.context import Context, current
from worker.media import DamagedMediaError, check_media
from worker.nemo import NemoError, UploadResult

log = logging.getLogger(__name__)

_DEFAULT_NAMES = {
    "video": "video.mp4",
    "video_note": "video_note.mp4",
    "animation": "animation.mp4",
    "audio": "audio.mp3",
    "photo": "photo.jpg",
    "voice": "voice.ogg",
}


def safe_filename(media: MediaRef) -> str:
    """A name for the backend: the user's base name without any path, or one made from the kind."""
    name = Path((media.file_name or "").replace("\\", "/")).name.strip(". ")
    return (name or _DEFAULT_NAMES.get(media.kind, "file.bin"))[-120:]


def upload_media(payload: dict[str, Any]) -> None:
    """Upload a request's files or links, once: a retried job skips what already went up."""
    ctx = current()
    request = Request.model_validate(payload)
    chat = Chat(ctx, request)
    backend = Backend(ctx, request.chat.key)
    if ctx.requests.get(request.request_id, "uploaded") == "1":
        return
    workdir = ctx.settings.work_dir / "uploads" / request.request_id.replace(":", "_")
    media = _album(ctx, request) if request.album_id else request.media
    try:
        results = [_upload_one(ctx, backend, request, m, i, workdir) for i, m in enumerate(media)]
        if request.urls:
            results.append(backend.call(lambda t, sid: ctx.nemo.upload_urls(t, sid, list(request.urls))))
    except DamagedMediaError:
        chat.progress(chat.t("upload.damaged"))
        return
    except (NemoError, SendError, SessionResetError) as exc:
        report(ctx, request, exc)
        return
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    ctx.requests.set(request.request_id, "uploaded", "1")
    ctx.sessions.update(request.chat.key, media_count=ctx.sessions.load(request.chat.key).media_count + 1)
    files = [f for result in results for f in result.files]
    name = ", ".join(f.filename for f in files) or (request.urls[0] if request.urls else "")
    duration = round(sum(f.duration or 0 for f in files))
    chat.progress(chat.t("upload.done", name=name, duration=duration))


def _upload_one(
    ctx: Context, backend: Backend, request: Request, media: MediaRef, index: int, workdir: Path
) -> UploadResult:
    name = safe_filename(media)
    local = ctx.outbox(request.chat.channel).fetch_media(media, workdir / str(index) / name)
    check_media(local, "document" if media.kind == "document" else media.kind)
    content_type = media.mime_type or mimetypes.guess_type(name)[0]
    return backend.call(lambda t, sid: ctx.nemo.upload_file(t, sid, local, name, content_type))


def _album(ctx: Context, request: Request) -> tuple[MediaRef, ...]:
    """An album's files, once Telegram has stopped delivering them (each comes as its own update)."""
    key = keys.album_key(request.chat.key, request.album_id or "")
    deadline = time.monotonic() + ctx.settings.album_wait_s * 5
    count = -1
    while time.monotonic() < deadline:
        now = int(ctx.redis.llen(key))
        if now == count:
            break
        count = now
        time.sleep(ctx.settings.album_wait_s)
    return tuple(MediaRef.model_validate_json(raw) for raw in ctx.redis.lrange(key, 0, -1))
