"""Files the speech tools hand the user (.srt) are stored files of the clip's owner: counted and swept."""

from __future__ import annotations

from pathlib import Path

import fakeredis

from engine.media import MediaInfo
from engine.retention import sweep_expired
from engine.settings import EngineSettings
from engine.store import Store, by_address, files_key
from engine.transcribe import SpeechJobs

CLIP = MediaInfo("f1", "talk.mp4", "files/media/f1.mp4", "video", "mp4", 5000, duration_s=3.0, has_audio=True)
SRT = "1\n00:00:00,000 --> 00:00:01,000\nनमस्ते दोस्तों\n"


def speech_jobs(tmp_path: Path) -> tuple[SpeechJobs, Store]:
    redis = fakeredis.FakeRedis()
    settings = EngineSettings(_env_file=None, data_dir=tmp_path, public_base_url="http://engine")  # type: ignore[call-arg]
    return SpeechJobs(settings, redis), Store(redis)


def test_a_published_srt_counts_towards_the_owners_stored_bytes(tmp_path: Path) -> None:
    jobs, store = speech_jobs(tmp_path)
    store.track_file("u1", CLIP.path, CLIP.size, address="203.0.113.9")
    url = jobs.publish(CLIP, SRT)
    relative = url.removeprefix("http://engine/")
    assert relative.startswith("files/captions/f1-") and (tmp_path / relative).read_text("utf-8") == SRT
    size = len(SRT.encode("utf-8"))
    assert store.stored_bytes("u1") == CLIP.size + size
    assert store.stored_bytes(by_address("203.0.113.9")) == CLIP.size + size
    clip_expiry = store.redis.zscore(files_key(), CLIP.path)
    assert abs((store.redis.zscore(files_key(), relative) or 0) - (clip_expiry or 0)) < 5  # expires with it


def test_an_srt_goes_with_its_clip_when_the_retention_runs_out(tmp_path: Path) -> None:
    jobs, store = speech_jobs(tmp_path)
    (tmp_path / "files" / "media").mkdir(parents=True)
    (tmp_path / CLIP.path).write_bytes(b"x" * CLIP.size)
    store.track_file("u1", CLIP.path, CLIP.size, ttl_s=-1, address="203.0.113.9")  # its retention ran out
    srt = tmp_path / jobs.publish(CLIP, SRT).removeprefix("http://engine/")
    assert sweep_expired(store, tmp_path) == 2
    assert not srt.exists() and not (tmp_path / CLIP.path).exists()
    assert store.expired_files() == [] and store.stored_bytes("u1") == 0
    assert srt.parent.is_dir()  # the shared captions folder stays for the next one
