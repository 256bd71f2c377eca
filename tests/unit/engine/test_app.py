"""The engine's routes over fakeredis, with a scripted stand-in for the turn and a recorder for the queue.

The app is served by uvicorn on a loopback port (not Starlette's TestClient, which buffers a whole response
and so cannot show heartbeats arriving while a turn works).
"""

from __future__ import annotations

import json
import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.unit.engine.apphost import Engine, message_body, sse_events


# ---- accounts -------------------------------------------------------------------------------------------
def test_an_anonymous_token_needs_a_client_id(engine: Engine) -> None:
    reply = engine.client.post("/api/auth/anonymous-token")
    assert reply.status_code == 400


def test_an_anonymous_token_comes_with_free_credits_and_a_week_of_life(engine: Engine) -> None:
    reply = engine.client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "c1"}).json()
    data = reply["data"]
    assert reply["code"] == 0
    assert data["token"].startswith("nmv_usr_") and data["user_id"].startswith("anon_")
    assert data["credits"] == 100
    expires = datetime.fromisoformat(data["expires_at"])
    assert abs(expires - datetime.now(UTC) - timedelta(days=7)) < timedelta(minutes=1)
    again = engine.client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "c1"}).json()
    assert again["data"]["token"] == data["token"]


@pytest.mark.parametrize("authorization", [None, "Bearer nmv_usr_made_up", "Basic abc"])
def test_calls_without_a_valid_token_get_1001_without_the_token_echoed(engine: Engine, authorization) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    reply = engine.client.get("/api/credits/balance/simple", headers=headers)
    assert reply.status_code == 200
    assert reply.json()["code"] == 1001
    assert "made_up" not in reply.text


def test_the_balance_has_the_profile_shape(engine: Engine) -> None:
    assert engine.balance(engine.sign_in()) == (100, 0, 100)


# ---- sessions -------------------------------------------------------------------------------------------
def test_a_new_session_has_a_numeric_string_id_and_an_empty_state(engine: Engine) -> None:
    auth = engine.sign_in()
    body = {"task_name": "project", "language": "hi"}
    data = engine.client.post("/api/tasks/me/with-session/nemo_agent", json=body, headers=auth).json()["data"]
    assert isinstance(data["session_id"], str) and data["session_id"].isdigit()
    assert data["task_id"] and data["user_id"].startswith("anon_")
    state = engine.state(auth, data["session_id"])
    assert state == {
        "draft": {},
        "video_infos": [],
        "generated_media": [],
        "canvas_config": {},
        "video_analyses": [],
    }


def test_a_session_language_must_look_like_a_language_code(engine: Engine) -> None:
    body = {"task_name": "project", "language": "en; drop"}
    reply = engine.client.post("/api/tasks/me/with-session/nemo_agent", json=body, headers=engine.sign_in())
    assert reply.json()["code"] == 4000


def test_another_users_session_is_not_found(engine: Engine, media: Path) -> None:
    owner, stranger = engine.sign_in("owner"), engine.sign_in("stranger")
    sid = engine.new_session(owner)
    assert (
        engine.client.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=stranger).json()["code"] == 1002
    )
    assert engine.say(stranger, sid, "hello").json()["code"] == 1002
    assert engine.upload(stranger, sid, media / "clip.mp4")["code"] == 1002
    assert engine.upload(owner, "12345", media / "clip.mp4")["code"] == 1002


def test_a_body_that_is_not_json_is_a_bad_request(engine: Engine) -> None:
    auth = engine.sign_in()
    reply = engine.client.post("/api/tasks/me/with-session/nemo_agent", content=b"{nope", headers=auth)
    assert reply.json()["code"] == 4000


def test_a_claim_token_is_given_for_the_users_own_session(engine: Engine) -> None:
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    task_id = engine.store.session(sid).task_id  # type: ignore[union-attr]
    claim = engine.client.post(
        "/api/auth/claim-token", json={"task_id": task_id, "session_id": sid}, headers=auth
    )
    assert claim.json()["data"]["claim_token"].startswith("clm_")
    wrong = engine.client.post(
        "/api/auth/claim-token", json={"task_id": "task_x", "session_id": sid}, headers=auth
    )
    assert wrong.json()["code"] == 1002


def _workspace_page(engine: Engine, auth: dict[str, str], sid: str) -> Any:
    """The page the chat's "Open in web editor" button opens for the session's project."""
    task_id = engine.store.session(sid).task_id  # type: ignore[union-attr]
    claim = engine.client.post(
        "/api/auth/claim-token", json={"task_id": task_id, "session_id": sid}, headers=auth
    ).json()["data"]["claim_token"]
    return engine.client.get("/workspace/claim", params={"ct": claim})


def test_the_web_editor_link_opens_a_page_showing_the_project(engine: Engine, media: Path) -> None:
    """The chat's "Open in web editor" button leads to `/workspace/claim`: a page, never a 404."""
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    engine.upload(auth, sid, media / "clip.mp4")
    page = _workspace_page(engine, auth, sid)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Video:" in page.text and "Editing happens in the chat" in page.text
    stale = engine.client.get("/workspace/claim", params={"ct": "clm_<script>"})
    assert stale.status_code == 404 and "<script>" not in stale.text and "expired" in stale.text


@pytest.mark.parametrize("draft", [{"t": ["junk"]}, {"m": {"width": "wide"}, "t": []}])
def test_the_web_editor_page_of_a_malformed_draft_says_so(engine: Engine, draft: dict[str, Any]) -> None:
    """A draft the engine cannot read (made elsewhere, damaged) is a clear page, not a server error."""
    auth = engine.sign_in()
    sid = engine.new_session(auth, language="hi")
    engine.store.update_session(sid, lambda record: record.with_draft(draft))
    page = _workspace_page(engine, auth, sid)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "आपका प्रोजेक्ट" in page.text and "टाइमलाइन किसी दूसरे एडिटर में बनी है या खराब है" in page.text


def test_health_names_what_is_wrong_but_says_where_only_in_the_log(
    make_engine: Callable[..., Engine], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    data = tmp_path / "secret-data"
    engine = make_engine(redis_url=f"redis://127.0.0.1:{port}/3", data_dir=data)
    shutil.rmtree(data)
    data.write_text("")  # the data folder went away: a file stands where it was
    with caplog.at_level(logging.WARNING, logger="engine.app"):
        reply = engine.client.get("/health")
    assert reply.status_code == 503
    checks = reply.json()["data"]["checks"]
    assert checks == {
        "redis": "cannot reach Redis",
        "data_dir": "cannot write to the data folder",
        "ffmpeg": "ok",
        "fonts": "ok",
    }
    assert reply.json()["msg"] == "cannot reach Redis"
    for detail in ("127.0.0.1", str(port), "secret-data"):
        assert detail not in reply.text
        assert detail in caplog.text  # the operator still learns where


def test_health_checks_ffmpeg_once_not_at_every_call(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    engine.client.get("/health")  # the process's first look (python -m engine looks at start-up)
    started: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(args: list[str], *rest: Any, **options: Any) -> Any:
        started.append(args)
        return real_run(args, *rest, **options)

    monkeypatch.setattr(subprocess, "run", counting_run)
    for _ in range(3):
        assert engine.client.get("/health").json()["data"]["checks"]["ffmpeg"] == "ok"
    assert not started


# ---- uploads --------------------------------------------------------------------------------------------
def test_an_uploaded_clip_is_described_served_and_put_on_the_timeline(engine: Engine, media: Path) -> None:
    auth = engine.sign_in()
    sid = engine.new_session(auth)

    reply = engine.upload(auth, sid, media / "clip.mp4")

    assert reply["code"] == 0 and reply["data"]["session_state_applied"] is True
    (file,) = reply["data"]["files"]
    assert (file["filename"], file["file_type"], file["width"], file["height"]) == (
        "clip.mp4",
        "video",
        160,
        90,
    )
    assert file["duration"] == pytest.approx(1.0, abs=0.1)
    served = engine.client.get(file["cdn_url"].removeprefix(engine.settings.public_base_url))
    assert served.content == (media / "clip.mp4").read_bytes()
    state = engine.state(auth, sid)
    (video,) = [track for track in state["draft"]["t"] if track["tt"] == 0]
    assert [segment["src"] for segment in video["sg"]] == [file["file_id"]]
    assert state["video_infos"] == [file]


def test_several_files_in_one_upload_go_on_in_order_and_sound_waits_as_music(
    engine: Engine, media: Path
) -> None:
    auth = engine.sign_in()
    sid = engine.new_session(auth)

    files = engine.upload(auth, sid, media / "clip.mp4", media / "still.png", media / "song.mp3")["data"][
        "files"
    ]

    assert [f["file_type"] for f in files] == ["video", "image", "audio"]
    draft = engine.state(auth, sid)["draft"]
    (video,) = [track for track in draft["t"] if track["tt"] == 0]
    assert [segment["src"] for segment in video["sg"]] == [files[0]["file_id"], files[1]["file_id"]]
    assert len(engine.state(auth, sid)["video_infos"]) == 3


def test_a_client_file_name_cannot_name_a_folder(engine: Engine, media: Path) -> None:
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    files = [("files", ("../../etc/cron.d/clip.mp4", (media / "clip.mp4").read_bytes(), "video/mp4"))]
    reply = engine.client.post(f"/api/upload-video/nemo_agent/me/{sid}", files=files, headers=auth).json()
    (file,) = reply["data"]["files"]
    assert file["filename"] == "clip.mp4"
    assert "etc" not in file["cdn_url"] and file["cdn_url"].endswith(".mp4")


def test_a_file_that_is_not_media_is_refused_and_nothing_is_kept(engine: Engine, media: Path) -> None:
    auth = engine.sign_in()
    sid = engine.new_session(auth)

    reply = engine.upload(auth, sid, media / "clip.mp4", media / "report.mp4")

    assert reply["code"] == 4001
    assert "report.mp4" in reply["msg"] and "not supported" in reply["msg"]
    assert engine.state(auth, sid)["draft"] == {}
    assert not list((engine.settings.data_dir / "files").rglob("*.*"))
    assert not list((engine.settings.data_dir / "tmp").iterdir())


def test_a_file_over_the_size_limit_is_refused(make_engine: Callable[..., Engine], media: Path) -> None:
    engine = make_engine(upload_max_bytes=4000)
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    reply = engine.upload(auth, sid, media / "clip.mp4")
    assert reply["code"] == 4002
    assert engine.state(auth, sid)["video_infos"] == []


def test_an_upload_without_files_is_a_bad_request(engine: Engine) -> None:
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    reply = engine.client.post(
        f"/api/upload-video/nemo_agent/me/{sid}", data={"note": "hi"}, files={}, headers=auth
    )
    assert reply.json()["code"] == 4000


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/clip.mp4",
        "http://127.0.0.1:9/clip.mp4",
        "http://localhost/clip.mp4",
        "http://10.0.0.7/clip.mp4",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/clip.mp4",
        # IPv6 forms that lead to an IPv4 address are judged by it: compatible, mapped, NAT64 (both
        # prefixes), 6to4 and Teredo, each hiding loopback, a private network or the metadata service.
        "http://[::127.0.0.1]/clip.mp4",
        "http://[::ffff:127.0.0.1]/clip.mp4",
        "http://[64:ff9b::7f00:1]/clip.mp4",
        "http://[64:ff9b::10.0.0.7]/clip.mp4",
        "http://[64:ff9b:1::a9fe:a9fe]/latest/meta-data",
        "http://[2002:7f00:1::1]/clip.mp4",
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/clip.mp4",
    ],
)
def test_url_uploads_cannot_reach_local_or_private_addresses(engine: Engine, url: str) -> None:
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    body = {"urls": [url], "source_type": "url"}
    reply = engine.client.post(f"/api/upload-video/nemo_agent/me/{sid}", json=body, headers=auth).json()
    assert reply["code"] == 4003
    if url.startswith("http"):  # refused before any connection is tried, not because it failed
        assert "private or local" in reply["msg"]


# ---- the editing turn -----------------------------------------------------------------------------------
def test_a_turn_streams_typed_events_and_saves_its_edit(engine: Engine) -> None:
    auth = engine.sign_in()
    sid = engine.new_session(auth, language="hi")

    reply = engine.say(auth, sid, "title Summer")

    assert reply.headers["content-type"].startswith("text/event-stream")
    assert sse_events(reply.text) == [
        {"type": "tool_call", "name": "add_title", "args": {"text": "Summer"}},
        {"type": "tool_result", "name": "add_title", "result": {"ok": True}},
        {"type": "text", "content": "Title added"},
    ]
    assert engine.turn.seen[-1][:2] == ("title Summer", "hi")
    assert engine.state(auth, sid)["draft"] == {"title": "Summer"}
    assert engine.balance(auth) == (100, 0, 100)  # the credit limit is off by default


def test_undo_restores_the_draft_before_the_last_edit(engine: Engine) -> None:
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    engine.say(auth, sid, "title One")
    engine.say(auth, sid, "title Two")

    undone = "Going back to the version before your last change."  # these drafts hold no tracks to name
    assert sse_events(engine.say(auth, sid, "undo").text) == [{"type": "text", "content": undone}]
    assert engine.state(auth, sid)["draft"] == {"title": "One"}
    engine.say(auth, sid, "undo")
    nothing = "Nothing to undo: this is the first version of your video."
    assert sse_events(engine.say(auth, sid, "undo").text) == [{"type": "text", "content": nothing}]


def test_an_engine_refusal_reaches_the_user_and_a_crash_stays_in_the_log(engine: Engine) -> None:
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    assert sse_events(engine.say(auth, sid, "refuse").text) == [{"error": "there is no video to cut yet"}]
    crashed = engine.say(auth, sid, "crash").text
    assert sse_events(crashed) == [{"error": "the engine failed on this turn"}]
    assert "internal detail" not in crashed


def test_a_message_without_text_is_a_bad_request(engine: Engine) -> None:
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    assert engine.say(auth, sid, "   ").json()["code"] == 4000


def test_with_the_credit_limit_edits_cost_credits_until_they_run_out(
    make_engine: Callable[..., Engine],
) -> None:
    engine = make_engine(
        credit_limit=True, free_credits=100, turn_cost=50, register_url="http://web/register"
    )
    auth = engine.sign_in()
    sid = engine.new_session(auth)

    engine.say(auth, sid, "hello")  # talk without an edit is free
    assert engine.balance(auth) == (100, 0, 100)
    engine.say(auth, sid, "refuse")  # so is a turn that failed
    assert engine.balance(auth) == (100, 0, 100)
    engine.say(auth, sid, "title A")
    engine.say(auth, sid, "title B")
    assert engine.balance(auth) == (0, 0, 0)

    refused = engine.say(auth, sid, "title C")
    assert refused.status_code == 200
    assert refused.json()["code"] == 2001 and "http://web/register" in refused.json()["msg"]
    assert engine.state(auth, sid)["draft"] == {"title": "B"}


# ---- renders --------------------------------------------------------------------------------------------
def _exportable(engine: Engine, media: Path) -> tuple[dict[str, str], str]:
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    engine.upload(auth, sid, media / "still.png")
    return auth, sid


def _submit(engine: Engine, auth: dict[str, str], sid: str, render_id: str, **body: Any) -> httpx.Response:
    payload = {"id": render_id, "sessionId": sid, "output": {"format": "mp4", "quality": "high"}, **body}
    return engine.client.post("/api/render/proxy/lambda", json=payload, headers=auth)


def test_export_needs_the_attribution_headers(engine: Engine, media: Path) -> None:
    auth, sid = _exportable(engine, media)
    bare = {"Authorization": auth["Authorization"]}
    reply = engine.client.post(
        "/api/render/proxy/lambda", json={"id": "render_1", "sessionId": sid}, headers=bare
    )
    assert reply.status_code == 402
    assert engine.queued == []


def test_an_empty_timeline_cannot_be_exported(engine: Engine) -> None:
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    assert _submit(engine, auth, sid, "render_1").json()["code"] == 4000
    assert engine.queued == []


def test_a_render_is_queued_once_per_id_and_polls_as_pending(engine: Engine, media: Path) -> None:
    auth, sid = _exportable(engine, media)

    assert _submit(engine, auth, sid, "render_1").json()["code"] == 0
    assert _submit(engine, auth, sid, "render_1").json()["code"] == 4009
    assert _submit(engine, auth, sid, "../../etc").json()["code"] == 4000

    assert engine.queued == ["render_1"]
    poll = engine.client.get("/api/render/proxy/lambda/render_1", headers=auth).json()
    assert poll == {"id": "render_1", "status": "pending", "progress": 0}
    assert engine.store.render("render_1").draft == engine.state(auth, sid)["draft"]  # type: ignore[union-attr]


def test_a_draft_sent_with_the_export_is_the_one_rendered(engine: Engine, media: Path) -> None:
    auth, sid = _exportable(engine, media)
    sent = {"t": [{"tt": 0, "sg": [{"src": "x", "in": 0, "out": 1000, "fx": "v"}]}], "custom": 1}
    _submit(engine, auth, sid, "render_2", draft=sent)
    stored = engine.store.render("render_2").draft  # type: ignore[union-attr]
    assert stored["custom"] == 1  # unknown keys pass through the server's re-timing
    [segment] = stored["t"][0]["sg"]
    assert (segment["src"], segment["in"], segment["out"], segment["fx"]) == ("x", 0, 1000, "v")


def test_a_draft_claiming_more_than_the_source_holds_is_clamped_to_it(engine: Engine, media: Path) -> None:
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    [clip] = engine.upload(auth, sid, media / "clip.mp4")["data"]["files"]  # 1 s
    huge = {"src": clip["file_id"], "in": -5000, "out": 10**9, "tr": {"type": "fade", "d": 10**8}}
    draft = {"t": [{"tt": 0, "sg": [huge, huge]}], "m": {"speed": 0.0001}}
    _submit(engine, auth, sid, "render_big", draft=draft)
    stored = engine.store.render("render_big").draft  # type: ignore[union-attr]
    first, second = stored["t"][0]["sg"]
    assert (first["in"], first["out"], second["out"]) == (0, 1000, 1000)
    assert stored["m"]["speed"] == 0.25 and second["tr"]["d"] <= 2000
    # Two 1 s clips at quarter speed: an 8 s video, and a budget for that, not RQ's half hour.
    assert first["d"] + second["d"] - second.get("tr", {}).get("d", 0) <= 8000
    assert engine.budgets["render_big"] <= engine.settings.render_budget_floor_s + 10 * 8


def test_a_draft_too_long_even_clamped_is_refused(make_engine: Callable[..., Engine], media: Path) -> None:
    engine = make_engine(render_max_output_s=5.0)
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    [clip] = engine.upload(auth, sid, media / "clip.mp4")["data"]["files"]
    segment = {"src": clip["file_id"], "in": 0, "out": 1000}
    reply = _submit(engine, auth, sid, "render_long", draft={"t": [{"tt": 0, "sg": [segment] * 6}]}).json()
    assert reply["code"] == 4000 and "at most 5 s" in reply["msg"]
    assert engine.queued == []


def test_a_finished_render_has_its_url_and_can_be_downloaded(engine: Engine, media: Path) -> None:
    auth, sid = _exportable(engine, media)
    _submit(engine, auth, sid, "render_1")
    record = engine.store.render("render_1")
    assert record is not None
    output = engine.settings.data_dir / record.output_path
    output.parent.mkdir(parents=True)
    output.write_bytes(b"the rendered video")  # what the job would leave behind
    engine.store.update_render("render_1", status="completed", progress=100, duration_s=3.0, size=18)

    poll = engine.client.get("/api/render/proxy/lambda/render_1", headers=auth).json()

    assert (poll["status"], poll["progress"]) == ("completed", 100)
    assert poll["output"]["duration"] == 3.0 and poll["output"]["size"] == 18
    url_path = poll["output"]["url"].removeprefix(engine.settings.public_base_url)
    assert engine.client.get(url_path).content == b"the rendered video"
    download = engine.client.get("/api/render/proxy/render_1/download", headers=auth)
    assert download.content == b"the rendered video"


def test_a_failed_render_says_why_and_someone_elses_render_is_not_found(engine: Engine, media: Path) -> None:
    auth, sid = _exportable(engine, media)
    _submit(engine, auth, sid, "render_1")
    engine.store.update_render("render_1", status="failed", error="the draft has no video segments")

    poll = engine.client.get("/api/render/proxy/lambda/render_1", headers=auth).json()
    assert (poll["status"], poll["error"]) == ("failed", "the draft has no video segments")
    assert engine.client.get("/api/render/proxy/render_1/download", headers=auth).json()["code"] == 4004
    stranger = engine.sign_in("stranger")
    assert engine.client.get("/api/render/proxy/lambda/render_1", headers=stranger).json()["code"] == 4004


# ---- the stream as it happens ---------------------------------------------------------------------------
def _wait_for(condition, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def test_heartbeats_flow_while_the_turn_works(engine: Engine) -> None:
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    seen: list[dict[str, Any]] = []

    with engine.client.stream("POST", "/run_sse", json=message_body(sid, "slow"), headers=auth) as reply:
        for line in reply.iter_lines():
            if line.startswith("data: "):
                seen.append(json.loads(line[6:]))
            if len(seen) == 2:  # two heartbeats while the turn is still blocked
                engine.turn.release.set()

    assert seen[:2] == [{"type": "heartbeat"}, {"type": "heartbeat"}]
    assert seen[-1] == {"type": "text", "content": "done at last"}


def test_stored_uploads_are_told_with_the_sessions_language(engine: Engine, media: Path) -> None:
    """So that each clip's transcription starts at upload (engine.transcribe), in the only language the
    upload knows: its session's."""
    auth = engine.sign_in()
    sid = engine.new_session(auth, language="hi")
    engine.upload(auth, sid, media / "clip.mp4", media / "song.mp3")
    assert engine.stored == [(["video", "audio"], "hi")]


def test_a_turn_past_its_deadline_saves_nothing_and_costs_nothing(make_engine) -> None:
    """The client is told the turn took too long; an edit the turn makes after that is dropped, not saved
    behind the client's back (and its credits are released, not spent)."""
    engine = make_engine(turn_timeout_s=0.5, credit_limit=True, free_credits=100, turn_cost=50)
    auth = engine.sign_in()
    sid = engine.new_session(auth)
    before = time.monotonic()
    reply = engine.say(auth, sid, "slow")
    assert sse_events(reply.text)[-1] == {"error": "the turn took too long"}
    assert before < engine.turn.deadlines[0] <= time.monotonic()  # the turn knew when the stream gives up
    engine.turn.release.set()  # the turn now makes its edit, after the client heard it failed
    assert engine.turn.done.wait(10)
    _wait_for(lambda: engine.balance(auth) == (100, 0, 100))  # held credits released
    assert engine.state(auth, sid)["draft"] != {"slow": True}


def test_a_turn_finishes_and_saves_even_if_the_client_hangs_up(engine: Engine) -> None:
    auth = engine.sign_in()
    sid = engine.new_session(auth)

    with engine.client.stream("POST", "/run_sse", json=message_body(sid, "slow"), headers=auth) as reply:
        next(line for line in reply.iter_lines() if line.startswith("data: "))
    engine.turn.release.set()

    _wait_for(lambda: engine.state(auth, sid)["draft"] == {"slow": True})
