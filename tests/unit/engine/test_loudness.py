"""The delivered level: one gain to -14 LUFS, and the limiter only when that gain would lift the peaks too
high, its loss of loudness corrected by measured trials."""

import pytest

from engine.errors import RenderError
from engine.loudness import Level, Loudness, parse_loudness, settle_level

SUMMARY = """[Parsed_ebur128_0 @ 0x1] Summary:

  Integrated loudness:
    I:         -22.1 LUFS
    Threshold: -32.3 LUFS

  Loudness range:
    LRA:         2.1 LU
    Threshold: -42.4 LUFS
    LRA low:   -23.5 LUFS
    LRA high:  -21.4 LUFS

  True peak:
    Peak:       -4.7 dBFS
[out#0/null @ 0x2] video:0KiB audio:7312KiB"""


def test_the_summary_gives_the_loudness_and_true_peak_and_silence_needs_no_level():
    assert parse_loudness("[Parsed_ebur128_0 @ 0x1] t: 0.1 M: -120.7\n" + SUMMARY) == Loudness(-22.1, -4.7)
    silent = SUMMARY.replace("-22.1 LUFS", "-70.0 LUFS").replace("-4.7 dBFS", "-inf dBFS")
    assert parse_loudness(silent) is None
    assert settle_level(None, lambda level: pytest.fail("no trial of silence")) is None
    with pytest.raises(RenderError):
        parse_loudness("Error opening input")


def test_a_gain_that_keeps_the_peaks_low_is_applied_alone_without_a_trial():
    level = settle_level(Loudness(-20.0, -9.0), lambda level: pytest.fail("no trial needed"))
    assert level == Level(6.0, limited=False)
    assert level.filters() == "volume=6.00dB"
    assert settle_level(Loudness(-8.5, -0.2), lambda level: pytest.fail("lowering cannot clip")) == Level(
        -5.5, limited=False
    )


def test_the_limiters_loss_is_measured_and_made_up_at_most_twice():
    tried: list[Level] = []
    heard = iter([Loudness(-15.4, -2.2), Loudness(-14.5, -2.2)])  # what the limiter took each time

    def trial(level: Level) -> Loudness:
        tried.append(level)
        return next(heard)

    level = settle_level(Loudness(-22.0, -4.7), trial)  # +8 dB would put the peaks at +3.3 dBTP
    assert [round(t.gain_db, 2) for t in tried] == [8.0, 9.4]
    assert level is not None and level.limited and round(level.gain_db, 2) == 9.9
    assert "alimiter=limit=-2.5dB" in level.filters()


def test_a_trial_near_the_target_ends_the_trials():
    tried: list[Level] = []

    def trial(level: Level) -> Loudness:
        tried.append(level)
        return Loudness(-14.2, -2.4)

    assert settle_level(Loudness(-16.0, -3.0), trial) == Level(2.0, limited=True)
    assert len(tried) == 1
