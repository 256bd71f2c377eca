"""A variable-frame-rate phone clip stays in sync after cutting: the renderer writes constant frame rate."""

from pathlib import Path

import av
import numpy as np
import pytest

from engine.media import MediaInfo
from engine.render import RenderOptions, render_draft
from engine.timeline import Timeline
from tests import media as m

pytestmark = pytest.mark.media
BEEPS = [20 / 30, 60 / 30, 110 / 30, 160 / 30]  # on frames the VFR pattern keeps (n % 10 not in 3..6)


def make_vfr_clip(tmp_path: Path) -> Path:
    """Beeps with flashes at 30 fps, then 4 frames of every 10 dropped, timestamps kept: 1/30 s and 5/30 s
    between frames, as a phone writes when it slows down in low light."""
    cfr = m.make_sync_clip(tmp_path / "cfr.mp4", BEEPS, duration_s=6.0, fps=30)
    vfr = tmp_path / "vfr.mp4"
    m._ffmpeg(
        "-i", str(cfr), "-vf", "select='not(between(mod(n\\,10)\\,3\\,6))'", "-fps_mode", "passthrough",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "copy", str(vfr),
    )  # fmt: skip
    with av.open(str(vfr)) as container:
        stream = container.streams.video[0]
        base = stream.time_base
        assert base is not None
        times = sorted(float(p.pts * base) for p in container.demux(stream) if p.pts is not None)
    gaps = np.round(np.diff(times) * 30).astype(int)
    assert set(gaps.tolist()) == {1, 5}, "the source really has a variable frame rate"
    return vfr


def test_a_vfr_source_cut_twice_keeps_sound_on_picture(tmp_path):
    clip = make_vfr_clip(tmp_path)
    stream = m.video_stream_info(clip)
    info = MediaInfo(
        "vfr", "vfr.mp4", "vfr.mp4", "video", "mp4", 1, stream.duration_s, 160, 90, 18.0, True, True
    )
    timeline = Timeline().append_clip(info).cut_span(1.0, 1.6).cut_span(2.0, 2.6)  # both between beeps
    draft = timeline.to_draft()
    draft["m"].update(width=160, height=90)
    out = tmp_path / "out.mp4"
    render_draft(draft, {"vfr": info}, tmp_path, out, lambda _: None, options=RenderOptions("ultrafast"))
    heard, seen = m.beep_times(out), m.flash_times(out)
    assert len(heard) == len(seen) == 4
    assert heard[-1] == pytest.approx(BEEPS[-1] - 1.2, abs=0.05)  # the 1.2 s really went
    assert np.abs(np.array(heard) - np.array(seen)).max() < 0.04
