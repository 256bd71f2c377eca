"""The engine's one settings class, read from `ENGINE_*` environment variables (and `.env`).

Built once in `python -m engine` / `python -m engine.worker` and passed down; no other engine module reads the
environment.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

MB = 1024 * 1024
DAY_S = 24 * 3600


class EngineSettings(BaseSettings):
    """Where the engine listens and keeps its files, and every limit it enforces."""

    model_config = SettingsConfigDict(
        env_prefix="ENGINE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- serving -----------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8700
    public_base_url: str = "http://127.0.0.1:8700"  # how clients reach us: download URLs start with it
    register_url: str = ""  # where to register or top up, named in the out-of-credits (2001) message
    data_dir: Path = Path("var/engine")
    redis_url: str = "redis://localhost:6379/1"
    log_level: str = "INFO"

    # --- uploads -----------------------------------------------------------------------------
    upload_max_bytes: int = 500 * MB
    upload_max_files: int = 10
    url_fetch_timeout_s: float = 60.0
    url_fetch_max_redirects: int = 5
    # Only tests (and an operator who knows why) may let URL uploads reach loopback or private addresses.
    url_fetch_allow_private: bool = False

    # --- probing -----------------------------------------------------------------------------
    probe_timeout_s: float = 30.0
    probe_memory_bytes: int = 1024 * MB
    max_duration_s: float = 3 * 3600.0
    max_frame_width: int = 8192
    max_frame_height: int = 8192

    # --- silence analysis (a child process per clip, like the probe) --------------------------
    analysis_timeout_s: float = 600.0
    analysis_cpu_s: int = 300
    analysis_memory_bytes: int = 1024 * MB

    # --- accounts and credits ----------------------------------------------------------------
    token_ttl_s: int = 7 * DAY_S
    free_credits: int = 100
    turn_cost: int = 50
    credit_limit: bool = False  # off: editing is unlimited and balances never move

    # --- turns and renders -------------------------------------------------------------------
    heartbeat_interval_s: float = 10.0
    turn_timeout_s: float = 900.0
    render_queue: str = "engine-render"
    render_timeout_s: int = 1800
