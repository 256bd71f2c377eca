"""Voice clean-up in a real render: street noise under speech is pushed down, the speech stays."""

import numpy as np
import pytest

from engine.media import MediaInfo
from engine.operations import audio
from engine.operations.family import Inputs
from engine.render import RenderOptions, render_draft
from engine.timeline import Timeline
from tests import media as m

pytestmark = pytest.mark.media


def level_db(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(samples**2)) + 1e-12))


def test_cleaned_voice_has_less_noise_between_the_words(tmp_path):
    clean = tmp_path / "clean.wav"
    spoken = m.synth_speech(
        clean, "en", ["hello friends welcome back", "thank you for watching"], pause_s=1.5
    )
    clip = m.make_video_for_audio(
        m.mix_noise(clean, tmp_path / "noisy.wav", spoken, 10.0), tmp_path / "n.mp4"
    )
    info = MediaInfo("n", "n.mp4", "n.mp4", "video", "mp4", 1, m.video_stream_info(clip).duration_s, 320, 180,
                     25.0, True, True)  # fmt: skip
    timeline = Timeline().append_clip(info)
    snr = {}
    for name, edited in (
        ("raw", timeline),
        ("clean", audio.apply(audio.CleanVoice(), Inputs(timeline, "en")).timeline),
    ):
        out = tmp_path / f"{name}.mp4"
        render_draft(
            edited.to_draft(), {"n": info}, tmp_path, out, lambda _: None, options=RenderOptions("ultrafast")
        )
        samples, rate = m.mono_samples(out), 8000
        speech = np.concatenate([samples[int(a * rate) : int(b * rate)] for a, b in spoken])
        pause = samples[int((spoken[0][1] + 0.3) * rate) : int((spoken[1][0] - 0.3) * rate)]
        snr[name] = level_db(speech) - level_db(pause)
    assert snr["clean"] >= snr["raw"] + 6, snr
