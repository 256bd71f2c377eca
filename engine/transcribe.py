"""Transcription as an RQ job on the speech queue, and the wait for it from an editing turn.

The HTTP process never loads a speech model: a turn that needs words follows `SpeechJobs.follow`, which
returns the cached transcript or queues the job (one per clip and model: a deterministic job id, so two
turns asking at once share one run) and waits for it. The job reports progress 0-100 in its `meta`, and
`follow` yields each step, so that the turn's stream tells its client the wait is alive (a client hearing
only heartbeats for ten minutes gives up, profile §3, and a long clip takes longer than that).

Each clip is transcribed once: its upload queues the job (`transcribe_ahead`, in the session's language,
the only one an upload knows: the profile's upload request names none), so that the user's first "captions
lagao" or voice cut joins the run under way or reads the cache. A turn in another language reuses that
transcript unless the language would have changed what was decoded (`Transcript.suits`), and only then
runs it again.
"""

from __future__ import annotations

import importlib.util
import logging
import secrets
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, Worker
from rq.job import Job, JobStatus, get_current_job
from rq.serializers import JSONSerializer

from engine.asrmodel import model_key
from engine.facejobs import queue_face_detection
from engine.media import MediaInfo
from engine.settings import EngineSettings
from engine.speech import SpeechError, Transcript, load_cached, transcribe_to_cache
from engine.store import Store

log = logging.getLogger(__name__)
_POLL_S = 0.25
_FAILED = {JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}
_DONE = {JobStatus.FINISHED, *_FAILED}


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
    """The turn's way to transcripts: cache first, else the speech queue, waited on with a time limit; and
    the upload's way to start them early (`transcribe_ahead`)."""

    settings: EngineSettings
    connection: Redis

    def follow(
        self, info: MediaInfo, language: str = "", deadline: float | None = None
    ) -> Generator[int, None, Transcript]:
        """The clip's transcript, yielding the transcription's progress (0-100) each time it moves while it
        is waited on (until `deadline`, a `time.monotonic()` instant, at the latest: the turn's own end);
        raises SpeechError when transcription failed or took too long."""
        return self._follow(info.file_id, info.absolute(self.settings.data_dir), language, deadline)

    def transcript_of(self, file_id: str, path: Path, language: str = "") -> Transcript:
        """The transcript of the clip `file_id` stored at `path` (see `follow`), its progress unheard."""
        steps = self._follow(file_id, path, language, None)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                transcript: Transcript = done.value
                return transcript

    def transcribe_ahead(self, uploads: Sequence[MediaInfo], language: str) -> list[str]:
        """Queue the transcription of every upload with sound (in the session's `language`) as it is stored,
        so that the turn asking for captions or a voice cut finds it cached or running; returns the ids of
        the clips queued. Only a head start: without the `captions` extra, a speech worker or Redis, nothing
        is queued and the upload goes on (a turn that needs words then says why it has none)."""
        heard = [info for info in uploads if info.has_audio and info.kind in ("video", "audio")]
        if not heard or importlib.util.find_spec("faster_whisper") is None:
            return []
        queued: list[str] = []
        try:
            for info in heard:
                cached = load_cached(self.settings.data_dir, info.file_id, self.settings.asr_model)
                if cached is None or not cached.suits(language):
                    path = info.absolute(self.settings.data_dir)
                    self._job(info.file_id, path, language)
                    queued.append(info.file_id)
        except SpeechError as error:  # no worker: the first turn that needs the words says so
            log.info("transcription not queued at upload: %s", error)
        except RedisError as exc:
            log.warning("transcription not queued at upload (%s): a turn will queue it", type(exc).__name__)
        return queued

    def _follow(
        self, file_id: str, path: Path, language: str, deadline: float | None
    ) -> Generator[int, None, Transcript]:
        """Wait for the job that runs (whatever language it was queued in); if what it made does not suit
        `language`, queue one in `language` and wait for that (once: a turn in a third language meanwhile
        does not send this one round again)."""
        own = deadline if deadline is not None else float("inf")
        deadline = min(time.monotonic() + self.settings.asr_timeout_s + 60, own)
        for _ in range(2):
            cached = load_cached(self.settings.data_dir, file_id, self.settings.asr_model)
            if cached is not None and cached.suits(language):
                return cached
            job = self._job(file_id, path, language)
            yield from self._wait(job, deadline)
        done = load_cached(self.settings.data_dir, file_id, self.settings.asr_model)
        if done is None:
            raise SpeechError("the transcript was not saved")
        return done

    def _wait(self, job: Job, deadline: float) -> Generator[int, None, None]:
        """Until `job` finishes, its progress each time it moves; SpeechError if it fails or is too late."""
        told = -1
        while time.monotonic() < deadline:
            status = job.get_status(refresh=True)
            if status == JobStatus.FINISHED:
                if told < 100:
                    yield 100  # the end of the wait, however fast the last steps went by
                return
            if status in _FAILED or status is None:
                raise SpeechError(_reason(job))
            progress = job.get_meta(refresh=True).get("progress")
            if isinstance(progress, int) and progress > told:
                told = progress
                yield progress
            time.sleep(_POLL_S)  # RQ has no blocking wait on a job; this polls one small hash
        raise SpeechError("transcription took too long")

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
        if existing is not None and existing.get_status(refresh=True) not in _DONE:
            return existing  # queued or running: joined, whatever language it was asked in
        if existing is not None:
            # a failed run is tried again by the next turn that asks; a finished one whose transcript is
            # gone or made for another language is run again (the job itself reads a suiting cache first)
            existing.delete()
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
