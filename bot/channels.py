"""What each chat channel can do, so that the conversation and the jobs never ask which channel it is.

Telegram edits a progress message in place and takes a 50 MB video; WhatsApp cannot edit, wants a new
message at most every half minute, plays inline videos up to 16 MB and takes documents up to 100 MB. Those
facts live here, one `Capabilities` per channel, built from the settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.models import Channel
from bot.settings import Settings

MB = 1024 * 1024


@dataclass(frozen=True)
class Capabilities:
    """A channel's limits and habits.

    `progress_interval_s`: how often a passing progress stage (a render percent) may be shown.
    `download_limit_bytes` / `too_big_key`: the largest file the bot can fetch, and the message for more.
    `video_limit_bytes`: the largest video that plays inline; `document_limit_bytes`: the largest file
    sent at all (equal to the video limit when the channel has no separate document path).
    `reencode_to_fit`: whether a render over the video limit is re-encoded to fit it.
    """

    progress_interval_s: float
    download_limit_bytes: int
    too_big_key: str
    video_limit_bytes: int
    document_limit_bytes: int
    reencode_to_fit: bool = False
    min_video_kbps: int = 0


def _telegram(settings: Settings) -> Capabilities:
    local = settings.telegram_local_mode
    upload = settings.telegram_local_file_limit_bytes if local else settings.telegram_upload_limit_bytes
    return Capabilities(
        progress_interval_s=settings.progress_edit_interval_s,
        download_limit_bytes=(
            settings.telegram_local_file_limit_bytes if local else settings.telegram_download_limit_bytes
        ),
        too_big_key="upload.too_big_for_telegram",
        video_limit_bytes=upload,
        document_limit_bytes=upload,
    )


def _console(settings: Settings) -> Capabilities:
    # The playground reads files on this machine: only the editor's own limit applies (the playground sets
    # NEMO_UPLOAD_MAX_BYTES to the engine's ENGINE_UPLOAD_MAX_BYTES), never Telegram's 20 MB.
    limit = settings.nemo_upload_max_bytes
    return Capabilities(settings.progress_edit_interval_s, limit, "upload.backend_too_large", limit, limit)


def _whatsapp(settings: Settings) -> Capabilities:
    document = settings.whatsapp_document_limit_mb * MB
    return Capabilities(
        progress_interval_s=settings.whatsapp_progress_interval_s,
        download_limit_bytes=document,
        too_big_key="upload.too_big_for_whatsapp",
        video_limit_bytes=settings.whatsapp_video_limit_mb * MB,
        document_limit_bytes=document,
        reencode_to_fit=True,
        min_video_kbps=settings.whatsapp_min_video_kbps,
    )


_CHANNELS: dict[Channel, Callable[[Settings], Capabilities]] = {
    "telegram": _telegram,
    "console": _console,
    "whatsapp": _whatsapp,
}


def capabilities(channel: Channel, settings: Settings) -> Capabilities:
    """The capabilities of `channel` under these settings."""
    return _CHANNELS[channel](settings)
