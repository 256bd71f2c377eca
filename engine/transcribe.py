"""Transcription as an RQ job on the speech queue, and the wait for it from an editing turn.

The HTTP process never loads a speech model: a turn that needs words follows `SpeechJobs.follow`, which
returns the cached transcript or queues the job (one per clip and model: a deterministic job id, so two
turns asking at once share one run) and waits for it. The job reports progress 0-100 in its `meta`, and
`follow` yields each step, so that the turn's stream tells its client the wait is alive (a client hearing
only heartbeats for ten minutes gives up, profile §3, and a long clip takes longer than that).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path

from redis import Redis
from rq import Queue, Retry, Worker
from rq.job import Job, JobStatus, get_current_job
from rq.serializers import JSONSerializer

from engine.asrmodel import model_key
from engine.facejobs import queue_face_detection
from engine.media import MediaInfo
from engine.settings import EngineSettings
from engine.speech import Span, SpeechError, Transcript, load_cached, transcribe_to_cache
from engine.speechcut import speech_keep_spans
from engine.store import Store

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
    """The turn's way to transcripts: cache first, else the speech queue, waited on with a time limit.

    `fallback` is the loudness analysis, used for pause removal when speech cannot be heard.
    """

    settings: EngineSettings
    connection: Redis
    fallback: Callable[[Path], list[Span]] | None = None

    def follow(self, info: MediaInfo, language: str = "") -> Generator[int, None, Transcript]:
        """The clip's transcript, yielding the transcription's progress (0-100) each time it moves while it
        is waited on; raises SpeechError when transcription failed or took too long."""
        return self._follow(info.file_id, info.absolute(self.settings.data_dir), language)

    def keep_spans(self, path: Path) -> list[Span]:
        """Pause removal for one clip (an upload is stored under its file id): speech-aware, or the loudness
        analysis when there is no speech model or worker, or no voice at all (music would all be cut)."""
        try:
            spans = speech_keep_spans(self.transcript_of(path.stem, path))
        except SpeechError as error:
            log.warning("pause removal by loudness for %s: %s", path.stem, error)
            spans = []
        if not spans and self.fallback is not None:
            return self.fallback(path)
        return spans

    def transcript_of(self, file_id: str, path: Path, language: str = "") -> Transcript:
        """The transcript of the clip `file_id` stored at `path` (see `follow`), its progress unheard."""
        steps = self._follow(file_id, path, language)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                transcript: Transcript = done.value
                return transcript

    def _follow(self, file_id: str, path: Path, language: str) -> Generator[int, None, Transcript]:
        cached = load_cached(self.settings.data_dir, file_id, self.settings.asr_model)
        if cached is not None:
            return cached
        job = self._job(file_id, path, language)
        deadline = time.monotonic() + self.settings.asr_timeout_s + 60
        told = -1
        while time.monotonic() < deadline:
            status = job.get_status(refresh=True)
            if status == JobStatus.FINISHED:
                if told < 100:
                    yield 100  # the end of the wait, however fast the last steps went by
                break
            if status in _FAILED or status is None:
                raise SpeechError(_reason(job))
            progress = job.get_meta(refresh=True).get("progress")
            if isinstance(progress, int) and progress > told:
                told = progress
                yield progress
            time.sleep(_POLL_S)  # RQ has no blocking wait on a job; this polls one small hash
        else:
            raise SpeechError("transcription took too long")
        done = load_cached(self.settings.data_dir, file_id, self.settings.asr_model)
        if done is None:
            raise SpeechError("the transcript was not saved")
        return done

    def find_faces(self, sources: Sequence[MediaInfo], width: int, height: int) -> None:
        """Start the face detection of the wide clips a followed `width`x`height` frame needs (no wait)."""
        queue_face_detection(self.settings, self.connection, sources, width, height)

    def publish(self, source: MediaInfo, text: str) -> str:
        """Write an .srt made from the clip `source` where the engine serves files, and return its URL.
        It is named after the clip (deleted with it, `engine.speech.derived_files`) and recorded as the
        clip owner's stored file, so that it counts towards their stored bytes and expires with the clip."""
        encoded = text.encode("utf-8")
        relative = f"files/captions/{source.file_id}-{secrets.token_hex(16)}.srt"
        path = self.settings.data_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(encoded)
        Store(self.connection).track_derived(source.path, relative, len(encoded))
        return f"{self.settings.public_base_url.rstrip('/')}/{relative}"

    def _job(self, file_id: str, path: Path, language: str) -> Job:
        queue = Queue(self.settings.asr_queue, connection=self.connection, serializer=JSONSerializer)
        if not Worker.count(queue=queue):
            raise SpeechError("no engine worker is running for the speech queue")
        jid = job_id(file_id, self.settings.asr_model)
        existing = queue.fetch_job(jid)
        if existing is not None and existing.get_status(refresh=True) not in _FAILED:
            return existing
        if existing is not None:
            existing.delete()  # a failed run is tried again by the next turn that asks
        return queue.enqueue_call(
            transcribe,
            args=(
                file_id,
                str(path.resolve()),
                language,
                str(self.settings.data_dir.resolve()),
                self.settings.asr_model,
            ),
            job_id=jid,
            # once more after a crash (a killed work horse): the cache is written whole or not at all
            retry=Retry(max=1),
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
