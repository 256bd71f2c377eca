"""The README's offline reframe: the real bot, engine and worker follow a face into a vertical video."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from tests import media as m
from tests.e2e.test_playground import run_playground

cv2 = pytest.importorskip("cv2", reason="the `reframe` extra is not installed")
pytest.importorskip("skimage", reason="the `dev` extra is not installed")
pytestmark = [pytest.mark.e2e, pytest.mark.media]


def test_reels_ke_liye_vertical_karo_chehra_beech_mein_gives_a_vertical_video_around_the_face(tmp_path: Path):
    clip, patch, _ = m.make_face_clip(tmp_path / "me.mp4", seconds=4.0, width=960, height=540)
    out = tmp_path / "vertical.mp4"
    done = run_playground(
        "--send", str(clip), "--say", "reels ke liye vertical karo, mera chehra beech mein rakho",
        "--say", "status", "--say", "export", "--out", str(out), "--folder", str(tmp_path / "pg"),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "chehra follow hoga" in done.stdout  # one reply, in Hinglish, for the shape and the face
    assert "Reframe: aapka chehra follow ho raha hai" in done.stdout  # and status says so
    assert list((tmp_path / "pg").rglob("faces/*.json"))  # found by the engine's worker, kept for next time
    x, y, w, h = m.FACE_IN_PATCH
    face = cv2.cvtColor(patch, cv2.COLOR_RGB2GRAY)[y : y + h, x : x + w]
    scale = 1920 / 540  # the source's height fills the 1920-pixel frame
    template = cv2.resize(face, (round(w * scale), round(h * scale)))
    with av.open(str(out)) as container:
        frames = [f.to_ndarray(format="gray") for i, f in enumerate(container.decode(video=0)) if i % 10 == 5]
    assert frames[0].shape == (1920, 1080)
    for gray in frames:  # early, middle and late: the face walked from the left third to the right one
        _, best, _, (left, _) = cv2.minMaxLoc(cv2.matchTemplate(gray, template, cv2.TM_CCOEFF_NORMED))
        assert best > 0.6 and 360 <= left + template.shape[1] / 2 <= 720
