"""The face path and the moving crop: smooth (no jitter), centred, clamped, and evaluated as FFmpeg would."""

import itertools
import math
import re
from dataclasses import replace

import numpy as np
import pytest

from engine.ffargs import Output, fit_chain
from engine.media import MediaInfo
from engine.reframe import (
    FaceTrack,
    crop_keyframes,
    crop_share,
    face_paths,
    find_face,
    follow_window,
    x_expression,
    zoom_filter,
)

WIDE = MediaInfo("w", "w.mp4", "media/w.mp4", "video", "mp4", 1, 10.0, 1920, 1080, 30.0, True, True)
SHARE = crop_share(WIDE, 1080, 1920)  # 608 of 1920 pixels


def evaluate(expression: str, t: float) -> float:
    """FFmpeg's `clip(x,lo,hi)` and arithmetic, evaluated in Python at frame time `t`."""
    python = expression.replace("clip(", "_clip(")
    return float(eval(python, {"_clip": lambda x, lo, hi: min(max(x, lo), hi), "t": t}))


def test_a_steady_walk_is_followed_without_lag_and_a_still_head_holds_the_crop():
    step = 0.25
    walk = FaceTrack(step, tuple(0.2 + 0.1 * i * step for i in range(25)))  # 0.2 -> 0.8 in 6 s
    keys = crop_keyframes(walk, SHARE)
    times, centres = zip(*keys, strict=True)
    for at in np.arange(0.0, 6.01, 0.25):
        face = 0.2 + 0.1 * at
        assert abs(np.interp(at, times, centres) - face) <= SHARE / 6  # inside the middle third of the crop
    rng = np.random.default_rng(3)
    nods = 0.5 + rng.normal(0, 0.01, 40)  # a talking head: small, quick moves (~20 px on 1080p)
    held = [centre for _, centre in crop_keyframes(FaceTrack(step, tuple(nods)), SHARE)]
    assert max(held) - min(held) < (nods.max() - nods.min()) / 4  # the crop barely moves: no jitter


def test_a_single_false_hit_does_not_yank_the_crop():
    centres = [0.5] * 20
    centres[10] = 0.9
    keys = crop_keyframes(FaceTrack(0.25, tuple(centres)), SHARE)
    assert all(abs(centre - 0.5) < 0.01 for _, centre in keys)


def test_the_crop_pans_no_faster_than_the_limit_and_stays_inside_the_picture():
    jump = FaceTrack(0.25, tuple([0.1] * 10 + [0.95] * 10))  # cut to a face at the far right edge
    keys = crop_keyframes(jump, SHARE)
    speeds = [abs(c1 - c0) / (t1 - t0) for (t0, c0), (t1, c1) in itertools.pairwise(keys)]
    assert max(speeds) <= 0.6 * SHARE + 1e-6
    assert all(SHARE / 2 - 1e-9 <= centre <= 1 - SHARE / 2 + 1e-9 for _, centre in keys)


def test_no_face_or_stray_hits_give_no_path():
    assert crop_keyframes(FaceTrack(0.25, (None,) * 40), SHARE) == ()
    assert crop_keyframes(FaceTrack(0.25, (0.3, 0.3) + (None,) * 38), SHARE) == ()
    assert not FaceTrack(0.25, ()).found


def test_gaps_are_bridged_between_sightings():
    track = FaceTrack(0.25, (0.3,) * 8 + (None,) * 8 + (0.7,) * 8)
    keys = crop_keyframes(track, SHARE)
    times, centres = zip(*keys, strict=True)
    assert 0.35 < np.interp(3.0, times, centres) < 0.65


def test_the_expression_is_the_path_in_the_pieces_own_clock():
    keys = ((0.0, 0.25), (2.0, 0.25), (4.0, 0.75))
    expression = x_expression(keys, 1920, offset_s=1.0, speed=2.0)  # a piece from 1 s at 2x
    assert evaluate(expression, 0.0) == pytest.approx(480)  # source 1 s
    assert evaluate(expression, 1.0) == pytest.approx(960)  # source 3 s: halfway from 2 s to 4 s
    assert evaluate(expression, 10.0) == pytest.approx(1440)  # after the last keyframe: held


def test_a_long_path_stays_within_ffmpeg_expression_nesting():
    keys = tuple((i * 0.25, 0.3 + 0.4 * (i % 2)) for i in range(2000))
    expression = x_expression(keys, 1920, 0.0, 1.0)
    depth = max(len(m) for m in re.findall(r"\(+", expression))
    assert depth < 10 and evaluate(expression, 0.25) == pytest.approx(0.7 * 1920)


def test_the_crop_is_the_frame_shape_at_full_height_and_the_filter_uses_it():
    keys = ((0.0, 0.5),)
    o = Output(1080, 1920, 30, fit="face", faces={"w": keys})
    assert follow_window(keys, WIDE, o, 0.0)[:2] == (608, 1080)
    chain = fit_chain("in", "out", WIDE, o, 0.0)
    assert chain.startswith("[in]crop=w=608:h=1080:x=") and chain.endswith("scale=1080:1920,setsar=1[out]")
    # a source without a path: "face" falls back to the centre crop, "auto" to the blurred fill
    centred = fit_chain("in", "out", WIDE, Output(1080, 1920, 30, fit="face"))
    assert centred == "[in]crop=w=608:h=1080:x=656.00:y=0,scale=1080:1920,setsar=1[out]"
    assert "gblur" in fit_chain("in", "out", WIDE, Output(1080, 1920, 30, fit="auto"))


def test_a_plain_centre_crop_of_a_wider_picture_crops_before_it_scales():
    # Scaling 1920x1080 up to 3413x1920 and then cropping costs five times the pixels of cropping first.
    chain = fit_chain("in", "out", WIDE, Output(1080, 1920, 30, fit="crop", faces={"w": ((0.0, 0.2),)}))
    assert chain == "[in]crop=w=608:h=1080:x=656.00:y=0,scale=1080:1920,setsar=1[out]"  # no face followed
    portrait = replace(WIDE, width=1080, height=1920)  # taller than the frame: scaled to cover, then cropped
    landscape = fit_chain("in", "out", portrait, Output(1920, 1080, 30, fit="crop"))
    assert landscape.startswith("[in]scale=1920:1080:")


def test_only_wider_video_sources_are_searched():
    class Finder:
        def __init__(self) -> None:
            self.asked: list[str] = []

        def track(self, info: MediaInfo) -> FaceTrack:
            self.asked.append(info.file_id)
            return FaceTrack(0.25, (0.5,) * 8)

    tall = MediaInfo("t", "t.mp4", "media/t.mp4", "video", "mp4", 1, 10.0, 1080, 1920, 30.0, True, True)
    finder = Finder()
    paths = face_paths([WIDE, tall], 1080, 1920, finder)  # type: ignore[arg-type]
    assert finder.asked == ["w"] and set(paths) == {"w"}


def test_a_punch_in_crops_the_middle_and_keeps_the_frame_size():
    o = Output(1920, 1080, 30)
    assert zoom_filter(1.0, o) == ""
    w, h, x, y = map(int, re.match(r"crop=(\d+):(\d+):(\d+):(\d+)", zoom_filter(1.1, o)).groups())  # type: ignore[union-attr]
    assert math.isclose(1920 / w, 1.1, rel_tol=0.01) and math.isclose(1080 / h, 1.1, rel_tol=0.01)
    assert (x, y) == ((1920 - w) // 2, (1080 - h) // 2) and "scale=1920:1080" in zoom_filter(1.1, o)


def test_a_track_survives_its_cache_and_an_old_version_is_made_again():
    track = FaceTrack(0.25, (0.5, None, 0.6))
    assert FaceTrack.from_json(track.to_json()) == track
    with pytest.raises(ValueError):
        FaceTrack.from_json({**track.to_json(), "version": 0})


class Cascade:
    """A detector double: answers with the faces inside the searched picture, as the cascade does (in the
    picture's own coordinates, within the asked sizes), and notes each search."""

    def __init__(self, faces: list[tuple[int, int, int, int]], near_origin: tuple[int, int] = (0, 0)):
        self.faces = faces
        self.searches: list[tuple[int, int, int, int]] = []  # (picture width, height, smallest, largest)
        self.near_origin = near_origin  # where a picture smaller than the frame was cut from

    def __call__(self, picture: np.ndarray, smallest: int, largest: int) -> list[tuple[int, int, int, int]]:
        self.searches.append((picture.shape[1], picture.shape[0], smallest, largest))
        ox, oy = self.near_origin if picture.shape != (270, 480) else (0, 0)
        return [
            (x - ox, y - oy, w, h)
            for x, y, w, h in self.faces
            if ox <= x
            and x + w <= ox + picture.shape[1]
            and oy <= y
            and y + h <= oy + picture.shape[0]
            and w >= smallest
            and (not largest or w <= largest)
        ]


def test_the_next_sample_searches_near_the_last_face_and_reports_it_in_frame_coordinates():
    shown = np.zeros((270, 480), np.uint8)
    # moved 10 px since the last sample; the near window starts one face width left of and above the last face
    cascade = Cascade([(210, 110, 52, 52)], near_origin=(150, 50))
    assert find_face(cascade, shown, (200, 100, 50, 50), full=False) == (210, 110, 52, 52)
    assert cascade.searches == [(150, 150, 30, 80)]  # 3 face widths square, sizes 0.6-1.6x: not the frame


def test_a_face_lost_nearby_and_every_eighth_sample_are_searched_in_the_whole_frame():
    shown = np.zeros((270, 480), np.uint8)
    walked_off = Cascade([(400, 100, 50, 50)], near_origin=(150, 50))  # beyond the near window
    assert find_face(walked_off, shown, (200, 100, 50, 50), full=False) == (400, 100, 50, 50)
    assert walked_off.searches == [(150, 150, 30, 80), (480, 270, 27, 0)]  # near, then the whole frame
    bigger = Cascade([(210, 110, 52, 52), (20, 40, 120, 120)])  # a larger face walked in far away
    assert find_face(bigger, shown, (200, 100, 50, 50), full=True) == (20, 40, 120, 120)
    assert bigger.searches == [(480, 270, 27, 0)]
