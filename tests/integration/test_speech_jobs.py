"""Transcription runs in a real engine worker on the speech queue (never in the HTTP process), once each."""

import json

import pytest
from rq import Queue
from rq.job import Job
from rq.serializers import JSONSerializer

from engine.media import MediaInfo
from engine.settings import EngineSettings
from engine.speech import SpeechError, cache_path
from engine.timeline import Timeline
from engine.transcribe import SpeechJobs, job_id
from engine.turn import NewDraft, run_turn
from tests import media as m

pytest.importorskip("faster_whisper", reason="the `captions` extra is not installed")
pytestmark = [pytest.mark.integration, pytest.mark.media]


def fetch(redis_server, jid: str) -> Job:
    return Job.fetch(jid, connection=redis_server.client(), serializer=JSONSerializer)


def test_a_turn_gets_words_from_the_worker_once_per_clip(redis_server, worker, tmp_path):
    clip = m.make_speech_clip(tmp_path / "talk.mp4", "en", ["hello friends welcome back"], pause_s=0.5)
    info = MediaInfo("talk", "talk.mp4", "talk.mp4", "video", "mp4", clip.stat().st_size, 3.0, 320, 180)
    settings = EngineSettings(data_dir=tmp_path, asr_model="tiny.en", redis_url=redis_server.url)
    speech = SpeechJobs(settings, redis_server.client())

    steps = speech.follow(info, "en")
    progress: list[int] = []
    while True:
        try:
            progress.append(next(steps))
        except StopIteration as done:
            transcript = done.value
            break

    assert "welcome back" in transcript.text.lower()
    assert progress[-1] == 100 and progress == sorted(set(progress))  # each step once, only forward
    job = fetch(redis_server, job_id("talk", "tiny.en"))
    assert job.get_status() == "finished" and job.get_meta()["progress"] == 100
    assert cache_path(tmp_path, "talk", "tiny.en").is_file()
    # asked again (another turn, another operation): the cache answers, no second job is queued
    job.delete()
    assert speech.transcript_of("talk", tmp_path / "talk.mp4", "en") == transcript
    queue = Queue(settings.asr_queue, connection=redis_server.client(), serializer=JSONSerializer)
    assert queue.fetch_job(job_id("talk", "tiny.en")) is None


def test_a_failed_transcription_is_a_clear_error_and_is_tried_again(redis_server, worker, tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000)  # an mp4 header and nothing else
    settings = EngineSettings(data_dir=tmp_path, asr_model="tiny.en", redis_url=redis_server.url)
    speech = SpeechJobs(settings, redis_server.client())
    with pytest.raises(SpeechError):
        speech.transcript_of("broken", broken)
    first = Job.fetch(
        job_id("broken", "tiny.en"), connection=redis_server.client(), serializer=JSONSerializer
    )
    assert first.get_status() == "failed"
    with pytest.raises(SpeechError):
        speech.transcript_of("broken", broken)  # a new job, not the old failure read back
    second = Job.fetch(
        job_id("broken", "tiny.en"), connection=redis_server.client(), serializer=JSONSerializer
    )
    assert second.enqueued_at != first.enqueued_at


def pause_cut(clip, speech: SpeechJobs, loudness) -> list[tuple[int, int]]:
    """The kept pieces (ms) after "remove the pauses" on `clip`, in a turn with the real speech jobs."""
    info = MediaInfo(clip.stem, clip.name, clip.name, "video", "mp4", clip.stat().st_size, 3.5, 320, 180,
                     25.0, True, True)  # fmt: skip
    events = list(run_turn("remove the pauses", "en", {}, (info,), clip.parent, loudness, speech))
    draft = next(e.draft for e in events if isinstance(e, NewDraft))
    return [(piece.in_ms, piece.out_ms) for piece in Timeline.from_draft(draft).video]


def test_pause_removal_falls_back_to_loudness_without_a_speech_worker(redis_server, tmp_path):
    settings = EngineSettings(data_dir=tmp_path, asr_model="tiny.en", redis_url=redis_server.url)
    clip = m.make_speech_clip(tmp_path / "nobody.mp4", "en", ["hello there", "bye now"], pause_s=1.0)
    calls: list[str] = []

    def loudness(path):
        calls.append(path.stem)
        return [(0.0, 1.0)]

    speech = SpeechJobs(settings, redis_server.client())
    assert pause_cut(clip, speech, loudness) == [(0, 1000)] and calls == ["nobody"]
    with pytest.raises(SpeechError, match="no engine worker"):
        speech.transcript_of("nobody", clip)  # captions say so instead of waiting for nobody


def test_pause_removal_uses_the_voice_when_a_worker_hears_it(redis_server, worker, tmp_path):
    settings = EngineSettings(data_dir=tmp_path, asr_model="tiny.en", redis_url=redis_server.url)
    clip = m.make_speech_clip(tmp_path / "voice.mp4", "en", ["hello there", "bye now"], pause_s=1.2)
    speech = SpeechJobs(settings, redis_server.client())
    keep = pause_cut(clip, speech, lambda path: pytest.fail("loudness used"))
    assert len(keep) == 2 and keep[1][0] - keep[0][1] > 800  # the 1.2 s pause is cut to a breath


def test_an_upload_is_transcribed_once_and_the_captions_turn_joins_that_run(redis_server, worker, tmp_path):
    """The upload queues the clip's transcription; "captions lagao" right after finds it running, waits for
    that same job, and no second transcription is made (one job, queued once, run once)."""
    clip = m.make_speech_clip(tmp_path / "talk.mp4", "en", ["hello friends welcome back"], pause_s=0.5)
    info = MediaInfo("talk", "talk.mp4", "talk.mp4", "video", "mp4", clip.stat().st_size, 3.0, 320, 180,
                     25.0, True, True)  # fmt: skip
    settings = EngineSettings(data_dir=tmp_path, asr_model="tiny.en", redis_url=redis_server.url)
    speech = SpeechJobs(settings, redis_server.client())
    assert speech.transcribe_ahead([info], "hi") == ["talk"]  # the session's language, the upload's only one
    queued = fetch(redis_server, job_id("talk", "tiny.en"))
    assert queued.get_status() in ("queued", "started")  # the turn comes while it is still on its way

    events = list(run_turn("captions lagao", "hi", {}, (info,), tmp_path, lambda path: [], speech))

    assert any(isinstance(e, NewDraft) for e in events)
    job = fetch(redis_server, job_id("talk", "tiny.en"))
    assert job.enqueued_at == queued.enqueued_at and len(job.results()) == 1  # the upload's run, once
    assert speech.transcribe_ahead([info], "hi") == []  # cached now: a second upload path queues nothing
    assert len(fetch(redis_server, job_id("talk", "tiny.en")).results()) == 1


def test_without_a_speech_worker_an_upload_queues_nothing_and_goes_on(redis_server, tmp_path):
    info = MediaInfo("talk", "talk.mp4", "talk.mp4", "video", "mp4", 1, 3.0, 320, 180, 25.0, True, True)
    settings = EngineSettings(data_dir=tmp_path, asr_model="tiny.en", redis_url=redis_server.url)
    assert SpeechJobs(settings, redis_server.client()).transcribe_ahead([info], "en") == []
    assert redis_server.client().keys("rq:job:*") == []


def test_a_cached_transcript_from_before_word_loudness_is_made_again_by_the_worker(
    redis_server, worker, tmp_path
):
    """Emphasis punch-ins need each word's loudness; an old cache entry without it is not used silently."""
    clip = m.make_speech_clip(tmp_path / "talk.mp4", "en", ["hello friends welcome back"], pause_s=0.5)
    old = {"language": "en", "duration_s": 3.0, "model": "tiny.en", "speech": [[0.1, 2.0]],
           "segments": [{"start_s": 0.1, "end_s": 2.0, "language": "en",
                         "words": [[" hello", 0.1, 0.6, 0.9], [" friends", 0.7, 1.2, 0.9]]}]}  # fmt: skip
    path = cache_path(tmp_path, "talk", "tiny.en")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(old), encoding="utf-8")
    settings = EngineSettings(data_dir=tmp_path, asr_model="tiny.en", redis_url=redis_server.url)
    transcript = SpeechJobs(settings, redis_server.client()).transcript_of("talk", clip, "en")
    assert "welcome back" in transcript.text.lower()
    assert transcript.words and all(word.loudness_db is not None for word in transcript.words)
    assert len(json.loads(path.read_text(encoding="utf-8"))["segments"][0]["words"][0]) == 5  # rewritten
