"""`python -m engine [--with-worker]`: the engine's HTTP server (and, for a one-process setup, a worker)."""

from __future__ import annotations

import argparse
import logging
import signal
import subprocess
import sys
from functools import partial
from types import FrameType

import uvicorn

from engine import startup
from engine.analysis import keep_spans_in_child
from engine.app import create_app
from engine.jobs import enqueue_render
from engine.settings import EngineSettings
from engine.store import Store
from engine.transcribe import SpeechJobs
from engine.turn import run_turn


def main(argv: list[str] | None = None) -> None:
    """Serve until stopped; with --with-worker, run `python -m engine.worker` beside the server."""
    parser = argparse.ArgumentParser(prog="python -m engine", description=__doc__)
    parser.add_argument("--with-worker", action="store_true", help="also start a render worker process")
    args = parser.parse_args(argv)
    settings = EngineSettings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    connection = startup.check_all(settings.redis_url, settings.data_dir, settings.font_folders)
    listener = startup.listen(settings.host, settings.port)
    speech = SpeechJobs(settings, connection)
    # pauses by voice; by loudness (in a limited child) when speech cannot be heard
    loudness = partial(keep_spans_in_child, settings=settings)
    app = create_app(
        settings,
        Store(connection, retention_s=settings.retention_s),
        partial(run_turn, keep_spans_fn=loudness, speech=speech, font_dirs=settings.font_folders),
        partial(enqueue_render, connection, settings),
        on_upload=speech.transcribe_ahead,
    )
    worker = subprocess.Popen([sys.executable, "-m", "engine.worker"]) if args.with_worker else None
    # uvicorn shuts down gracefully on SIGTERM, then raises it again under the handler that was in place
    # before; without this one the process would die there and leave the worker running.
    signal.signal(signal.SIGTERM, _exit)
    try:
        # No access log: a claim link's token travels in the query string and must not land in the logs.
        config = uvicorn.Config(app, ws="none", log_level=settings.log_level.lower(), access_log=False)
        uvicorn.Server(config).run(sockets=[listener])
    finally:
        if worker is not None:
            worker.terminate()  # a warm shutdown: the current render finishes first
            worker.wait()


def _exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


if __name__ == "__main__":
    startup.run("engine", main)
