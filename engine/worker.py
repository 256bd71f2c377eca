"""`python -m engine.worker`: an RQ worker (with its scheduler) on the engine's render queue."""

from __future__ import annotations

import logging

from redis import Redis
from rq import Queue, Worker
from rq.serializers import JSONSerializer

from engine.settings import EngineSettings


def main() -> None:
    """Work on renders until stopped (SIGTERM / Ctrl-C finish the current job first)."""
    settings = EngineSettings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    connection = Redis.from_url(settings.redis_url)
    queue = Queue(settings.render_queue, connection=connection, serializer=JSONSerializer)
    worker = Worker([queue], connection=connection, serializer=JSONSerializer)
    worker.work(with_scheduler=True, logging_level=settings.log_level)


if __name__ == "__main__":
    main()
