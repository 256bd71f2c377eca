"""Transcription as an RQ job on the speech queue, and the wait for it from an editing turn.

The HTTP process never loads a speech model: a turn that needs words asks `SpeechJobs.transcript`, which
returns the cached transcript or queues the job (one per clip and model: a deterministic job id, so two
turns asking at once share one run) and waits for it. The job reports progress 0-100 in its `meta`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from redis import Redis
from rq import Queue
from rq.job import Job, JobStatus, get_current_job
from rq.serializers import JSONSerializer

from engine.asrmodel import model_key
from engine.media import MediaInfo
from engine.settings import EngineSettings
from engine.speech import SpeechError, Transcript, load_cached, transcribe_to_cache

log = logging.getLogger(__name__)
_POLL_S = 0.25
_FAILED = {JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}


def job_id(file_id: str, model: str) -> str:
    """One transcription job per clip and model."""
    return f"speech-{file_id}-{model_key(model)}".replace(".", "_")  # RQ ids: letters, digits, - and _


def transcribe(file_id: str, media_path: str, language: str, data_dir: str, model: str) -> None:
    """RQ job: transcribe one clip into the cache, with progress in the job's meta."""
    job = get_current_job()
    # the queueing engine's folder and model win over the worker's environment (limits are the worker's)
    settings = EngineSettings(data_dir=Path(data_dir), asr_model=model)

    def progress(percent: int) -> None:
        if job is not None:
            job.meta["progress"] = percent
            job.save_meta()  # type: ignore[no-untyped-call]

    transcribe_to_cache(Path(media_path), file_id, settings, language, progress)
    progress(100)


@dataclass
class SpeechJobs:
    """The turn's way to transcripts: cache first, else the speech queue, waited on with a time limit."""

    settings: EngineSettings
    connection: Redis

    def transcript(self, info: MediaInfo, language: str = "") -> Transcript:
        """The clip's transcript; raises SpeechError when transcription failed or took too long."""
        cached = load_cached(self.settings.data_dir, info.file_id, self.settings.asr_model)
        if cached is not None:
            return cached
        job = self._job(info, language)
        deadline = time.monotonic() + self.settings.asr_timeout_s + 60
        while time.monotonic() < deadline:
            status = job.get_status(refresh=True)
            if status == JobStatus.FINISHED:
                break
            if status in _FAILED or status is None:
                raise SpeechError(_reason(job))
            time.sleep(_POLL_S)  # RQ has no blocking wait on a job; this polls one small hash
        else:
            raise SpeechError("transcription took too long")
        done = load_cached(self.settings.data_dir, info.file_id, self.settings.asr_model)
        if done is None:
            raise SpeechError("the transcript was not saved")
        return done

    def publish(self, name: str, text: str) -> str:
        """Write a file for the user (an .srt) where the engine serves files; return its URL."""
        relative = f"files/captions/{name}"
        path = self.settings.data_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return f"{self.settings.public_base_url.rstrip('/')}/{relative}"

    def _job(self, info: MediaInfo, language: str) -> Job:
        queue = Queue(self.settings.asr_queue, connection=self.connection, serializer=JSONSerializer)
        jid = job_id(info.file_id, self.settings.asr_model)
        existing = queue.fetch_job(jid)
        if existing is not None and existing.get_status(refresh=True) not in _FAILED:
            return existing
        if existing is not None:
            existing.delete()  # a failed run is tried again by the next turn that asks
        return queue.enqueue_call(
            transcribe,
            args=(
                info.file_id,
                str(info.absolute(self.settings.data_dir).resolve()),
                language,
                str(self.settings.data_dir.resolve()),
                self.settings.asr_model,
            ),
            job_id=jid,
            timeout=int(self.settings.asr_timeout_s) + 60,
            result_ttl=600,
            failure_ttl=600,
        )


def _reason(job: Job) -> str:
    """The failed job's own SpeechError message (plain words), else a generic one."""
    result = job.latest_result()
    text = (result.exc_string or "") if result is not None else ""
    line = next((ln for ln in reversed(text.splitlines()) if "Error: " in ln), "")
    return line.split("Error: ", 1)[1] if line else "transcription failed"
