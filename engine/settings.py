"""The engine's one settings class, read from `ENGINE_*` environment variables (and `.env`).

Built once in `python -m engine` / `python -m engine.worker` and passed down; no other engine module reads the
environment.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.clamp import DraftLimits
from engine.fonts import font_dirs_from

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
    # How often an engine worker checks on a running job (and so notices a Redis restart mid-render).
    job_monitoring_interval_s: int = 5

    # --- request bodies and uploads --------------------------------------------------------
    json_max_bytes: int = 4 * MB  # a JSON body (a draft sent with an export is the biggest)
    upload_max_bytes: int = 500 * MB
    upload_max_files: int = 10
    url_fetch_timeout_s: float = 60.0  # per read
    url_fetch_deadline_s: float = 600.0  # the whole download, however slowly the bytes trickle in
    url_fetch_max_redirects: int = 5
    # Only tests (and an operator who knows why) may let URL uploads reach loopback or private addresses.
    url_fetch_allow_private: bool = False

    # --- probing -----------------------------------------------------------------------------
    probe_timeout_s: float = 30.0
    probe_memory_bytes: int = 1024 * MB
    max_duration_s: float = 3 * 3600.0
    max_frame_width: int = 8192
    max_frame_height: int = 8192
    image_max_side: int = 2048  # larger pictures are scaled down at upload (the output is at most 1920)
    max_pixel_seconds: float = 3840 * 2160 * 1800.0  # a clip's width × height × seconds: 30 min of 4K

    # --- silence analysis (a child process per clip, like the probe) --------------------------
    analysis_timeout_s: float = 600.0
    analysis_cpu_s: int = 300
    analysis_memory_bytes: int = 1024 * MB

    # --- titles and captions -------------------------------------------------------------------
    # Folders searched for title and caption fonts, separated by ":"; empty: the shipped engine/data/fonts,
    # then the system's font folders. The engine refuses to start when no font there draws Hindi and Latin
    # text.
    font_dirs: str = ""

    @property
    def font_folders(self) -> tuple[Path, ...]:
        """The folders `font_dirs` names, in order."""
        return font_dirs_from(self.font_dirs)

    # --- speech (captions, speech-aware cuts) ------------------------------------------------------
    asr_model: str = "tiny.en"  # a bundled name (tiny.en, base), a local model folder, or a hub model name
    asr_queue: str = "engine-speech"
    asr_timeout_s: float = 1800.0
    asr_memory_bytes: int = 3072 * MB
    asr_threads: int = 2
    # Workers taking speech jobs alone beside each engine worker's main one (engine.worker): transcription
    # and face detection side by side; at most 1 + this many heavy jobs at once per `python -m engine.worker`.
    speech_workers: int = 1

    # --- accounts and credits ----------------------------------------------------------------
    token_ttl_s: int = 7 * DAY_S
    free_credits: int = 100
    turn_cost: int = 50
    credit_limit: bool = False  # off: editing is unlimited and balances never move

    # --- quotas (over a limit: HTTP 429 with Retry-After) and retention -----------------------
    # Anonymous tokens come with free credits: minted at most this often per client id and per address.
    tokens_per_client_per_hour: int = 10
    tokens_per_address_per_hour: int = 30
    uploads_per_client_per_hour: int = 60
    uploads_per_address_per_hour: int = 120
    renders_active_per_client: int = 2  # pending and processing together
    stored_bytes_per_client: int = 5 * 1024 * MB
    # Many client ids from one address (a script) are bounded together, beside each client's own limits.
    renders_active_per_address: int = 6  # pending and processing together
    stored_bytes_per_address: int = 20 * 1024 * MB
    retention_days: float = 7.0  # sessions (since their last change), renders and their files

    @property
    def retention_s(self) -> int:
        return max(1, round(self.retention_days * DAY_S))

    # --- turns and renders -------------------------------------------------------------------
    heartbeat_interval_s: float = 10.0
    turn_timeout_s: float = 900.0
    render_queue: str = "engine-render"
    render_lanes: int = 8  # clients are spread over this many queues, served in turn (fair scheduling)
    render_timeout_s: int = 1800  # the ceiling of any render's time budget
    # A render's budget: this floor plus so many seconds per second of (clamped, real) output.
    render_budget_floor_s: float = 120.0
    render_budget_per_output_s: float = 10.0
    render_max_segments: int = 500
    render_max_output_s: float = 3 * 3600.0

    def draft_limits(self) -> DraftLimits:
        """The bounds `engine.clamp` holds every render to."""
        return DraftLimits(
            max_segments=self.render_max_segments,
            max_output_s=self.render_max_output_s,
            budget_floor_s=self.render_budget_floor_s,
            budget_per_output_s=self.render_budget_per_output_s,
            budget_ceiling_s=self.render_timeout_s,
        )
