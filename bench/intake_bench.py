"""Intake benchmark: what one wake of the Telegram intake reads from Redis while a backlog waits.

Usage: python bench/intake_bench.py [--backlogs 1000,10000,50000]

For each backlog size, that many updates are recorded (`UpdateIntake.record`, in batches of 100 as long
polling brings them) into a private redis-server and taken up once, as the runner does while slow chats
still hold them; then one more update arrives and one wake (`UpdateIntake.pending`) picks it up. It
prints the bytes Redis sent for that wake and its time, next to the whole-intake read a process does once
when it takes the intake over. The wake's bytes stay the same whatever the backlog; the takeover's grow
with it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from redis import Redis  # noqa: E402

from bot.playground.services import RedisServer  # noqa: E402
from bot.telegram.intake import UpdateIntake  # noqa: E402


def _update(update_id: int) -> dict[str, object]:
    chat = {"id": update_id % 500, "type": "private", "first_name": "Asha"}
    message = {"message_id": update_id, "date": 1_700_000_000, "chat": chat, "text": "silences hata do"}
    return {"update_id": update_id, "message": message}


def _sent(redis: Redis) -> int:
    return int(redis.info("stats")["total_net_output_bytes"])


def _measure(redis: Redis, read: Callable[[], object]) -> tuple[int, float]:
    info = _sent(redis) - _sent(redis)  # minus the size of one INFO reply
    before, started = _sent(redis), time.perf_counter()
    read()
    elapsed = time.perf_counter() - started
    return _sent(redis) - before + info, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backlogs", default="1000,10000,50000")
    sizes = [int(n) for n in parser.parse_args().backlogs.split(",")]
    print("one wake of the intake with a backlog waiting (bytes Redis sent, time)")
    print(f"{'backlog':>8} {'wake':>10} {'wake ms':>8} {'takeover':>11} {'takeover ms':>12}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            server = RedisServer(Path(folder))
            try:
                redis = server.client()
                intake = UpdateIntake(redis)
                for first in range(1, size + 1, 100):
                    intake.record([_update(uid) for uid in range(first, min(first + 100, size + 1))])
                known = set(intake.pending(everything=True)[0])
                intake.record([_update(size + 1)])
                wake, wake_s = _measure(redis, partial(intake.pending, known))
                takeover, takeover_s = _measure(redis, partial(intake.pending, known, everything=True))
            finally:
                server.stop()
        print(f"{size:>8} {wake:>8} B {wake_s * 1000:>8.2f} {takeover:>9} B {takeover_s * 1000:>12.2f}")


if __name__ == "__main__":
    main()
