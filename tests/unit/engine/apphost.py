"""The engine's real ASGI app, served by one uvicorn per module, each test plugging in its own build.

Shared by the route tests (`test_app.py`) and the abuse tests (`test_app_limits.py`): fakeredis, a scripted
stand-in for the turn and a recorder for the render queue.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fakeredis
import httpx
import pytest
from starlette.applications import Starlette

from engine.app import create_app
from engine.errors import EngineError
from engine.settings import EngineSettings
from engine.store import RenderRecord, Store
from engine.turn import NewDraft, TextOut, ToolCall, ToolResult, UndoRequest
from tests.fakes.servers import ServerThread
from tests.media import make_audio_file, make_image, make_tone_clip

ATTRIBUTION = {"X-Skill-Source": "tests", "X-Skill-Version": "1", "X-Skill-Platform": "unknown"}


class ScriptedTurn:
    """Stand-in for `engine.turn.run_turn`: what it does depends on the message."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.seen: list[tuple[str, str, dict[str, Any], list[str]]] = []
        self.deadlines: list[float] = []  # when each turn's stream gives up (time.monotonic())
        self.done = threading.Event()  # the last turn's events were all taken

    def __call__(self, text, lang, draft, media, data_dir, *, deadline) -> Iterator[Any]:
        self.seen.append((text, lang, draft, [info.file_id for info in media]))
        self.deadlines.append(deadline)
        yield from self._events(text, draft)
        self.done.set()

    def _events(self, text, draft) -> Iterator[Any]:
        if text == "hello":
            yield TextOut("hi there")
        elif text.startswith("title "):
            yield ToolCall("add_title", {"text": text[6:]})
            yield NewDraft({**draft, "title": text[6:]})
            yield ToolResult("add_title", {"ok": True})
            yield TextOut("Title added")
        elif text == "undo":
            yield UndoRequest()
        elif text == "slow":
            if not self.release.wait(timeout=30):
                raise AssertionError("the test never released the turn")
            yield NewDraft({**draft, "slow": True})
            yield TextOut("done at last")
        elif text == "refuse":
            raise EngineError("there is no video to cut yet")
        elif text == "crash":
            raise RuntimeError("internal detail that must stay in the log")


@dataclass
class Engine:
    client: httpx.Client
    store: Store
    settings: EngineSettings
    turn: ScriptedTurn
    queued: list[str] = field(default_factory=list)
    budgets: dict[str, int] = field(default_factory=dict)  # each queued render's time limit
    stored: list[tuple[list[str], str]] = field(default_factory=list)  # uploads told of, with the language

    def sign_in(self, client_id: str = "client-1") -> dict[str, str]:
        reply = self.client.post("/api/auth/anonymous-token", headers={"X-Client-Id": client_id}).json()
        return {"Authorization": f"Bearer {reply['data']['token']}", **ATTRIBUTION}

    def new_session(self, auth: dict[str, str], language: str = "en") -> str:
        body = {"task_name": "project", "language": language}
        reply = self.client.post("/api/tasks/me/with-session/nemo_agent", json=body, headers=auth).json()
        return str(reply["data"]["session_id"])

    def say(self, auth: dict[str, str], sid: str, text: str) -> httpx.Response:
        return self.client.post("/run_sse", json=message_body(sid, text), headers=auth)

    def state(self, auth: dict[str, str], sid: str) -> dict[str, Any]:
        reply = self.client.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=auth).json()
        return dict(reply["data"]["state"])

    def balance(self, auth: dict[str, str]) -> tuple[int, int, int]:
        data = self.client.get("/api/credits/balance/simple", headers=auth).json()["data"]
        return data["available"], data["frozen"], data["total"]

    def upload(self, auth: dict[str, str], sid: str, *paths: Path) -> dict[str, Any]:
        files = [("files", (path.name, path.read_bytes(), "application/octet-stream")) for path in paths]
        reply = self.client.post(f"/api/upload-video/nemo_agent/me/{sid}", files=files, headers=auth)
        return dict(reply.json())


def message_body(sid: str, text: str) -> dict[str, Any]:
    return {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": sid,
        "new_message": {"parts": [{"text": text}]},
    }


def sse_events(body: str) -> list[dict[str, Any]]:
    return [json.loads(line[6:]) for line in body.splitlines() if line.startswith("data: ")]


class _Switch:
    """One uvicorn for the whole module (starting and stopping one costs ~0.2 s); each test plugs in its
    own freshly built app, with its own fakeredis and data folder."""

    def __init__(self) -> None:
        self.app: Any = Starlette()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[_Switch, str]]:
    switch = _Switch()
    with ServerThread(switch) as running:
        yield switch, running.url


@pytest.fixture
def make_engine(tmp_path: Path, server: tuple[_Switch, str]) -> Iterator[Callable[..., Engine]]:
    switch, url = server
    # No keep-alive: a reused loopback connection to uvicorn costs ~40 ms per request here.
    with httpx.Client(base_url=url, timeout=30, limits=httpx.Limits(max_keepalive_connections=0)) as client:

        def make(**overrides: Any) -> Engine:
            values = {"data_dir": tmp_path / "data", "heartbeat_interval_s": 0.05, **overrides}
            settings = EngineSettings(_env_file=None, **values)  # type: ignore[call-arg]
            store = Store(fakeredis.FakeRedis(), retention_s=settings.retention_s)
            engine = Engine(client, store, settings, ScriptedTurn())

            def enqueue(record: RenderRecord, budget_s: int) -> None:
                engine.queued.append(record.render_id)
                engine.budgets[record.render_id] = budget_s

            def on_upload(infos: list[Any], language: str) -> None:
                engine.stored.append(([info.kind for info in infos], language))

            switch.app = create_app(settings, engine.store, engine.turn, enqueue, on_upload)
            return engine

        yield make


@pytest.fixture
def engine(make_engine: Callable[..., Engine]) -> Engine:
    return make_engine()


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("app-media")
    make_tone_clip(folder / "clip.mp4", duration_s=1.0, width=160, height=90)
    make_image(folder / "still.png", width=64, height=48)
    make_audio_file(folder / "song.mp3", duration_s=1.0)
    (folder / "report.mp4").write_bytes(b"%PDF-1.4\n" + b"0" * 2000)
    return folder
