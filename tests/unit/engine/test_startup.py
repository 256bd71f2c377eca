"""What the engine's start-up and `/health` find wrong, each in words naming the setting to fix."""

from __future__ import annotations

import socket
from pathlib import Path

from engine.startup import dependencies


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_each_missing_dependency_is_named(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    problems = dependencies(f"redis://:pw@127.0.0.1:{closed_port()}/1", not_a_folder / "data", font_dirs=())
    assert set(problems) == {"redis", "data_dir", "fonts"}
    assert "ENGINE_REDIS_URL" in problems["redis"] and ":pw@" not in problems["redis"]
    assert "ENGINE_DATA_DIR" in problems["data_dir"]
    assert "engine/data/fonts" in problems["fonts"]
