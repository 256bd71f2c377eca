"""The worker's own look at media files: pinned demuxers only, and phone rotation honoured."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from engine.refusals import Reason
from tests.media import make_audio_file, make_phone_clip, make_tone_clip
from worker.media import DamagedMediaError, check_media, describe_video, make_thumbnail


@pytest.mark.parametrize("rotation", [0, 90, 270])
def test_a_phone_video_is_described_and_thumbnailed_as_shown(tmp_path: Path, rotation: int) -> None:
    clip = make_phone_clip(tmp_path / "phone.mp4", rotation, duration_s=1.0)
    thumb = make_thumbnail(clip, tmp_path / "thumb.jpg")
    video = describe_video(clip, thumb)
    assert (video.width, video.height) == (180, 320) and video.duration_s == pytest.approx(1.0, abs=0.1)
    assert thumb is not None
    with av.open(str(thumb)) as container:
        frame = next(container.decode(video=0))
    assert (frame.width, frame.height) == (180, 320)  # portrait and upright, at most 320 px


def test_an_mp3_holding_a_concat_script_is_never_opened_as_one(tmp_path: Path) -> None:
    """It looks like an mp3 (an ID3 header) and is read as an mp3 or not at all: the clip it names stays
    unread, and the file is refused as damaged."""
    victim = make_tone_clip(tmp_path / "victim.mp4", duration_s=1.0)
    script = tmp_path / "song.mp3"
    script.write_bytes(
        b"ID3\x03\x00\x00\x00\x00\x00\x00" + f"ffconcat version 1.0\nfile '{victim}'\n".encode()
    )
    with pytest.raises(DamagedMediaError):
        check_media(script, "audio")


def test_a_container_we_do_not_open_is_left_to_the_backend(tmp_path: Path) -> None:
    """A bare concat script sniffs as nothing we accept: not opened here (where a guessing demuxer would
    take it for a playlist), and the backend refuses its type with its own message."""
    script = tmp_path / "clip.mp4"
    script.write_text("ffconcat version 1.0\nfile '/etc/hostname'\n")
    check_media(script, "video")
    assert make_thumbnail(script, tmp_path / "thumb.jpg") is None
    assert describe_video(script, None).width == 0


def test_an_empty_or_truncated_video_is_refused_with_its_reason(tmp_path: Path) -> None:
    """The same codes as the engine's probe, so the user reads the same sentence from either."""
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(DamagedMediaError) as refused:
        check_media(empty, "video")
    assert refused.value.reason == Reason.EMPTY
    clip = make_tone_clip(tmp_path / "clip.mp4", duration_s=1.0)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size * 6 // 10])  # its moov box was to come last
    with pytest.raises(DamagedMediaError) as refused:
        check_media(cut, "video")
    assert refused.value.reason == Reason.TRUNCATED


def test_sound_sent_as_a_video_is_refused_as_having_no_picture(tmp_path: Path) -> None:
    sound = make_audio_file(tmp_path / "song.m4a", duration_s=1.0)
    with pytest.raises(DamagedMediaError) as refused:
        check_media(sound, "video")
    assert refused.value.reason == Reason.NO_VIDEO
