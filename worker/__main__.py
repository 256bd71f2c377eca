"""`python -m worker`: an RQ worker, with the scheduler, on the project's queues."""

from __future__ import annotations

from bot.logs import configure_logging
from bot.settings import Settings
from worker import context
from worker.enqueue import QUEUES
from worker.runner import build_worker, release_stale_scheduler_locks


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_level, settings.secrets())
    ctx = context.init(settings)
    release_stale_scheduler_locks(ctx.redis, QUEUES)
    build_worker(ctx.redis, settings, QUEUES).work(with_scheduler=True, logging_level=settings.log_level)


if __name__ == "__main__":
    main()
