"""Face detection queued ahead of the export is only a head start: Redis failing never fails the turn."""

from pathlib import Path

from redis import Redis

from engine.facejobs import queue_face_detection
from engine.media import MediaInfo
from engine.settings import EngineSettings
from tests.processes import free_port

WIDE = MediaInfo("v1", "talk.mp4", "files/v1.mp4", "video", "mp4", 1000, 10.0, 1920, 1080, 30.0, True, True)


def test_an_unreachable_redis_queues_nothing_and_raises_nothing(tmp_path: Path):
    settings = EngineSettings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    gone = Redis(port=free_port(), socket_connect_timeout=1)
    assert queue_face_detection(settings, gone, [WIDE], 1080, 1920) == []
