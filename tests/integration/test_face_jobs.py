"""Face detection queued by the turn that asks for a followed 9:16 runs in a real engine worker, ahead of
the export, and the render then reuses it instead of detecting again."""

import pytest

from engine.facejobs import queue_face_detection
from engine.media import MediaInfo
from engine.reframe import FaceFinder, cache_path, face_paths
from engine.settings import EngineSettings
from tests import media as m
from tests.processes import wait_for

pytest.importorskip("cv2", reason="the `reframe` extra is not installed")
pytest.importorskip("skimage", reason="the `dev` extra is not installed")
pytestmark = [pytest.mark.integration, pytest.mark.media]


def test_detection_queued_by_the_turn_is_cached_by_the_worker_and_reused_by_the_render(
    redis_server, worker, tmp_path
):
    m.make_face_clip(tmp_path / "face.mp4", seconds=3.0, width=640, height=360, grain=0)
    info = MediaInfo("face", "face.mp4", "face.mp4", "video", "mp4", 1, 3.0, 640, 360, 30.0, True, True)
    portrait = MediaInfo("tall", "tall.mp4", "tall.mp4", "video", "mp4", 1, 3.0, 360, 640, 30.0, True, True)
    settings = EngineSettings(data_dir=tmp_path, redis_url=redis_server.url)

    assert queue_face_detection(settings, redis_server.client(), [info, portrait], 1080, 1920) == ["face"]
    # asked again while it runs (or after): the same clip is never detected twice
    assert queue_face_detection(settings, redis_server.client(), [info], 1080, 1920) == []
    wait_for(lambda: cache_path(tmp_path, "face").is_file(), 60, "the worker to cache the face track")

    # the render's finder, unable to run a detector at all (no memory), follows the face from the cache
    crippled = FaceFinder(tmp_path, memory_bytes=1, cpu_s=1, timeout_s=5)
    path = face_paths([info], 1080, 1920, crippled)["face"]
    assert path[0][1] < path[-1][1]  # the face walks from left to right; so does the crop
    assert not cache_path(tmp_path, "tall").exists()  # a portrait clip needs no following


def test_without_a_worker_nothing_is_queued_and_the_render_detects_itself(redis_server, tmp_path):
    info = MediaInfo("face", "face.mp4", "face.mp4", "video", "mp4", 1, 3.0, 640, 360, 30.0, True, True)
    settings = EngineSettings(data_dir=tmp_path, redis_url=redis_server.url)
    assert queue_face_detection(settings, redis_server.client(), [info], 1080, 1920) == []
    assert redis_server.client().keys("rq:job:*") == []


def test_a_transcription_and_a_face_detection_run_side_by_side_and_no_more_at_once(
    redis_server, worker, tmp_path
):
    """Both are heavy (a model, a decoder): one engine worker runs them at the same time on its two speech
    workers, not one after the other; a third heavy job waits for one of them (the bound on memory)."""
    from rq import Queue, Worker
    from rq.job import Job
    from rq.serializers import JSONSerializer

    from engine.transcribe import SpeechJobs
    from engine.transcribe import job_id as speech_job

    client = redis_server.client()
    settings = EngineSettings(data_dir=tmp_path, asr_model="tiny.en", redis_url=redis_server.url)
    queue = Queue(settings.asr_queue, connection=client, serializer=JSONSerializer)
    wait_for(lambda: Worker.count(queue=queue) == 2, 30, "the speech-only worker to listen too")
    clips = []
    for name in ("one", "two"):
        m.make_face_clip(tmp_path / f"{name}.mp4", seconds=3.0, width=640, height=360, grain=0)
        clips.append(MediaInfo(name, f"{name}.mp4", f"{name}.mp4", "video", "mp4", 1, 3.0, 640, 360, 30.0,
                               True, True))  # fmt: skip
    talk = m.make_speech_clip(tmp_path / "talk.mp4", "en", ["hello friends welcome back"], pause_s=0.5)
    spoken = MediaInfo("talk", "talk.mp4", "talk.mp4", "video", "mp4", talk.stat().st_size, 3.0, 320, 180,
                       25.0, True, True)  # fmt: skip

    assert SpeechJobs(settings, client).transcribe_ahead([spoken], "en") == ["talk"]
    assert queue_face_detection(settings, client, clips, 1080, 1920) == ["one", "two"]
    ids = [speech_job("talk", "tiny.en"), "faces-one", "faces-two"]
    jobs = [Job.fetch(jid, connection=client, serializer=JSONSerializer) for jid in ids]
    wait_for(lambda: all(job.get_status(refresh=True) == "finished" for job in jobs), 120, "the three jobs")
    runs = []
    for jid in ids:
        job = Job.fetch(jid, connection=client, serializer=JSONSerializer)
        assert job.started_at is not None and job.ended_at is not None
        runs.append((job.started_at, job.ended_at))
    runs.sort()
    assert runs[1][0] < runs[0][1]  # the second started before the first ended: side by side
    busiest = max(sum(start <= at < end for start, end in runs) for at, _ in runs)
    assert busiest == 2  # never three at once
