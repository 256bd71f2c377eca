"""`python -m worker`: an RQ worker, with the scheduler, on the project's queues."""

from __future__ import annotations

from bot import startup
from bot.logs import configure_logging
from bot.settings import Settings
from engine.supervisor import release_stale_scheduler_locks
from worker import context
from worker.enqueue import QUEUES
from worker.runner import run_worker

_secrets: list[str] = []


def main() -> None:
    settings = Settings()
    _secrets.extend(settings.secrets())
    configure_logging(settings.log_level, settings.secrets())
    startup.check_redis(settings.redis_url, "REDIS_URL")
    startup.check_writable(settings.work_dir, "WORK_DIR")
    startup.check_ffmpeg()  # thumbnails and media checks of deliveries
    ctx = context.init(settings)
    release_stale_scheduler_locks(ctx.redis, QUEUES)
    run_worker(ctx.redis, settings, QUEUES)


if __name__ == "__main__":
    startup.run("worker", main, lambda: _secrets)
