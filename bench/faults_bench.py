"""Load and fault figures: a burst of chats, and a worker killed mid-job. Prints figures, asserts nothing.

Usage: python bench/faults_bench.py [--chats 200] [--skip-kill]

1. Burst. `python -m bot` against the fake Telegram Bot API with Telegram's cloud flood limits (30 messages
   a second overall, about 1 a second per chat). Every chat sends `/start` and one message at once. Printed:
   the time from a chat's first update to the bot's first reply (p50, p99, max), the time until every
   reply was out, and the number of 429 answers.
2. Worker kill. `python -m bot` and `python -m worker` with the NemoVideo double; a render is being followed
   when the worker's work horse is killed by pid in the middle of a poll, and the worker with it. A new
   worker starts at once. Printed: the time from the kill to the first poll of the resumed render, and to
   the delivered video.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.kills import kill_horse  # noqa: E402
from tests.fakes.nemo_double import NemoDouble, OutputMedia  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402
from tests.media import make_tone_clip  # noqa: E402
from tests.processes import RedisServer, Service, wait_for  # noqa: E402

FIRST_CHAT = 820_000


def _env(fake: FakeTelegram, redis: RedisServer, folder: Path, **extra: str) -> dict[str, str]:
    return (
        fake.env()
        | {
            "REDIS_URL": redis.url,
            "WORK_DIR": str(folder / "work"),
            "TELEGRAM_POLL_TIMEOUT_S": "1",
            "LOG_LEVEL": "WARNING",
        }
        | extra
    )


def burst(chats: int, folder: Path) -> None:
    """Section 1 (see the module docstring)."""
    redis = RedisServer(folder)
    with FakeTelegram() as fake:
        chat_ids = [FIRST_CHAT + n for n in range(chats)]
        for chat_id in chat_ids:
            fake.add_chat(chat_id)
        bot = Service("bot", _env(fake, redis, folder), folder / "burst-bot.log")
        try:
            fake.wait_for_poll(30)
            sent_at: dict[int, float] = {}
            last_update = 0
            for chat_id in chat_ids:
                fake.send_text(chat_id, "/start")
                sent_at[chat_id] = time.monotonic()
                last_update = fake.send_text(chat_id, "remove the silences")
            first_reply: dict[int, float] = {}
            confirmed_at: float | None = None
            deadline = time.monotonic() + 180
            while len(first_reply) < chats and time.monotonic() < deadline:
                if confirmed_at is None and fake.state.is_confirmed(last_update):
                    confirmed_at = time.monotonic()
                for chat_id in chat_ids:
                    if chat_id not in first_reply and fake.messages(chat_id):
                        first_reply[chat_id] = time.monotonic() - sent_at[chat_id]
                # Coarse on purpose: the fake serves the bot from this process, and a tight scan of 200
                # chats would take its CPU (figures are to about a quarter of a second).
                time.sleep(0.25)
            # Seen during the scan above (to its quarter of a second), or waited for now.
            confirmed = confirmed_at or wait_for(
                lambda: fake.state.is_confirmed(last_update) and time.monotonic(),
                180,
                "the updates confirmed",
            )
            all_out = wait_for(
                lambda: len(fake.calls("sendMessage")) >= 2 * chats and time.monotonic(), 180, "every reply"
            )
            delays = sorted(first_reply.values())
            print(f"burst of {chats} chats (/start + one message each), Telegram's cloud flood limits:")
            print(
                f"  first reply: p50 {_pct(delays, 50):.1f} s, p99 {_pct(delays, 99):.1f} s,"
                f" max {delays[-1]:.1f} s"
            )
            print(
                f"  chats answered: {len(delays)}/{chats};"
                f" every reply out after {all_out - min(sent_at.values()):.1f} s"
            )
            print(f"  every update recorded and confirmed by {confirmed - min(sent_at.values()):.1f} s")
            print(f"  429 answers: {fake.error_count(429)}")
        finally:
            bot.stop()
            redis.stop()


def worker_kill(folder: Path) -> None:
    """Section 2 (see the module docstring)."""
    redis = RedisServer(folder)
    clip = make_tone_clip(folder / "phone clip.mp4")
    chat = FIRST_CHAT - 1
    with FakeTelegram() as fake, NemoDouble(OutputMedia(_made(folder / "media"))) as nemo:
        nemo.config.render_polls = 8
        env = _env(
            fake,
            redis,
            folder,
            NEMO_API_BASE=nemo.url,
            RENDER_POLL_INTERVAL_S="0.3",
            JOB_MONITORING_INTERVAL_S="1",
            WORKER_TTL_S="5",
            MAINTENANCE_INTERVAL_S="2",
        )
        services = [
            Service("bot", env, folder / "kill-bot.log"),
            Service("worker", env, folder / "kill-w1.log"),
        ]
        try:
            fake.send_video(chat, clip)
            fake.wait_for(lambda m: (m.text or "").startswith('Uploaded "'), 30)
            fake.send_text(chat, "add background music")
            fake.wait_for(lambda m: "act:export" in m.callback_data, 30)
            fake.send_text(chat, "export")
            wait_for(lambda: len(nemo.calls("render_poll")) >= 2, 30, "the render to be followed")
            nemo.answer_late("render_poll", 60)
            polls = len(nemo.calls("render_poll"))
            kill_horse(redis.client(), services[1], "poll-")
            services[1].kill()
            killed_at = time.monotonic()
            nemo.answer_late("render_poll", 0)
            services.append(Service("worker", env, folder / "kill-w2.log"))
            wait_for(lambda: len(nemo.calls("render_poll")) > polls + 1, 120, "the render to be resumed")
            resumed = time.monotonic() - killed_at
            fake.wait_for(lambda m: m.media is not None, 120)
            delivered = time.monotonic() - killed_at
            print(
                "worker killed (work horse by pid, mid-poll, then the worker), a new worker started at once:"
            )
            print(f"  kill → resumed polling: {resumed:.1f} s; kill → video delivered: {delivered:.1f} s")
            print(
                f"  videos delivered: {len(fake.videos(chat))},"
                f" renders submitted: {len(nemo.calls('render_submit'))}"
            )
        finally:
            for service in services:
                service.stop()
            redis.stop()


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _pct(values: list[float], pct: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--skip-kill", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "burst").mkdir()
        burst(args.chats, Path(tmp) / "burst")
        if not args.skip_kill:
            (Path(tmp) / "kill").mkdir()
            worker_kill(Path(tmp) / "kill")


if __name__ == "__main__":
    main()
