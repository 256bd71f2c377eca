"""Real renders of the frame family: a vertical reframe that follows a moving face, its centre-crop fallback
when no face is seen, and punch-in zooms on alternate jump cuts — each measured in the output frames."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pytest

from engine.interpret import interpret
from engine.media import MediaInfo
from engine.operations import frame
from engine.operations.family import Inputs
from engine.reframe import FaceFinder, FaceTrack, cache_path
from engine.render import RenderOptions, render_draft
from engine.timeline import Timeline
from tests import media as m

cv2 = pytest.importorskip("cv2", reason="the `reframe` extra is not installed")
pytest.importorskip("skimage", reason="the `dev` extra is not installed")
pytestmark = pytest.mark.media
FAST = RenderOptions(preset="ultrafast")
SOURCE = (960, 540)  # 16:9, small enough to make and render quickly
OUT = (540, 960)  # 9:16 at the same height of detail


def probed(path: Path, file_id: str) -> MediaInfo:
    info = m.video_stream_info(path)
    return MediaInfo(file_id, path.name, path.name, "video", "mp4", path.stat().st_size, info.duration_s,
                     info.width, info.height, 30.0, True, True)  # fmt: skip


def finder(data_dir: Path) -> FaceFinder:
    return FaceFinder(data_dir, memory_bytes=1024**3, cpu_s=120, timeout_s=120)


def render(tmp: Path, timeline: Timeline, media: dict[str, MediaInfo], size: tuple[int, int] | None) -> Path:
    draft = timeline.to_draft()
    if size:
        draft["m"].update(width=size[0], height=size[1])
    out = tmp / "out.mp4"
    render_draft(draft, media, tmp, out, lambda _: None, options=FAST, faces=finder(tmp))
    return out


def frames_gray(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="gray") for f in container.decode(video=0)]


def test_vertical_reframe_keeps_a_moving_face_in_the_middle_third(tmp_path: Path):
    clip, patch, _ = m.make_face_clip(tmp_path / "face.mp4", seconds=6.0, width=SOURCE[0], height=SOURCE[1])
    info = probed(clip, "face")
    timeline = Timeline().append_clip(info).set_aspect("9:16", "face")
    out = render(tmp_path, timeline, {"face": info}, OUT)
    # the face as it appears in the output: the source is shown at the output's height
    x, y, w, h = m.FACE_IN_PATCH
    scale = SOURCE[1] / 540 * OUT[1] / SOURCE[1]
    face = cv2.cvtColor(patch, cv2.COLOR_RGB2GRAY)[
        round(y * SOURCE[1] / 540) : round((y + h) * SOURCE[1] / 540),
        round(x * SOURCE[1] / 540) : round((x + w) * SOURCE[1] / 540),
    ]
    template = cv2.resize(face, (round(face.shape[1] * scale), round(face.shape[0] * scale)))
    frames = frames_gray(out)
    assert len(frames) == 180 and frames[0].shape == (OUT[1], OUT[0])
    inside = 0
    for gray in frames:
        scores = cv2.matchTemplate(gray, template, cv2.TM_CCOEFF_NORMED)
        _, best, _, (left, _) = cv2.minMaxLoc(scores)
        assert best > 0.6  # the face is really in the frame (not a lucky match on the wall)
        centre = left + template.shape[1] / 2
        inside += OUT[0] / 3 <= centre <= 2 * OUT[0] / 3
    assert inside >= 0.95 * len(frames)
    # the face moved across the source: following it means the crop panned (a fixed crop could not do this)
    assert FaceTrack.from_json(__import__("json").loads(cache_path(tmp_path, "face").read_text())).found


def test_a_detector_that_cannot_run_means_no_face_and_nothing_cached(tmp_path: Path, caplog):
    clip, _, _ = m.make_face_clip(
        tmp_path / "face.mp4", seconds=2.0, width=SOURCE[0], height=SOURCE[1], grain=0
    )
    info = probed(clip, "face")
    starved = FaceFinder(tmp_path, memory_bytes=64 * 1024**2, cpu_s=60, timeout_s=60)  # OpenCV needs more
    assert not starved.track(info).found and not cache_path(tmp_path, "face").exists()
    assert "within the memory limit" in caplog.text  # the limit is what stopped it
    damaged = tmp_path / "damaged.mp4"
    damaged.write_bytes(clip.read_bytes()[:4000])  # cut short: the picture cannot be read
    broken = replace(info, file_id="damaged", path=damaged.name)
    assert not finder(tmp_path).track(broken).found and not cache_path(tmp_path, "damaged").exists()
    assert finder(tmp_path).track(info).found  # the same clip, with room to run: the face is there


def test_a_clip_without_a_face_falls_back_to_the_centre_crop(tmp_path: Path):
    still = m.make_image(tmp_path / "bars.png", *SOURCE, pattern="smptehdbars")
    clip = m.make_still_clip(tmp_path / "bars.mp4", still, seconds=2.0)
    info = probed(clip, "bars")
    out = render(tmp_path, Timeline().append_clip(info).set_aspect("9:16", "face"), {"bars": info}, OUT)
    shown = frames_gray(out)[30].astype(float)
    source = cv2.cvtColor(cv2.imread(str(still)), cv2.COLOR_BGR2GRAY)
    crop_w = round(SOURCE[1] * OUT[0] / OUT[1] / 2) * 2

    def crop_at(left: int):
        return cv2.resize(source[:, left : left + crop_w], OUT, interpolation=cv2.INTER_AREA).astype(float)

    centre = np.abs(shown - crop_at((SOURCE[0] - crop_w) // 2)).mean()
    assert centre < 6
    assert centre < np.abs(shown - crop_at(0)).mean() / 3
    assert centre < np.abs(shown - crop_at(SOURCE[0] - crop_w)).mean() / 3
    assert not FaceTrack.from_json(__import__("json").loads(cache_path(tmp_path, "bars").read_text())).found


def measured_zoom(shown: np.ndarray, source: np.ndarray) -> float:
    """The punch-in (1.00-1.20) whose centre crop of the source best matches the output frame."""
    height, width = shown.shape

    def zoomed(factor: float):
        full = cv2.resize(source, (width, height), interpolation=cv2.INTER_AREA)
        w, h = round(width / factor), round(height / factor)
        left, top = (width - w) // 2, (height - h) // 2
        return cv2.resize(full[top : top + h, left : left + w], (width, height)).astype(float)

    factors = np.arange(1.0, 1.201, 0.01)
    errors = [np.abs(shown.astype(float) - zoomed(f)).mean() for f in factors]
    return float(factors[int(np.argmin(errors))])


@pytest.mark.parametrize("two_clips", [False, True], ids=["one-run", "pieces"])
def test_punch_ins_zoom_every_other_jump_cut_by_the_asked_factor(tmp_path: Path, two_clips: bool):
    still = m.make_image(tmp_path / "pattern.png", 640, 360, pattern="testsrc2")
    clip = m.make_still_clip(tmp_path / "a.mp4", still, seconds=2.0)
    media = {"a": probed(clip, "a")}
    timeline = Timeline().append_clip(media["a"])
    if two_clips:  # a second clip: the render goes piece by piece, and a new clip starts unzoomed
        media["b"] = probed(m.make_still_clip(tmp_path / "b.mp4", still, seconds=0.6), "b")
        timeline = timeline.append_clip(media["b"])
    timeline = timeline.cut_span(0.6, 0.8).cut_span(1.0, 1.2)  # two jump cuts: three parts of clip a
    (asked,) = interpret("12% zoom on cuts")
    assert isinstance(asked, frame.ZoomCuts) and asked.percent == 12
    outcome = frame.apply(asked, Inputs(timeline, "en", list(media.values())))
    out = render(tmp_path, outcome.timeline, media, None)
    frames = frames_gray(out)
    assert frames[0].shape == (1080, 1920)  # the frame size never changes with the zoom
    source = cv2.cvtColor(cv2.imread(str(still)), cv2.COLOR_BGR2GRAY)
    middles = [segment.st + segment.d / 2 for segment in outcome.timeline.video]
    zooms = [measured_zoom(frames[round(ms / 1000 * 30)], source) for ms in middles]
    expected = [1.0, 1.12, 1.0] + ([1.0] if two_clips else [])
    assert zooms == pytest.approx(expected, abs=0.011)
