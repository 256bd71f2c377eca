"""What a refused file is instead, told from its bytes; and an MP4 cut short told from a damaged one."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.refusals import Reason, cut_short, reason_for_unknown
from tests.media import make_tone_clip


@pytest.mark.parametrize(
    ("head", "reason"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", Reason.PDF),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml", Reason.DOCUMENT),  # docx
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), Reason.DOCUMENT),  # an old .doc
        (b"\xef\xbb\xbf\n\n  <!DOCTYPE html><html><head><title>Video</title>", Reason.WEB_PAGE),
        (
            b"Script for the shoot:\n1. intro\n2. \xe0\xa4\xa8\xe0\xa4\xae\xe0\xa4",
            Reason.TEXT,
        ),  # cut mid-letter
        (b"#EXTM3U\n#EXTINF:2.0,\nhttp://127.0.0.1/seg0.ts\n", Reason.TEXT),  # a playlist is only text to us
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", Reason.PHOTO_FORMAT),  # an iPhone photo
        (b"OggS\x00\x02" + bytes(100), Reason.UNSUPPORTED_FORMAT),  # a voice note's Ogg: media, not ours
        (bytes(range(256)), Reason.UNSUPPORTED_FORMAT),
    ],
)
def test_a_file_of_no_accepted_format_is_recognised_by_its_first_bytes(
    tmp_path: Path, head: bytes, reason: Reason
) -> None:
    path = tmp_path / "video.mp4"  # the name says nothing
    path.write_bytes(head)
    assert reason_for_unknown(path) == reason


def test_an_mp4_cut_anywhere_is_cut_short_and_a_whole_one_is_not(tmp_path: Path) -> None:
    clip = make_tone_clip(tmp_path / "clip.mp4", duration_s=1.0)
    whole = clip.read_bytes()
    assert not cut_short(clip, "mp4")
    for percent in (10, 60, 99):
        cut = tmp_path / f"cut{percent}.mp4"
        cut.write_bytes(whole[: len(whole) * percent // 100])
        assert cut_short(cut, "mp4"), percent
    assert not cut_short(cut, "mkv")  # only MP4/MOV boxes are walked
