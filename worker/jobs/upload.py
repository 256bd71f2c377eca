"""Upload job: the user's file (or link) → the backend session, streamed through a temporary file.

Each file is marked in the request (`file_<n>`: the backend's answer) as soon as the backend accepts it,
so a retried job skips it. A worker that died while the backend was answering leaves `file_<n>_before`
(how many files of that name the session held before): the retry reads the session's state, and a file
that arrived meanwhile counts as uploaded instead of being posted a second time.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bot import keys
from bot.models import MediaRef, Request
from bot.outbox import SendError
from engine.refusals import Reason
from worker.backend import Backend, SessionResetError
from worker.chat import Chat, report
from worker.context import Context, current
from worker.media import DamagedMediaError, check_media
from worker.nemo import NemoError, UnsupportedFileError, UploadedFile, UploadResult

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


def refusal_key(reason: str | None) -> str:
    """The catalog key that tells the user why a file was refused: one per reason code the engine and our
    own check send, and the general "I can't edit this kind of file" for none (the cloud) or a code we do
    not know (a newer engine)."""
    known = reason in {code.value for code in Reason}
    return f"upload.refused.{reason}" if known else "upload.unsupported"


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
            results.append(_upload_urls(ctx, backend, request, len(media)))
    except (DamagedMediaError, UnsupportedFileError) as exc:
        # Why, in the user's words: a PDF, a download cut short and a text file each need other advice.
        chat.progress(chat.t(refusal_key(exc.reason)))
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
    done = _already_uploaded(ctx, backend, request, index, [name])
    if done is not None:
        return done
    local = ctx.outbox(request.chat.channel).fetch_media(media, workdir / str(index) / name)
    check_media(local, "document" if media.kind == "document" else media.kind)
    content_type = media.mime_type or mimetypes.guess_type(name)[0]
    return _post(
        ctx,
        backend,
        request,
        index,
        [name],
        lambda t, sid: ctx.nemo.upload_file(t, sid, local, name, content_type),
    )


def _upload_urls(ctx: Context, backend: Backend, request: Request, index: int) -> UploadResult:
    names = [Path(urlparse(url).path).name for url in request.urls]
    done = _already_uploaded(ctx, backend, request, index, names)
    if done is not None:
        return done
    return _post(
        ctx, backend, request, index, names, lambda t, sid: ctx.nemo.upload_urls(t, sid, list(request.urls))
    )


def _post(
    ctx: Context,
    backend: Backend,
    request: Request,
    index: int,
    names: list[str],
    upload: Callable[[str, str], UploadResult],
) -> UploadResult:
    """Upload once and mark it at once; before that, note what the session held (for a retry to compare)."""
    rid = request.request_id
    counts = backend.call(lambda t, sid: _name_counts(ctx.nemo.state(t, sid).video_infos, names))
    ctx.requests.set(rid, f"file_{index}_before", json.dumps(counts))
    result = backend.call(upload)
    ctx.requests.set(rid, f"file_{index}", result.model_dump_json())
    return result


def _already_uploaded(
    ctx: Context, backend: Backend, request: Request, index: int, names: list[str]
) -> UploadResult | None:
    """The backend's answer for a file that went up in an earlier run of this job, if it did."""
    rid = request.request_id
    marked = ctx.requests.get(rid, f"file_{index}")
    if marked is not None:
        return UploadResult.model_validate_json(marked)
    noted = ctx.requests.get(rid, f"file_{index}_before")
    if noted is None:
        return None  # never posted: upload it
    before: dict[str, int] = json.loads(noted)
    infos = backend.call(lambda t, sid: ctx.nemo.state(t, sid).video_infos)
    now = _name_counts(infos, names)
    if not all(now.get(name, 0) > before.get(name, 0) for name in names):
        return None  # the earlier post never landed
    log.warning(
        "request %s: file %d reached the backend before its worker died; not posting it again", rid, index
    )
    arrived = [
        UploadedFile.model_validate(i) for i in infos if isinstance(i, dict) and i.get("filename") in names
    ]
    result = UploadResult(files=arrived[-len(names) :])
    ctx.requests.set(rid, f"file_{index}", result.model_dump_json())
    return result


def _name_counts(video_infos: list[Any], names: list[str]) -> dict[str, int]:
    """How many of the session's files carry each of `names`."""
    counts = dict.fromkeys(names, 0)
    for info in video_infos:
        name = info.get("filename") if isinstance(info, dict) else None
        if name in counts:
            counts[name] += 1
    return counts


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
