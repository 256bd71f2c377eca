"""When a render is given up on: a stall or the ceiling, never a count of polls."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from worker.jobs.export import Watch, verdict

SETTINGS = Settings(render_stall_timeout_s=600, render_wait_per_clip_s=20, render_max_wait_s=6 * 3600)


@pytest.mark.parametrize(
    ("watch", "now", "expected"),
    [
        # progressing for an hour (a busy engine's queue, a long clip): still followed
        (Watch(submitted_at=0, changed_at=3590, progressed=True, clip_s=60), 3600, "follow"),
        # no change for longer than the stall timeout
        (Watch(submitted_at=0, changed_at=1000, progressed=True, clip_s=60), 1601, "slow"),
        # no progress ever reported: a 60 s clip gets 20 s per second of clip = 1200 s
        (Watch(submitted_at=0, changed_at=0, progressed=False, clip_s=60), 1100, "follow"),
        (Watch(submitted_at=0, changed_at=0, progressed=False, clip_s=60), 1201, "slow"),
        # a short clip still gets the stall timeout
        (Watch(submitted_at=0, changed_at=0, progressed=False, clip_s=3), 599, "follow"),
        # past the ceiling, even while progressing
        (Watch(submitted_at=0, changed_at=21_600, progressed=True, clip_s=60), 21_601, "abandon"),
    ],
)
def test_verdict(watch: Watch, now: float, expected: str):
    assert verdict(watch, now, SETTINGS) == expected
