"""Speech decoding reads a stored clip with the format the probe chose, never a second guess."""

from __future__ import annotations

import shutil
from pathlib import Path

import av
import pytest

from engine.probe import ProbeError
from engine.speech import SAMPLE_RATE, decode_audio
from tests import media as m


def test_a_stored_clip_is_decoded_with_its_probed_format(tmp_path: Path) -> None:
    wav = m.make_audio_file(tmp_path / "clip.wav", duration_s=1.0)
    audio = decode_audio(wav)
    assert abs(len(audio) / SAMPLE_RATE - 1.0) < 0.05 and float(abs(audio).max()) > 0.1


def test_bytes_of_another_format_are_not_sniffed_again(tmp_path: Path) -> None:
    """A file the probe recorded as mp3 is opened as mp3: WAV bytes in it are not read as WAV."""
    stored = tmp_path / "f1.mp3"
    shutil.copyfile(m.make_audio_file(tmp_path / "tone.wav", duration_s=1.0), stored)
    with pytest.raises(av.FFmpegError):
        decode_audio(stored)


def test_a_format_without_a_pinned_demuxer_is_refused(tmp_path: Path) -> None:
    stored = tmp_path / "f1.m3u8"
    shutil.copyfile(m.make_audio_file(tmp_path / "tone.wav", duration_s=1.0), stored)
    with pytest.raises(ProbeError):
        decode_audio(stored)
