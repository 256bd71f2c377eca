"""The one-source render's picture and sound run side by side: a pass that fails stops the other at once
instead of letting it run to its end."""

from typing import Any

import pytest

from engine import render
from engine.errors import FfmpegError, RenderError
from engine.ffrun import run_ffmpeg
from engine.render import render_draft
from engine.timeline import Timeline
from tests import media as m
from tests.integration.test_render import probed

pytestmark = pytest.mark.media


def test_a_sound_pass_that_fails_stops_the_picture_run_and_its_error_is_the_one_raised(tmp_path, monkeypatch):
    clip = m.make_ramp_clip(tmp_path / "ramp.mp4", 30.0)
    song = tmp_path / "song.mp3"
    song.write_bytes(b"\xff\xfb" + b"\x00" * 4096)  # an mp3 that cannot be decoded
    media = {"ramp": probed(clip, "ramp"), "song": probed(song, "song", kind="audio")}
    draft = Timeline().append_clip(media["ramp"]).add_music("song", "Song").to_draft()
    draft["m"].update(width=1920, height=1080)  # 30 s of 1080p: the picture runs for a while
    outcomes: list[tuple[list[str], str]] = []

    def recording(args: list[str], **kwargs: Any) -> str:
        try:
            stderr = run_ffmpeg(args, **kwargs)
        except Exception as exc:
            outcomes.append((args, f"{type(exc).__name__}: {exc}"))
            raise
        outcomes.append((args, "done"))
        return stderr

    monkeypatch.setattr(render, "run_ffmpeg", recording)
    with pytest.raises(FfmpegError):  # the music's failure, not the stopped picture's
        render_draft(draft, media, tmp_path, tmp_path / "out.mp4", lambda _: None, tmp_path)
    (picture,) = [outcome for args, outcome in outcomes if "libx264" in args]
    assert picture.startswith(RenderError.__name__) and "stopped" in picture  # killed, not finished
    assert not (tmp_path / "out.mp4").exists()
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith("render-")] == []
