"""`.env.example` documents every setting, so operators never have to read the code to configure it."""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings
from engine.settings import EngineSettings

ROOT = Path(__file__).resolve().parents[2]


def documented() -> set[str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}


def test_every_setting_is_in_env_example_and_nothing_else():
    names = {name.upper() for name in Settings.model_fields}
    names |= {f"ENGINE_{name.upper()}" for name in EngineSettings.model_fields}
    assert documented() == names


def test_the_fixed_operator_names_keep_their_defaults():
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert settings.telegram_file_base_url == "https://api.telegram.org/file/bot"
    assert settings.redis_url == "redis://localhost:6379/0"
    assert settings.nemo_api_base == "https://mega-api-prod.nemovideo.ai"
    assert settings.nemo_web_url == "https://nemovideo.com"
    assert (
        settings.render_poll_interval_s,
        settings.still_working_interval_s,
        settings.rate_limit_retry_s,
    ) == (
        30,
        120,
        30,
    )
