"""Filler cuts crossfade the voice: at the cut the waveform neither jumps (a click) nor dips to silence."""

from dataclasses import replace

import numpy as np
import pytest

from engine.media import MediaInfo
from engine.operations.fillers import BLEND_MS
from engine.render import RenderOptions, render_draft
from engine.timeline import Timeline
from tests import media as m

pytestmark = pytest.mark.media
RATE = 48000
CUT_S = 1.0  # where the cut lands in the output: the end of the first kept span


@pytest.fixture(scope="module")
def voiced(tmp_path_factory):
    """A voice-like buzz (eight harmonics) whose pitch steps 200 → 120 Hz (the "umm", 1.0-1.3 s) → 300 Hz,
    phase continuous, so the source itself never jumps."""
    tmp = tmp_path_factory.mktemp("blend")
    t = np.arange(int(2.5 * RATE)) / RATE
    phase = 2 * np.pi * np.cumsum(np.select([t < 1.0, t < 1.3], [200.0, 120.0], 300.0)) / RATE
    wave = sum(np.sin(k * phase) / k for k in range(1, 9))
    m._write_wav(tmp / "voice.wav", 0.4 * wave / np.abs(wave).max() * 32767, RATE)
    m.make_video_for_audio(tmp / "voice.wav", tmp / "voice.mp4")
    return tmp, MediaInfo("v", "voice.mp4", "voice.mp4", "video", "mp4", 1, 2.5, 320, 180, 25.0, True, True)


def cut_stats(voiced, blend_ms: int, second_clip: bool) -> tuple[float, float]:
    """(steepest sample step near the cut / steepest elsewhere, quietest 5 ms near the cut / typical)."""
    tmp, info = voiced
    media = {"v": info, "w": replace(info, file_id="w")} if second_clip else {"v": info}
    timeline = Timeline()
    for clip in media.values():  # a second clip makes the renderer go piece by piece
        timeline = timeline.append_clip(clip)
    timeline = timeline.keep_spans({"v": [(0.0, 1.0), (1.3, 2.5)]}, blend_ms=blend_ms)
    out = tmp / f"out{blend_ms}{second_clip}.mp4"
    render_draft(timeline.to_draft(), media, tmp, out, lambda _: None, options=RenderOptions("ultrafast"))
    samples = m.mono_samples(out, RATE)
    near = samples[int((CUT_S - 0.08) * RATE) : int((CUT_S + 0.08) * RATE)]
    away = np.concatenate(
        [samples[int(0.3 * RATE) : int(0.8 * RATE)], samples[int(1.3 * RATE) : int(1.8 * RATE)]]
    )
    jump = np.abs(np.diff(near)).max() / np.abs(np.diff(away)).max()
    window = int(0.005 * RATE)
    rms = np.sqrt(np.convolve(near**2, np.ones(window) / window, mode="valid"))
    return float(jump), float(rms.min() / np.sqrt(np.mean(away**2)))


@pytest.mark.parametrize("second_clip", [False, True], ids=["one-pass", "piece-by-piece"])
def test_a_filler_cut_crossfades_without_a_click_or_a_dip(voiced, second_clip):
    assert BLEND_MS <= 50
    jump, quietest = cut_stats(voiced, BLEND_MS, second_clip)
    assert jump <= 1.5, jump  # no click: no step steeper than the voice's own
    assert quietest >= 0.35, quietest  # the voice runs on through the cut
    # a plain hard cut (its 10 ms guards fade to silence and back) dips: the check above tells them apart
    _, hard_quietest = cut_stats(voiced, 0, second_clip)
    assert hard_quietest < 0.2, hard_quietest
