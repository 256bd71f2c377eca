"""The upload probe: real files made by FFmpeg at test time, read in the limited child process."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest

from engine.formats import sniff
from engine.probe import ProbeError, probe
from engine.refusals import Reason
from engine.settings import EngineSettings
from tests.media import ffmpeg_exe, make_audio_file, make_image, make_phone_clip, make_tone_clip


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", *args], check=True)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One tiny clip, its remuxes, and a few stills and sound files, made once for the module."""
    folder = tmp_path_factory.mktemp("probe")
    clip = make_tone_clip(folder / "clip.mp4", duration_s=2.0, width=160, height=90)
    for suffix in ("mkv", "mov"):
        _ffmpeg("-i", str(clip), "-c", "copy", str(folder / f"clip.{suffix}"))
    _ffmpeg("-i", str(clip), "-c", "copy", "-movflags", "+faststart", str(folder / "faststart.mp4"))
    _ffmpeg("-i", str(clip), "-vn", "-c:a", "copy", str(folder / "sound.aac"))
    _ffmpeg("-i", str(clip), "-vn", "-c:a", "copy", str(folder / "sound.m4a"))
    _ffmpeg("-i", str(clip), "-t", "0.5", str(folder / "anim.gif"))
    for name in ("still.png", "still.jpg", "still.webp"):
        make_image(folder / name, width=64, height=48)
    for name in ("tone.wav", "tone.mp3"):
        make_audio_file(folder / name, duration_s=1.0)
    return folder


def _settings(**overrides: Any) -> EngineSettings:
    return EngineSettings(_env_file=None, **overrides)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("name", "kind", "fmt", "size", "duration_s"),
    [
        ("clip.mp4", "video", "mp4", (160, 90), 2.0),
        ("clip.mkv", "video", "mkv", (160, 90), 2.0),
        ("clip.mov", "video", "mov", (160, 90), 2.0),
        ("faststart.mp4", "video", "mp4", (160, 90), 2.0),
        ("still.png", "image", "png", (64, 48), 0.0),
        ("still.jpg", "image", "jpg", (64, 48), 0.0),
        ("still.webp", "image", "webp", (64, 48), 0.0),
        ("anim.gif", "image", "gif", (160, 90), 0.5),
        ("tone.wav", "audio", "wav", (0, 0), 1.0),
        ("tone.mp3", "audio", "mp3", (0, 0), 1.0),
        ("sound.m4a", "audio", "m4a", (0, 0), 2.0),
        ("sound.aac", "audio", "aac", (0, 0), 2.0),
    ],
)
def test_accepted_media_are_described(media, name, kind, fmt, size, duration_s) -> None:
    info = probe(media / name, _settings())
    assert (info.kind, info.format, (info.width, info.height)) == (kind, fmt, size)
    assert info.duration_s == pytest.approx(duration_s, abs=0.15)
    assert info.size == (media / name).stat().st_size
    assert info.has_audio == (kind != "image")


def test_a_video_reports_its_codecs_and_frame_rate(media: Path) -> None:
    info = probe(media / "clip.mp4", _settings())
    assert (info.vcodec, info.acodec, info.fps) == ("h264", "aac", 25.0)
    assert info.has_video


def test_the_format_comes_from_the_content_not_the_name(media: Path, tmp_path: Path) -> None:
    disguised = tmp_path / "movie.mp3"
    shutil.copy(media / "clip.mkv", disguised)
    info = probe(disguised, _settings())
    assert (info.kind, info.format) == ("video", "mkv")


def _refused(path: Path, settings: EngineSettings | None = None) -> ProbeError:
    with pytest.raises(ProbeError) as refused:
        probe(path, settings or _settings())
    return refused.value


def _refusal(path: Path, settings: EngineSettings | None = None) -> str:
    return str(_refused(path, settings))


def test_a_pdf_named_mp4_is_refused_with_the_accepted_formats(tmp_path: Path) -> None:
    fake = tmp_path / "video.mp4"
    fake.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 20)
    assert "not supported" in _refusal(fake) and "mp4 mov avi webm mkv" in _refusal(fake)
    assert _refused(fake).reason == Reason.PDF  # the chat says it is a PDF, not a damaged video


def test_a_playlist_named_mp4_is_refused_without_fetching_what_it_names(tmp_path: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        playlist = tmp_path / "video.mp4"
        playlist.write_text(
            f"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nhttp://127.0.0.1:{port}/seg0.ts\n#EXT-X-ENDLIST\n"
        )
        assert "not supported" in _refusal(playlist)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody came knocking


def test_a_concat_list_named_mp4_is_refused(tmp_path: Path, media: Path) -> None:
    listing = tmp_path / "video.mp4"
    listing.write_text(f"ffconcat version 1.0\nfile '{media / 'clip.mp4'}'\n")
    assert "not supported" in _refusal(listing)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.touch()
    assert _refusal(empty) == "The file is empty."
    assert _refused(empty).reason == Reason.EMPTY


@pytest.mark.parametrize("name", ["clip.mp4", "faststart.mp4"])
def test_a_truncated_video_is_refused(media: Path, tmp_path: Path, name: str) -> None:
    whole = (media / name).read_bytes()
    cut = tmp_path / name
    cut.write_bytes(whole[: len(whole) // 3])
    assert "incomplete" in _refusal(cut)
    assert _refused(cut).reason == Reason.TRUNCATED  # moov at the end (never read) or at the start


def test_an_mp4_whose_boxes_are_garbled_is_damaged_not_truncated(media: Path, tmp_path: Path) -> None:
    whole = bytearray((media / "clip.mp4").read_bytes())
    whole[32:40] = b"\x00\x00\x00\x02junk"  # the box after ftyp: a size no box can have
    garbled = tmp_path / "garbled.mp4"
    garbled.write_bytes(bytes(whole))
    assert _refused(garbled).reason == Reason.DAMAGED


def test_too_long_media_are_refused(media: Path) -> None:
    message = _refusal(media / "clip.mp4", _settings(max_duration_s=1.0))
    assert "too long" in message
    assert _refused(media / "clip.mp4", _settings(max_duration_s=1.0)).reason == Reason.TOO_LONG


def test_too_large_pictures_are_refused(media: Path) -> None:
    message = _refusal(media / "still.png", _settings(max_frame_width=32, max_frame_height=32))
    assert "too large (64x48)" in message
    refused = _refused(media / "still.png", _settings(max_frame_width=32, max_frame_height=32))
    assert refused.reason == Reason.FRAME_TOO_LARGE


def test_a_probe_over_its_time_limit_is_refused(media: Path) -> None:
    refused = _refused(media / "clip.mp4", _settings(probe_timeout_s=0.01))
    assert "too long to read" in str(refused) and refused.reason == Reason.UNREADABLE


def test_a_probe_over_its_memory_limit_is_refused_not_fatal(media: Path) -> None:
    refused = _refused(media / "clip.mp4", _settings(probe_memory_bytes=16 * 1024 * 1024))
    assert "could not be read" in str(refused) or "too much memory" in str(refused)
    assert refused.reason == Reason.UNREADABLE


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", ("mp4", "mov")),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00", ("mov", "mov")),
        (b"\x00\x00\x00\x1cftypM4A \x00\x00\x02\x00", ("m4a", "mov")),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", None),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", ("webm", "matroska")),
        (b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", ("mkv", "matroska")),
        (b"RIFF\x00\x00\x00\x00AVI LIST", ("avi", "avi")),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", ("wav", "wav")),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", ("webp", "webp_pipe")),
        (b"RIFF\x00\x00\x00\x00RMID", None),
        (b"ID3\x04\x00", ("mp3", "mp3")),
        (b"\xff\xfb\x90\x00", ("mp3", "mp3")),
        (b"\xff\xf1\x50\x80", ("aac", "aac")),
        (b"<html><body>", None),
        (b"", None),
    ],
)
def test_sniffing_names_only_accepted_containers(head: bytes, expected: tuple[str, str] | None) -> None:
    assert sniff(head) == expected


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_a_phone_clip_is_described_as_shown_not_as_stored(tmp_path: Path, rotation: int) -> None:
    """Portrait phone video is stored as landscape frames plus a display matrix: the size is the shown one."""
    info = probe(make_phone_clip(tmp_path / "phone.mp4", rotation, duration_s=1.0), _settings())
    assert ((info.width, info.height), info.rotation) == ((180, 320), rotation)
