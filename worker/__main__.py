"""`python -m worker`: an RQ worker, with the scheduler, on the project's queues."""

from __future__ import annotations

from bot.logs import configure_logging
from bot.settings import Settings
from worker import context
from worker.enqueue import QUEUES
from worker.runner import release_stale_scheduler_locks, run_worker


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_level, settings.secrets())
    ctx = context.init(settings)
    release_stale_scheduler_locks(ctx.redis, QUEUES)
    run_worker(ctx.redis, settings, QUEUES)


if __name__ == "__main__":
    main()
