"""What the engine's start-up and `/health` find wrong, each in words naming the setting to fix."""

from __future__ import annotations

from pathlib import Path

from engine.startup import dependencies
from tests.processes import free_port


def test_each_missing_dependency_is_named(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    problems = dependencies(f"redis://:pw@127.0.0.1:{free_port()}/1", not_a_folder / "data", font_dirs=())
    assert set(problems) == {"redis", "data_dir", "fonts"}
    assert "ENGINE_REDIS_URL" in problems["redis"] and ":pw@" not in problems["redis"]
    assert "ENGINE_DATA_DIR" in problems["data_dir"]
    assert "engine/data/fonts" in problems["fonts"]


def test_fonts_missing_or_unreadable_are_told_apart(tmp_path: Path) -> None:
    missing = tmp_path / "fonts"
    problem = dependencies("redis://127.0.0.1:1/1", tmp_path / "data", font_dirs=(missing,))["fonts"]
    assert f"no font draws Hindi and Latin titles ({missing}: no such folder)" in problem
    assert "ENGINE_FONT_DIRS" in problem
    # a clone made without Git LFS has text pointers where the fonts should be
    pointers = tmp_path / "clone" / "fonts"
    pointers.mkdir(parents=True)
    for name in ("NotoSansDevanagari-Bold.ttf", "NotoSans-Bold.ttf"):
        (pointers / name).write_text("version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 1\n")
    problem = dependencies("redis://127.0.0.1:1/1", tmp_path / "data", font_dirs=(pointers,))["fonts"]
    assert "cannot be read" in problem
