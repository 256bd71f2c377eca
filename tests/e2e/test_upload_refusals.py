"""A file the editor cannot use is refused in one sentence in the chat's language saying what is wrong.

The real path: the playground's stack (redis-server, `python -m engine`, `python -m engine.worker` and the
production `python -m worker`), files made as people really send them — a PDF renamed to .mp4, an MP4 cut
off at 60 % of its bytes (moov first, as a fast-start upload: only the engine's probe sees it end early),
the same recording cut off before its moov box (the worker's own check refuses it), and a text file. The
engine sends a reason code; the bot words it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import translate
from bot.playground.chat import PlaygroundChat
from bot.playground.stack import Stack, start_stack
from tests.media import ffmpeg_exe, make_phone_clip

pytestmark = [pytest.mark.e2e, pytest.mark.media]


class Chat:
    """The playground chat, with what the bot said in it."""

    def __init__(self, stack: Stack) -> None:
        self.events: list[dict[str, Any]] = []
        self.chat = PlaygroundChat(stack.redis_server.client(), stack.settings, self.events.append)

    def send(self, path: Path) -> list[str]:
        """Send a file; what the bot said about it."""
        before = len(self.events)
        request_id = self.chat.send_file(path)
        assert request_id is not None
        self.chat.wait(request_id, 120)
        return [e.get("text", "") for e in self.events[before:]]

    def pick_language(self, label: str) -> None:
        self.chat.say("/language")
        self.chat.say(label)  # typed, as the terminal's way of tapping the button


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    running = start_stack(tmp_path / "pg")
    yield running
    print(running.logs())  # shown by pytest only when the test failed
    running.stop()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    recorded = make_phone_clip(tmp_path / "recorded.mp4", 90, duration_s=3.0)
    faststart = tmp_path / "faststart.mp4"
    remux = ["-v", "error", "-i", str(recorded), "-c", "copy", "-movflags", "+faststart", str(faststart)]
    subprocess.run([ffmpeg_exe(), *remux], check=True)
    made = {
        "pdf": tmp_path / "reel.mp4",
        "cut_fast": tmp_path / "vlog.mp4",
        "cut_plain": tmp_path / "vlog2.mp4",
        "text": tmp_path / "notes.txt",
    }
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"
    made["pdf"].write_bytes(pdf * 40)
    whole = faststart.read_bytes()
    made["cut_fast"].write_bytes(whole[: len(whole) * 6 // 10])
    whole = recorded.read_bytes()
    made["cut_plain"].write_bytes(whole[: len(whole) * 6 // 10])
    made["text"].write_text("Shoot list:\n1. intro at the gate\n2. chai stall\n", encoding="utf-8")
    return made


def test_each_refused_file_gets_its_reason_in_the_chats_language(stack: Stack, files: dict[str, Path]):
    chat = Chat(stack)
    expected = {
        "pdf": "upload.refused.pdf",
        "cut_fast": "upload.refused.truncated",
        "cut_plain": "upload.refused.truncated",
        "text": "upload.refused.text",
    }
    for kind, key in expected.items():
        said = chat.send(files[kind])
        assert translate("en", key) in said, (kind, said)
    assert "This file isn't a video (it looks like a PDF)." in translate("en", "upload.refused.pdf")

    chat.pick_language("Hinglish")
    said = chat.send(files["pdf"])
    assert translate("hi-Latn", "upload.refused.pdf") in said, said
    said = chat.send(files["cut_fast"])
    assert translate("hi-Latn", "upload.refused.truncated") in said, said
    assert not any("incomplete" in text or "supported" in text for text in said)  # no English inside

    chat.pick_language("हिंदी")
    said = chat.send(files["text"])
    assert translate("hi", "upload.refused.text") in said, said
