"""The workers' public face: one function per kind of job. The only worker module `bot/` imports.

Every job here is serialized as JSON (never pickle: whoever can write to Redis could otherwise run code in a
worker), names the chat and the request but never a secret, has an explicit timeout, and retries only where
a retry is safe. A chat's requests run one after another: each depends on the chat's previous job.
"""

from __future__ import annotations

import re
from datetime import timedelta

from redis import Redis
from rq import Callback, Queue, Retry
from rq.command import send_stop_job_command
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Dependency, Job, JobStatus
from rq.serializers import JSONSerializer

from bot import keys
from bot.models import Request
from bot.settings import Settings

QUICK = "nvb-quick"
STREAM = "nvb-stream"
MEDIA = "nvb-media"
QUEUES = (QUICK, STREAM, MEDIA)

_JOBS = {
    "upload": ("worker.jobs.upload.upload_media", MEDIA),
    "edit": ("worker.jobs.turn.run_edit_turn", STREAM),
    "export": ("worker.jobs.export.submit_export", QUICK),
    "credits": ("worker.jobs.info.show_credits", QUICK),
    "status": ("worker.jobs.info.show_status", QUICK),
}


_ENDED = {None, JobStatus.FINISHED, JobStatus.FAILED, JobStatus.CANCELED, JobStatus.STOPPED}


def _status(redis: Redis, job_id: str) -> JobStatus | None:
    try:
        return Job.fetch(job_id, connection=redis, serializer=JSONSerializer).get_status()
    except NoSuchJobError:
        return None


def queue(redis: Redis, name: str) -> Queue:
    """A project queue with the JSON serializer."""
    return Queue(name, connection=redis, serializer=JSONSerializer)


def request_job_id(request_id: str) -> str:
    """The deterministic job id of a request: a redelivered update can never enqueue it twice."""
    return f"req-{request_id}".replace(":", "-")


def request_exists(redis: Redis, request_id: str) -> bool:
    """Whether the request's job was already enqueued (and not yet expired)."""
    return bool(Job.exists(request_job_id(request_id), connection=redis))


def enqueue_request(redis: Redis, settings: Settings, request: Request) -> str:
    """Queue a user's request behind the chat's previous one; returns the job id."""
    func, queue_name = _JOBS[request.kind]
    timeout = {
        QUICK: settings.job_timeout_quick_s,
        STREAM: settings.job_timeout_stream_s,
        MEDIA: settings.job_timeout_upload_s,
    }[queue_name]
    tail_key = keys.chat_tail_key(request.chat.key)
    previous = redis.get(tail_key)
    depends_on = None
    if previous is not None and _status(redis, previous.decode()) not in _ENDED:
        depends_on = Dependency(jobs=[previous.decode()], allow_failure=True)
    # An edit turn is never retried: re-sending a message to the backend duplicates the work and charges
    # twice. A turn whose worker died is recovered from the backend's state instead (on_turn_failed).
    retry = None if request.kind == "edit" else Retry(max=settings.job_retries, interval=[2, 10, 30])
    on_failure = Callback("worker.jobs.turn.on_turn_failed") if request.kind == "edit" else None
    job = queue(redis, queue_name).enqueue(
        func,
        request.model_dump(mode="json"),
        job_id=request_job_id(request.request_id),
        job_timeout=timeout,
        retry=retry,
        depends_on=depends_on,
        on_failure=on_failure,
        result_ttl=keys.REQUEST_TTL_S,
        failure_ttl=keys.REQUEST_TTL_S,
        description=f"{request.kind} {request.request_id}",
    )
    redis.set(tail_key, job.id, ex=keys.REQUEST_TTL_S)
    return job.id


def schedule_render_poll(
    redis: Redis, settings: Settings, render_id: str, attempt: int, delay_s: float | None = None
) -> str:
    """Poll a render again after `delay_s` (`RENDER_POLL_INTERVAL_S`): a short job, never a sleep."""
    job_id = f"poll-{render_id}-{attempt}"
    if Job.exists(job_id, connection=redis):
        return job_id
    queue(redis, QUICK).enqueue_in(
        timedelta(seconds=settings.render_poll_interval_s if delay_s is None else delay_s),
        "worker.jobs.export.poll_render",
        render_id,
        attempt,
        job_id=job_id,
        job_timeout=settings.job_timeout_quick_s,
        retry=Retry(max=settings.job_retries, interval=[2, 10, 30]),
        result_ttl=3600,
        failure_ttl=keys.RENDER_TTL_S,
    )
    return job_id


def enqueue_delivery(redis: Redis, settings: Settings, render_id: str, after: str | None = None) -> str:
    """Send a finished render to its chat; the deterministic id makes a second delivery job impossible.

    `after` names the user's message that reopened a closed chat (WhatsApp's window): one more attempt
    per such message, still guarded by the delivered marker.
    """
    job_id = f"deliver-{render_id}" if after is None else f"deliver-{render_id}-after-{after}"
    return _enqueue_delivery(redis, settings, "worker.jobs.deliver.deliver_video", (render_id,), job_id)


def enqueue_document(redis: Redis, settings: Settings, request_id: str, url: str, name: str) -> str:
    """Send a file a turn produced (the subtitles) to the request's chat, as a document; one job per
    request and file, retried on a definite refusal, guarded by its delivered marker."""
    job_id = re.sub(r"[^\w-]", "-", f"document-{request_id}-{keys.document_id(url)}")
    args = (request_id, url, name)
    return _enqueue_delivery(redis, settings, "worker.jobs.documents.deliver_document", args, job_id)


def _enqueue_delivery(redis: Redis, settings: Settings, func: str, args: tuple[str, ...], job_id: str) -> str:
    """A delivery job, once per id (a second enqueue is a no-op), retried on a definite refusal."""
    if Job.exists(job_id, connection=redis):
        return job_id
    queue(redis, MEDIA).enqueue(
        func,
        *args,
        job_id=job_id,
        job_timeout=settings.job_timeout_upload_s,
        retry=Retry(max=settings.job_retries, interval=[5, 30, 60]),
        result_ttl=keys.DELIVERED_TTL_S,
        failure_ttl=keys.RENDER_TTL_S,
    )
    return job_id


def schedule_turn_recovery(redis: Redis, settings: Settings, request_id: str, read: int) -> str:
    """Read the backend's state later to learn whether a dropped turn's edit landed (never re-send it)."""
    delay = settings.recovery_first_wait_s if read == 1 else settings.recovery_next_wait_s
    job_id = f"recover-{request_id}-{read}".replace(":", "-")
    if Job.exists(job_id, connection=redis):
        return job_id
    queue(redis, QUICK).enqueue_in(
        timedelta(seconds=delay),
        "worker.jobs.turn.recover_turn",
        request_id,
        read,
        job_id=job_id,
        job_timeout=settings.job_timeout_quick_s,
        retry=Retry(max=settings.job_retries, interval=[2, 10, 30]),
        result_ttl=3600,
        failure_ttl=keys.REQUEST_TTL_S,
    )
    return job_id


def schedule_rate_limited_retry(
    redis: Redis, settings: Settings, request: Request, retry_after: float | None
) -> str:
    """Run a rate-limited request once more, later (the profile: retry once after 30 s or `Retry-After`)."""
    func, queue_name = _JOBS[request.kind]
    again = request.model_copy(update={"attempt": request.attempt + 1})
    job_id = f"{request_job_id(request.request_id)}-again{again.attempt}"
    if Job.exists(job_id, connection=redis):
        return job_id
    queue(redis, queue_name).enqueue_in(
        timedelta(seconds=max(settings.rate_limit_retry_s, retry_after or 0)),
        func,
        again.model_dump(mode="json"),
        job_id=job_id,
        job_timeout=settings.job_timeout_stream_s,
        result_ttl=keys.REQUEST_TTL_S,
        failure_ttl=keys.REQUEST_TTL_S,
    )
    return job_id


class RQJobs:
    """The conversation's view of the queue: enqueue, look up and cancel a chat's requests."""

    def __init__(self, redis: Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings

    def enqueue(self, request: Request) -> str:
        """Queue the request behind the chat's previous one."""
        return enqueue_request(self.redis, self.settings, request)

    def exists(self, request_id: str) -> bool:
        """Whether the request was already queued (a redelivered update)."""
        return request_exists(self.redis, request_id)

    def is_pending(self, request_id: str) -> bool:
        """Still queued or running, or (an export) its render still being followed."""
        render = self.redis.get(keys.export_key(request_id))
        if render is not None and self.redis.sismember(keys.active_renders_key(), render):
            return True
        return _status(self.redis, request_job_id(request_id)) not in _ENDED

    def cancel(self, request_id: str) -> bool:
        """Stop a request wherever it is: queued, running, or its render being followed."""
        job_id = request_job_id(request_id)
        status = _status(self.redis, job_id)
        cancelled = False
        if status == JobStatus.STARTED:
            send_stop_job_command(self.redis, job_id, serializer=JSONSerializer)
            cancelled = True
        elif status not in _ENDED:
            try:
                job = Job.fetch(job_id, connection=self.redis, serializer=JSONSerializer)
                job.cancel(enqueue_dependents=True)
                cancelled = True
            except (NoSuchJobError, InvalidJobOperation):
                pass
        render = self.redis.get(keys.export_key(request_id))
        if render is not None and self.redis.srem(keys.active_renders_key(), render):
            cancelled = True
        return cancelled
