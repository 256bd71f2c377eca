"""One `Settings` for the bot and the workers, read from the environment and `.env`.

Nothing else in `bot/` or `worker/` reads the environment: a `Settings` is built once in each
`__main__` and passed down. The names of the first block are fixed, because operators and deployment
scripts rely on them.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

MB = 1024 * 1024


class Settings(BaseSettings):
    """Every URL, token, limit and interval of the bot and the workers."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # --- fixed names -------------------------------------------------------------------------
    telegram_bot_token: SecretStr = SecretStr("")
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str = "https://api.telegram.org/file/bot"
    redis_url: str = "redis://localhost:6379/0"
    nemo_api_base: str = "https://mega-api-prod.nemovideo.ai"
    nemo_web_url: str = "https://nemovideo.com"
    nemo_token: SecretStr | None = None
    render_poll_interval_s: float = 30.0
    still_working_interval_s: float = 120.0
    rate_limit_retry_s: float = 30.0

    # --- Telegram ----------------------------------------------------------------------------
    telegram_local_mode: bool = False
    telegram_download_limit_bytes: int = 20 * MB
    telegram_upload_limit_bytes: int = 50 * MB
    telegram_local_file_limit_bytes: int = 2000 * MB
    telegram_poll_timeout_s: int = 30
    telegram_request_timeout_s: float = 60.0
    telegram_upload_timeout_s: float = 300.0
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "0.0.0.0"
    telegram_webhook_port: int = 8443
    telegram_webhook_path: str = "/telegram/webhook"
    telegram_webhook_secret: SecretStr | None = None

    # --- WhatsApp Business Cloud API (fixed names) -------------------------------------------
    whatsapp_access_token: SecretStr = SecretStr("")
    whatsapp_phone_number_id: str = ""
    whatsapp_app_secret: SecretStr = SecretStr("")
    whatsapp_verify_token: SecretStr = SecretStr("")
    whatsapp_api_base_url: str = "https://graph.facebook.com/v23.0"
    whatsapp_listen_host: str = "0.0.0.0"
    whatsapp_listen_port: int = 8080
    whatsapp_webhook_path: str = "/whatsapp/webhook"
    whatsapp_video_limit_mb: int = 16
    whatsapp_document_limit_mb: int = 100
    whatsapp_ready_template: str | None = None
    whatsapp_template_language: str | None = None
    # --- WhatsApp: pacing and delivery -------------------------------------------------------
    whatsapp_per_user_interval_s: float = 6.0
    whatsapp_per_user_burst: int = 3
    whatsapp_global_per_s: int = 80
    whatsapp_progress_interval_s: float = 30.0
    whatsapp_webhook_max_bytes: int = 3 * MB
    whatsapp_min_video_kbps: int = 300
    whatsapp_request_timeout_s: float = 60.0

    # --- NemoVideo client --------------------------------------------------------------------
    nemo_topup_url: str | None = None
    nemo_skill_source: str = "nemo-telegram-bot"
    nemo_skill_version: str = "0.1.0"
    nemo_skill_platform: str = "telegram"
    nemo_http_timeout_s: float = 30.0
    nemo_upload_timeout_s: float = 600.0
    nemo_upload_max_bytes: int = 500 * MB
    stream_max_s: float = 900.0
    heartbeat_timeout_s: float = 600.0
    recovery_first_wait_s: float = 30.0
    recovery_next_wait_s: float = 60.0
    recovery_max_reads: int = 5
    # A render is followed while it makes progress: given up on (the user told, the chat freed) after
    # RENDER_STALL_TIMEOUT_S without any change, or, while the backend reports no progress at all, after
    # RENDER_WAIT_PER_CLIP_S per second of clip if that is longer; never followed past RENDER_MAX_WAIT_S.
    render_stall_timeout_s: float = 600.0
    render_wait_per_clip_s: float = 20.0
    render_max_wait_s: float = 6 * 3600.0
    render_late_poll_interval_s: float = 120.0

    # --- Jobs and workers --------------------------------------------------------------------
    work_dir: Path = Path("var/work")
    job_timeout_quick_s: int = 120
    job_timeout_upload_s: int = 1800
    job_timeout_stream_s: int = 1200
    job_retries: int = 3
    worker_ttl_s: int = 20
    job_monitoring_interval_s: int = 5
    maintenance_interval_s: int = 15
    update_dedupe_ttl_s: int = 7 * 24 * 3600
    ack_wait_s: float = 5.0
    progress_edit_interval_s: float = 3.0

    # --- Telegram rate limits, shared by every process through Redis --------------------------
    rate_per_chat_per_s: float = 1.0
    rate_per_group_per_min: int = 20
    rate_global_per_s: int = 30

    max_instruction_chars: int = 2000
    max_requests_in_flight_per_user: int = 3
    admin_status_cache_s: int = 30
    album_wait_s: float = 2.0
    log_level: str = "INFO"

    def topup_url(self) -> str:
        """Where registered users buy credits (`NEMO_TOPUP_URL`, else the web app's pricing page)."""
        return self.nemo_topup_url or f"{self.nemo_web_url.rstrip('/')}/pricing"

    def secrets(self) -> list[str]:
        """The configured secret values, for the log redactor."""
        values = [self.telegram_bot_token.get_secret_value()]
        values += [
            s.get_secret_value()
            for s in (self.whatsapp_access_token, self.whatsapp_app_secret, self.whatsapp_verify_token)
        ]
        for secret in (self.nemo_token, self.telegram_webhook_secret):
            if secret is not None:
                values.append(secret.get_secret_value())
        return [v for v in values if v]
