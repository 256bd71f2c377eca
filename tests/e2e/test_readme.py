"""The README's first command, taken from the README itself and run exactly as written in a fresh clone.

If the README and reality part (a renamed flag, a missing dependency, a step that only works in the
developer's environment), this test breaks. It is the one test that reaches beyond 127.0.0.1: the new
virtual environment's pip fetches the packages (from pip's cache where it can).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import av
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.media]
ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def readme_block(heading: str) -> str:
    """The first ```sh block under the `## heading` section of the README."""
    text = README.read_text(encoding="utf-8")
    section = text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```sh\n(.*?)```", section, re.S)
    assert found is not None, f"no sh block under '{heading}'"
    return found.group(1).strip()


def test_the_test_command_is_the_ci_script():
    assert readme_block("Run the tests") == "bash .ci/run"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 -m venv .venv" in ci and ".venv/bin/python -m pytest" in ci


@pytest.mark.slow
@pytest.mark.timeout(1800)  # a fresh virtual environment installs every dependency
def test_the_first_command_works_in_a_fresh_clone(tmp_path: Path):
    command = readme_block("Try it now")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    temp = tmp_path / "tmp"
    temp.mkdir()
    # A newcomer's shell: no virtual environment active, nothing of ours on the import path.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["TMPDIR"] = str(temp)
    done = subprocess.run(
        ["bash", "-c", command], cwd=clone, env=env, capture_output=True, text=True, timeout=1500
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    with av.open(str(clone / "edited.mp4")) as edited:
        video = edited.streams.video[0]
        assert video.codec_context.name == "h264" and edited.streams.audio
        assert (video.codec_context.width, video.codec_context.height) == (1920, 1080)
    assert not list(temp.glob("playground-*")), "the playground left its temporary folder behind"
