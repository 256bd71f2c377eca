"""The files a bot sends: uploads (multipart parts), local paths (a `--local` server), URLs and file_ids."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from tests.fakes.telegram_api.params import ApiError, Params, Upload, bad_request
from tests.fakes.telegram_api.records import MediaKind, SentMedia, StoredFile
from tests.fakes.telegram_api.state import TelegramState

_WRONG_FILE = "wrong file identifier/HTTP URL specified"
_FOLDERS = {"video": ("videos", ".mp4"), "photo": ("photos", ".jpg")}


def reject_large_uploads(state: TelegramState, p: Params) -> None:
    """A request carrying a file over the upload limit (50 MB in the cloud) is refused whole, with 413."""
    if any(len(u.data) > state.limits.upload_bytes for u in p.uploads()):
        raise ApiError(413, "Request Entity Too Large")


def _stored_source(
    state: TelegramState, source: Upload | str | None, kind: MediaKind
) -> tuple[StoredFile, str | None]:
    """The file a send* request names, stored, and the reference it was named by (None for an upload)."""
    folder, suffix = _FOLDERS.get(kind, ("documents", ""))
    if isinstance(source, Upload):
        suffix = Path(source.filename or "").suffix or suffix
        return state.store_file(folder, suffix, data=source.data), None
    if source is None:
        raise bad_request(f"there is no {kind} in the request")
    if source.startswith("file://") and state.limits.local_mode:
        path = Path(unquote(urlparse(source).path))
        if not path.is_file():
            raise bad_request(_WRONG_FILE)
        return state.store_file(folder, path.suffix, path=path), source
    if source.startswith(("http://", "https://")):
        return state.store_file(folder, Path(urlparse(source).path).suffix or suffix, data=b""), source
    with state.lock:
        known = state.files.get(source)
    if known is None:
        raise bad_request(_WRONG_FILE)
    return known, source


def sent_media(state: TelegramState, p: Params, kind: MediaKind) -> SentMedia:
    """The media of a sendVideo/sendDocument/sendPhoto request, with the metadata the bot declared."""
    source = p.file(kind)
    stored, reference = _stored_source(state, source, kind)
    upload = source if isinstance(source, Upload) else None
    file_name = upload.filename if upload else None
    if reference is not None and "/" in reference:  # a URL or a file:// URI, not a file_id
        file_name = Path(unquote(urlparse(reference).path)).name
    thumbnail = p.file("thumbnail")  # only an upload counts: Telegram ignores thumbnails by reference
    thumb = None
    if isinstance(thumbnail, Upload):
        thumb = state.store_file("thumbnails", ".jpg", data=thumbnail.data)
    return SentMedia(
        kind=kind,
        file_id=stored.file_id,
        data=upload.data if upload else None,
        reference=reference,
        file_name=None if kind == "photo" else file_name,
        mime_type=(upload.content_type if upload else None) or mimetypes.guess_type(file_name or "")[0],
        width=p.opt_int("width"),
        height=p.opt_int("height"),
        duration=p.opt_int("duration"),
        supports_streaming=p.flag("supports_streaming"),
        thumbnail=thumb.data if thumb else None,
        thumbnail_file_id=thumb.file_id if thumb else None,
    )
