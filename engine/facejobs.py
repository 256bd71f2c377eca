"""Face detection started ahead of the export, as an RQ job on the speech queue.

Why: the render needs a wide clip's face path before its one FFmpeg run can start, and finding it decodes the
whole clip (0.1-0.3x its length). Left to the render, the first export after "make it vertical" waits for it;
queued by the turn that asks for a followed 9:16 (`queue_face_detection`), it runs while the user reads the
reply and types "export", and the render finds it cached (`engine.reframe.FaceFinder`). The job is the
render's own detection, under the worker's limits; a clip already cached, or a job already queued for it
(a deterministic id per clip), queues nothing. A render that starts first detects the faces itself, as
before, and the job then finds them cached.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.job import JobStatus
from rq.serializers import JSONSerializer

from engine.media import MediaInfo
from engine.reframe import FaceFinder, cache_path, wide_videos
from engine.settings import EngineSettings

log = logging.getLogger(__name__)
_FINISHED_OR_FAILED = {JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}


def job_id(file_id: str) -> str:
    """One detection job per clip at a time."""
    return f"faces-{file_id}"


def find_faces(info: dict[str, Any], data_dir: str) -> None:
    """RQ job: detect the clip's faces into the cache (the worker's own limits, as a render's detection)."""
    finder = FaceFinder.from_settings(EngineSettings(data_dir=Path(data_dir)))
    finder.track(MediaInfo.from_json(info))


def queue_face_detection(
    settings: EngineSettings, connection: Redis, sources: Sequence[MediaInfo], width: int, height: int
) -> list[str]:
    """Queue the detection of every wide video among `sources` that a `width`x`height` frame would follow
    and whose faces are not cached yet; returns the ids of the clips queued (none without a worker)."""
    todo = [
        info
        for info in wide_videos(sources, width, height)
        if not cache_path(settings.data_dir, info.file_id).is_file()
    ]
    queued: list[str] = []
    try:
        queue = Queue(settings.asr_queue, connection=connection, serializer=JSONSerializer)
        if not todo or not Worker.count(queue=queue):
            return []  # the render detects them itself
        for info in todo:
            existing = queue.fetch_job(job_id(info.file_id))
            if existing is not None and existing.get_status(refresh=True) not in _FINISHED_OR_FAILED:
                continue  # already on its way
            if existing is not None:
                existing.delete()
            queue.enqueue_call(
                find_faces,
                args=(info.to_json(), str(settings.data_dir.resolve())),
                job_id=job_id(info.file_id),
                timeout=int(settings.analysis_timeout_s) + 60,
                result_ttl=600,
                failure_ttl=600,
            )
            queued.append(info.file_id)
    except RedisError as exc:  # only a head start: the turn's edit must not be lost over it
        log.warning("face detection not queued ahead (%s): the render will detect them", type(exc).__name__)
        return queued
    log.info("face detection queued for %s", ", ".join(queued) or "nothing")
    return queued
