"""Each channel's facts in one place: Telegram keeps its limits, WhatsApp brings its own."""

from __future__ import annotations

from bot.channels import capabilities
from bot.models import Channel
from bot.settings import Settings

MB = 1024 * 1024


def test_telegram_cloud_and_local_limits(settings: Settings):
    cloud = capabilities("telegram", settings)
    assert (cloud.download_limit_bytes, cloud.video_limit_bytes) == (20 * MB, 50 * MB)
    assert cloud.document_limit_bytes == cloud.video_limit_bytes and not cloud.reencode_to_fit
    local = capabilities("telegram", settings.model_copy(update={"telegram_local_mode": True}))
    assert local.download_limit_bytes == local.video_limit_bytes == 2000 * MB


def test_whatsapp_plays_16_mb_inline_takes_100_mb_documents_and_paces_progress(settings: Settings):
    whatsapp = capabilities("whatsapp", settings)
    assert (whatsapp.video_limit_bytes, whatsapp.document_limit_bytes) == (16 * MB, 100 * MB)
    assert whatsapp.reencode_to_fit and whatsapp.progress_interval_s == 30
    assert whatsapp.too_big_key == "upload.too_big_for_whatsapp"


def test_every_channel_has_capabilities(settings: Settings):
    channels: tuple[Channel, ...] = ("telegram", "console", "whatsapp")
    assert all(capabilities(channel, settings).download_limit_bytes > 0 for channel in channels)
