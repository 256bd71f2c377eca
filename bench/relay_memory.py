"""Relay-memory benchmark: a worker's peak memory while it relays a user's file from Telegram to NemoVideo.

Usage: python bench/relay_memory.py [--sizes 50,500]

For each size (MB) a sparse file is registered with the fake Telegram Bot API (cloud mode, its download
limit raised to fit). A fresh worker process then does what the upload job does, with the worker's own
objects (`worker.context.Context`): `TelegramOutbox.fetch_media` streams the file from the fake's file
endpoint to disk, and `NemoClient.upload_file` streams it on to the NemoVideo double. The worker reports
its peak resident memory (VmHWM) before and after the relay; the growth should be the same
few MB for every size. The two servers run in this parent process and hold each upload in memory (the
double reads and probes it whole), so the parent's memory is not the worker's and is not reported.
Each size's files are removed once it is measured (the largest size needs its size on disk once).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from redis import Redis  # noqa: E402

from bot.models import MediaRef  # noqa: E402
from bot.settings import MB, Settings  # noqa: E402
from tests.fakes.nemo_double import NemoDouble, OutputMedia  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402
from worker.context import Context  # noqa: E402

# Never contacted: fetching and uploading a file book no Telegram send, so the limiter stays idle.
_UNUSED_REDIS = "redis://127.0.0.1:6379/15"


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux's VmHWM).

    Not getrusage's ru_maxrss: Linux carries that across exec, so a worker started by this parent would
    inherit the parent's peak (it holds the uploads) instead of starting from its own.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status: this benchmark needs Linux")


def relay(file_id: str, size: int, workdir: Path) -> dict[str, float]:
    """The worker side: fetch the file from Telegram to disk, upload it to NemoVideo, measure both."""
    context = Context(Settings(), Redis.from_url(_UNUSED_REDIS))
    outbox = context.outbox("telegram")
    nemo = context.nemo
    token = nemo.anonymous_token("relay-memory-bench").token.get_secret_value()
    session_id = nemo.create_session(token, "en").session_id
    before = peak_rss_mb()
    started = time.monotonic()
    local = outbox.fetch_media(MediaRef(kind="video", file_id=file_id, file_size=size), workdir / "clip.mp4")
    fetched = time.monotonic()
    uploaded = nemo.upload_file(token, session_id, local, "clip.mp4", "video/mp4")
    done = time.monotonic()
    if local.stat().st_size != size or len(uploaded.files) != 1:
        raise RuntimeError("the relay lost bytes or files")
    outbox.close()
    nemo.close()
    return {
        "fetch_s": fetched - started,
        "upload_s": done - fetched,
        "peak_before_mb": before,
        "peak_after_mb": peak_rss_mb(),
    }


def measure(size_mb: int, folder: Path, telegram: FakeTelegram, nemo: NemoDouble) -> dict[str, float]:
    """Make a sparse file of `size_mb`, and relay it in a fresh worker process."""
    source = folder / f"source_{size_mb}.mp4"
    with source.open("wb") as file:
        file.truncate(size_mb * MB)
    stored = telegram.register_file(source, folder="videos")
    workdir = folder / f"worker_{size_mb}"
    env = os.environ | telegram.env()
    env |= {
        "NEMO_API_BASE": nemo.url,
        "TELEGRAM_DOWNLOAD_LIMIT_BYTES": str(size_mb * MB),
        "WORK_DIR": str(workdir),
    }
    command = [sys.executable, __file__, "--worker", stored.file_id, str(size_mb * MB), str(workdir)]
    try:
        output = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
    finally:
        source.unlink()
        shutil.rmtree(workdir, ignore_errors=True)
    result: dict[str, float] = json.loads(output)
    return result


def main() -> None:
    """Run the benchmark for each size and print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="50,500", help="file sizes in MB, comma-separated")
    parser.add_argument("--worker", nargs=3, metavar=("FILE_ID", "BYTES", "WORKDIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        file_id, size, workdir = args.worker
        print(json.dumps(relay(file_id, int(size), Path(workdir))))
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    print("Telegram file endpoint -> fetch_media -> disk -> NemoClient.upload_file, in a fresh worker")
    print(f"{'size':>8}  {'fetch':>8}  {'upload':>8}  {'peak RSS before':>15}  {'after':>9}  {'growth':>8}")
    with tempfile.TemporaryDirectory(prefix="relay-bench-") as tmp:
        folder = Path(tmp)
        with (
            FakeTelegram(download_limit_bytes=max(sizes) * MB) as telegram,
            NemoDouble(OutputMedia(folder)) as nemo,
        ):
            nemo.config.max_upload_bytes = max(sizes) * MB
            for size_mb in sizes:
                r = measure(size_mb, folder, telegram, nemo)
                growth = r["peak_after_mb"] - r["peak_before_mb"]
                print(
                    f"{size_mb:>5} MB  {r['fetch_s']:>6.1f} s  {r['upload_s']:>6.1f} s  "
                    f"{r['peak_before_mb']:>12.1f} MB  {r['peak_after_mb']:>6.1f} MB  {growth:>+5.1f} MB",
                    flush=True,
                )


if __name__ == "__main__":
    main()
