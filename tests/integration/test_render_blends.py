"""Transitions in the one-source render (the picture in runs of a few transitions, each blended in place; the
sound in one run beside it) against the piece-by-piece render of the same draft: the same frames in the same
places, across a boundary between picture runs too, the same sound to the sample, and nothing left behind."""

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine import onepass, render
from engine.ffrun import run_ffmpeg
from engine.render import RenderOptions, render_draft
from engine.timeline import Timeline, TransitionKind
from tests import media as m
from tests.integration.test_render import probed

pytestmark = pytest.mark.media
FPS = 25
SPANS = [(0.0, 1.2), (2.0, 3.2), (4.0, 5.2)]  # two cuts, each carrying a transition


def render_both_ways(tmp: Path, kind: TransitionKind) -> dict[str, tuple[Path, list[list[str]], Path]]:
    """The draft rendered by the one graph and piece by piece: (output, FFmpeg argv lists, work folder)."""
    clip = m.make_ramp_clip(tmp / "ramp.mp4", 5.2)  # a keyframe every second: sides seek mid-GOP
    info = probed(clip, "ramp")
    timeline = Timeline().append_clip(info).keep_spans({"ramp": SPANS}).set_transitions(kind, 400)
    assert sum(segment.tr is not None for segment in timeline.video) == 2
    draft = timeline.to_draft()
    draft["m"].update(width=160, height=90, loudnorm=False)  # levels as rendered: the sound compared as is
    results = {}
    for path in ("one-graph", "pieces"):
        runs: list[list[str]] = []

        def recording(args: list[str], runs: list[list[str]] = runs, **kwargs: Any) -> str:
            runs.append(args)
            return run_ffmpeg(args, **kwargs)

        work = tmp / f"work-{path}"
        work.mkdir()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(render, "run_ffmpeg", recording)
            if path == "pieces":
                patch.setattr(onepass, "single_source", lambda pieces, media: None)
            else:
                patch.setattr(onepass, "BLENDS_PER_RUN", 1)  # two picture runs: the boundary is checked too
            out = tmp / f"{path}.mp4"
            render_draft(draft, {"ramp": info}, tmp, out, lambda _: None, work, RenderOptions("ultrafast"))
        results[path] = (out, runs, work)
    return results


@pytest.fixture(scope="module")
def wiped(tmp_path_factory):
    return render_both_ways(tmp_path_factory.mktemp("blends"), "wipeleft")


def blended_frames(columns: np.ndarray) -> list[int]:
    """Frames showing two pictures side by side (a wipe's edge): left and right halves differ."""
    half = columns.shape[1] // 2
    return [int(k) for k in np.flatnonzero(np.abs(columns[:, :half].mean(1) - columns[:, half:].mean(1)) > 3)]


def test_the_picture_runs_blend_in_place_and_the_sound_reads_no_picture(wiped):
    _, runs, _ = wiped["one-graph"]
    pictures = [args for args in runs if "libx264" in args]
    assert len(pictures) == 2  # one transition per run here, each run one seek and one decode
    assert all(args.count("-i") == 1 and args.count("-ss") == 1 for args in pictures)
    graphs = [Path(args[args.index("-/filter_complex") + 1]) for args in pictures]
    assert not any(graph.exists() for graph in graphs)  # removed with the work folder
    (sound,) = [args for args in runs if "pcm_s16le" in args]
    assert "-vn" in sound[: sound.index("-i")]  # the source's audio only
    assert len(wiped["pieces"][1]) == 5 + 2, "the other render really went piece by piece (sound, mux)"


def test_blends_land_on_the_same_frames_as_piece_by_piece(wiped):
    one, pieces = m.column_means(wiped["one-graph"][0]), m.column_means(wiped["pieces"][0])
    assert one.shape == pieces.shape and len(one) == 110  # 3 x 1.2 s kept, 2 x 0.4 s blended at 25 fps
    assert np.abs(one - pieces).max() < 0.8  # the ramp climbs 1-3 levels a frame: one frame off shows
    where = blended_frames(one)
    assert where == blended_frames(pieces)
    assert where and set(where) <= set(range(30, 40)) | set(range(70, 80)), where
    assert {k // 40 for k in where} == {0, 1}, "both transitions are wipes"


@pytest.fixture(scope="module")
def faded(tmp_path_factory):
    return render_both_ways(tmp_path_factory.mktemp("fades"), "fade")


def test_a_fade_mixes_its_sides_in_steps_from_the_first_to_the_second(faded):
    out, _, _ = faded["one-graph"]
    one, pieces = m.column_means(out).mean(1), m.column_means(faded["pieces"][0]).mean(1)
    assert np.abs(one - pieces).max() < 0.8  # both renders blend alike
    source = m.column_means(out.parent / "ramp.mp4").mean(1)
    for start, ahead in ((30, 0), (70, 10)):  # each 0.4 s fade, and how far the source is ahead before it
        first, second = source[start + ahead :][:10], source[start + ahead + 10 :][:10]
        mixed = first + (second - first) * np.arange(10) / 10
        assert np.abs(one[start : start + 10] - mixed).max() < 1.5, (one[start : start + 10], mixed)
        assert (second - first).min() > 10, "the sides differ enough for a mix to show"


def lag(heard: np.ndarray, reference: np.ndarray, at_s: float, offset_s: float) -> int:
    """By how many samples 0.1 s of `heard` from `at_s` is late against `reference` from `at_s + offset_s`
    (the rising tone matches itself at one lag only)."""
    start, shift, n = round(at_s * 48000), round(offset_s * 48000), 4800
    part = heard[start : start + n]
    return min(range(-200, 201), key=lambda k: float(np.abs(part - reference[start + shift + k :][:n]).sum()))


# (output time, how far ahead the source is there): each plain stretch, and each blend's halves before and
# after its sound switches sides (the first side to 0.18 s into the 0.4 s blend, the second from 0.22 s)
PLACES = [(0.3, 0.0), (1.25, 0.0), (1.45, 0.4), (2.0, 0.4), (2.85, 0.4), (3.05, 0.8), (3.6, 0.8)]


def test_the_sound_plays_each_moment_of_the_source_in_its_place_as_piece_by_piece(wiped):
    source = m.mono_samples(wiped["one-graph"][0].parent / "ramp.mp4", 48000)
    one, pieces = m.mono_samples(wiped["one-graph"][0], 48000), m.mono_samples(wiped["pieces"][0], 48000)
    assert len(one) == len(pieces)
    assert [lag(one, source, at, ahead) for at, ahead in PLACES] == [0] * len(PLACES)
    blends = [(at, 0.0) for at, _ in PLACES[1:3] + PLACES[4:6]]
    assert [lag(one, pieces, at, none) for at, none in blends] == [0] * 4  # the blends, to the sample


def test_no_intermediate_file_is_left_behind(wiped):
    for _, _, work in wiped.values():
        assert list(work.iterdir()) == []
