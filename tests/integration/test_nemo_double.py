"""The NemoVideo double, checked with plain httpx: if the bot's e2e tests fail, the double is not to blame."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.fakes.nemo_double import NemoDouble, OutputMedia

pytest_plugins = ["tests.fakes.nemo_fixtures"]
pytestmark = pytest.mark.integration

ATTRIBUTION = {
    "X-Skill-Source": "nemo-telegram-bot",
    "X-Skill-Version": "0.1.0",
    "X-Skill-Platform": "telegram",
}


def _wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def _turn_body(session_id: str, text: str) -> dict[str, Any]:
    return {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": session_id,
        "new_message": {"parts": [{"text": text}]},
    }


class Api:
    """A minimal caller, as a client would talk to the backend: anonymous token, one session."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http
        reply = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "client-1"}).json()
        self.token: str = reply["data"]["token"]
        self.user_id: str = reply["data"]["user_id"]
        http.headers["Authorization"] = f"Bearer {self.token}"
        body = {"task_name": "project", "language": "en"}
        created = http.post("/api/tasks/me/with-session/nemo_agent", json=body).json()["data"]
        self.session_id: str = created["session_id"]
        self.task_id: str = created["task_id"]

    def turn(self, text: str) -> tuple[str, list[Any]]:
        """Run one turn; the raw stream and its `data:` payloads (None for an empty `data:` line)."""
        headers = {"Accept": "text/event-stream"}
        with self.http.stream(
            "POST", "/run_sse", json=_turn_body(self.session_id, text), headers=headers
        ) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            raw = r.read().decode()
        payloads = [
            json.loads(line[5:]) if line[5:].strip() else None
            for block in raw.split("\n\n")
            for line in block.splitlines()
            if line.startswith("data:")
        ]
        return raw, payloads

    def state(self) -> dict[str, Any]:
        reply = self.http.get(f"/api/state/nemo_agent/me/{self.session_id}/latest").json()
        state: dict[str, Any] = reply["data"]["state"]
        return state

    def available(self) -> int:
        return int(self.http.get("/api/credits/balance/simple").json()["data"]["available"])

    def submit(self, render_id: str, draft: Any) -> httpx.Response:
        body = {"id": render_id, "sessionId": self.session_id, "draft": draft, "output": {"format": "mp4"}}
        return self.http.post("/api/render/proxy/lambda", json=body)

    def poll(self, render_id: str) -> Any:
        return self.http.get(f"/api/render/proxy/lambda/{render_id}").json()


@pytest.fixture
def http(nemo_double: NemoDouble) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=nemo_double.url, headers=ATTRIBUTION, timeout=10) as client:
        yield client


@pytest.fixture
def api(http: httpx.Client) -> Api:
    return Api(http)


def _track_types(state: dict[str, Any]) -> list[int]:
    return [t["tt"] for t in state["draft"].get("t", [])]


def _upload_clip(api: Api, media: OutputMedia, name: str = "clip.mp4") -> httpx.Response:
    files = [("files", (name, media.small.path.read_bytes(), "video/mp4"))]
    return api.http.post(f"/api/upload-video/nemo_agent/me/{api.session_id}", files=files)


# -- auth and envelopes --------------------------------------------------------------------------------


def test_anonymous_token_needs_a_client_id_and_is_reissued_for_it_after_expiry(nemo_double, http):
    missing = http.post("/api/auth/anonymous-token")
    assert missing.status_code == 400
    first = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "c-42"}).json()
    assert first["code"] == 0
    assert first["data"]["credits"] == 100
    assert first["data"]["user_id"].startswith("anon_")
    assert first["data"]["token"].startswith("nmv_usr_")
    token = first["data"]["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert http.get("/api/credits/balance/simple", headers=auth).json()["data"]["available"] == 100

    nemo_double.expire_token(token)
    expired = http.get("/api/credits/balance/simple", headers=auth)
    assert (expired.status_code, expired.json()["code"]) == (200, 1001)
    again = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": "c-42"}).json()["data"]
    assert again["token"] != token
    assert again["user_id"] == first["data"]["user_id"]


@pytest.mark.parametrize(
    ("style", "status", "body"),
    [("body", 200, {"code": 1001}), ("status", 401, {"code": 1001}), ("bare", 401, None)],
)
def test_error_styles(nemo_double, http, style, status, body):
    nemo_double.config.error_style = style
    reply = http.get("/api/credits/balance/simple", headers={"Authorization": "Bearer nmv_usr_forged"})
    assert reply.status_code == status
    if body is None:
        assert not reply.headers["content-type"].startswith("application/json")
    else:
        assert reply.json()["code"] == body["code"]
        assert reply.json()["msg"]


def test_success_envelope_with_msg_and_numeric_session_id(nemo_double, http):
    nemo_double.config.envelope_msg = True
    nemo_double.config.session_id_as_number = True
    api = Api(http)
    assert isinstance(api.session_id, int)
    reply = http.get("/api/credits/balance/simple").json()
    assert reply == {"code": 0, "msg": "success", "data": {"available": 100, "frozen": 0, "total": 100}}
    assert api.state()["draft"] == {}


def test_sessions_are_numeric_strings_and_private_to_their_owner(nemo_double, api, http):
    assert api.session_id.isdigit()
    assert api.state() == {"draft": {}, "video_infos": [], "generated_media": []}
    stranger = {"Authorization": f"Bearer {nemo_double.register_user()}"}
    theirs = http.get(f"/api/state/nemo_agent/me/{api.session_id}/latest", headers=stranger).json()
    assert theirs["code"] == 1002
    nemo_double.forget_session(api.session_id)
    assert http.get(f"/api/state/nemo_agent/me/{api.session_id}/latest").json()["code"] == 1002


# -- uploads -------------------------------------------------------------------------------------------


def test_multipart_upload_is_probed_recorded_and_lands_in_the_draft(nemo_double, nemo_media, api):
    reply = _upload_clip(api, nemo_media).json()["data"]
    assert reply["session_state_applied"] is True
    (info,) = reply["files"]
    assert (info["filename"], info["file_type"], info["width"], info["height"]) == (
        "clip.mp4",
        "video",
        320,
        240,
    )
    assert info["duration"] == pytest.approx(2.0, abs=0.1)
    assert info["hash"] == nemo_media.small.sha256

    state = api.state()
    assert _track_types(state) == [0]
    assert state["draft"]["t"][0]["sg"][0]["d"] == pytest.approx(2000, abs=100)
    assert state["video_infos"] == [info]
    (recorded,) = nemo_double.calls("upload")
    assert [(f.field, f.filename, f.size) for f in recorded.files] == [
        ("files", "clip.mp4", nemo_media.small.size)
    ]


def test_upload_refuses_types_and_sizes_and_records_url_uploads(nemo_double, nemo_media, api):
    files = [("files", ("notes.txt", b"hello", "text/plain"))]
    assert (
        api.http.post(f"/api/upload-video/nemo_agent/me/{api.session_id}", files=files).json()["code"] == 4001
    )
    nemo_double.config.max_upload_bytes = 1000
    assert _upload_clip(api, nemo_media).json()["code"] == 4002

    by_url = {"urls": ["https://cdn.example/song.mp3"], "source_type": "url"}
    reply = api.http.post(f"/api/upload-video/nemo_agent/me/{api.session_id}", json=by_url).json()
    assert reply["data"]["files"][0]["file_type"] == "audio"
    assert nemo_double.calls("upload")[-1].json == by_url
    assert api.state()["draft"]["t"][0]["tt"] == 1


# -- turns ---------------------------------------------------------------------------------------------


def test_text_turn_streams_text_edits_the_draft_and_charges_credits(nemo_double, nemo_media, api):
    _upload_clip(api, nemo_media)
    _, payloads = api.turn("add some lo-fi music")
    texts = [p["content"] for p in payloads if p.get("type") == "text"]
    assert texts[-1] == "Done: added background music (Lo-fi, 35%)."
    assert {"type": "heartbeat"} in payloads
    assert _track_types(api.state()) == [0, 1]
    assert api.available() == 50
    assert nemo_double.turn_messages == ["add some lo-fi music"]

    api.turn("remove the silences")
    assert api.state()["draft"]["t"][0]["d"] < 2000
    short = api.http.post("/run_sse", json=_turn_body(api.session_id, "add a title")).json()
    assert short["code"] == 2001
    assert api.state()["draft"]["m"]["rev"] == 2


def test_silent_turn_has_tools_but_no_text(nemo_double, api):
    nemo_double.config.turn = "silent"
    _, payloads = api.turn('title "Urban Dreams"')
    assert [p["type"] for p in payloads] == ["heartbeat", "tool_call", "tool_result"]
    assert api.state()["draft"]["m"]["title"] == "Urban Dreams"


def test_agentkit_family_sends_partials_then_the_whole_text(nemo_double, api):
    nemo_double.config.stream_family = "agentkit"
    nemo_double.queue_turns("gui")
    _, payloads = api.turn("make it warmer")
    texts = [p for p in payloads if "content" in p]
    partial = "".join(p["content"]["parts"][0]["text"] for p in texts if p["partial"])
    (final,) = (p["content"]["parts"][0]["text"] for p in texts if not p["partial"])
    assert partial == final
    assert "Click the Export button" in final


@pytest.mark.parametrize(
    ("style", "marker"), [("typed", '{"type": "heartbeat"}'), ("comment", ": ping"), ("empty", "data:\n\n")]
)
def test_heartbeat_only_turn_in_each_heartbeat_style(nemo_double, api, style, marker):
    nemo_double.config.heartbeat_style = style
    nemo_double.queue_turns("heartbeat_only")
    raw, _ = api.turn("generate a clip of a city")
    assert raw.count(marker) == 6
    assert "content" not in raw
    assert api.state()["draft"]["m"]["rev"] == 1


def test_dropped_turn_breaks_the_stream_but_the_edit_lands_later(nemo_double, api):
    nemo_double.config.drop_lands_after_s = 1.0
    nemo_double.queue_turns("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        api.turn("add music")
    assert api.state()["draft"] == {}
    _wait_for(lambda: _track_types(api.state()) == [1])
    assert api.available() == 50


def test_error_turn_sends_an_error_event_and_refunds(nemo_double, api):
    nemo_double.queue_turns("error", "text")
    _, payloads = api.turn("add music")
    assert "error" in payloads[-1]
    _wait_for(lambda: api.available() == 100)
    assert api.state()["draft"] == {}
    _, payloads = api.turn("add music")
    assert payloads[-1]["type"] == "text"


def test_edit_lands_even_when_the_client_leaves_mid_turn(nemo_double, api):
    nemo_double.config.event_interval_s = 0.3
    with api.http.stream("POST", "/run_sse", json=_turn_body(api.session_id, "add music")) as r:
        next(r.iter_lines())
    _wait_for(lambda: _track_types(api.state()) == [1])
    assert nemo_double.sessions[api.session_id].running_turns == 0


def test_a_message_resent_mid_turn_runs_and_charges_twice(nemo_double, api):
    nemo_double.config.event_interval_s = 0.1
    with api.http.stream("POST", "/run_sse", json=_turn_body(api.session_id, "add music")) as first:
        next(first.iter_lines())
        api.turn("add music")
    assert nemo_double.sessions[api.session_id].peak_running_turns == 2
    assert nemo_double.turn_messages == ["add music", "add music"]
    _wait_for(lambda: api.available() == 0)


# -- renders -------------------------------------------------------------------------------------------


def test_render_needs_attribution_then_progresses_to_the_served_mp4(nemo_double, nemo_media, api):
    _upload_clip(api, nemo_media)
    draft = api.state()["draft"]
    bare = {k: v for k, v in api.http.headers.items() if not k.lower().startswith("x-skill")}
    unattributed = httpx.post(
        f"{nemo_double.url}/api/render/proxy/lambda",
        json={"id": "render_1", "sessionId": api.session_id, "draft": draft},
        headers=bare,
    )
    assert unattributed.status_code == 402
    assert api.submit("render_2", draft).json()["data"]["id"] == "render_2"
    assert api.submit("render_2", draft).status_code == 409

    polls = [api.poll("render_2") for _ in range(3)]
    assert [p["status"] for p in polls] == ["pending", "processing", "completed"]
    assert polls[1]["progress"] == 50
    output = polls[2]["output"]
    assert output["size"] == nemo_double.output.size
    served = httpx.get(output["url"]).content
    assert hashlib.sha256(served).hexdigest() == nemo_double.output.sha256
    fallback = api.http.get("/api/render/proxy/render_2/download").content
    assert fallback == served
    assert nemo_double.renders["render_2"].draft == draft


@pytest.mark.parametrize("shape", [2, 3])
def test_render_reply_shapes(nemo_double, nemo_media, api, shape):
    nemo_double.config.render_shape = shape
    nemo_double.config.render_polls = 1
    _upload_clip(api, nemo_media)
    api.submit("render_9", api.state()["draft"])
    reply = api.poll("render_9")
    body = reply["data"] if shape == 2 else reply
    assert (body["status"], body["progress"]) == ("completed", 100)
    assert body["outputUrl"].endswith("/media/render_9.mp4")
    assert httpx.get(body["outputUrl"]).status_code == 200


def test_failed_slow_and_empty_renders(nemo_double, nemo_media, api):
    nemo_double.config.render_polls = 2
    api.submit("render_empty", {"t": []})
    assert [api.poll("render_empty")["status"] for _ in range(2)] == ["pending", "failed"]
    _upload_clip(api, nemo_media)
    nemo_double.config.render_outcome = "slow"
    api.submit("render_slow", api.state()["draft"])
    slow = [api.poll("render_slow") for _ in range(6)]
    assert {p["status"] for p in slow[1:]} == {"processing"}
    assert all(p["progress"] < 100 for p in slow)
    assert httpx.get(f"{nemo_double.url}/media/render_slow.mp4").status_code == 404


def test_large_output_is_a_real_mp4_of_at_least_the_declared_size(tmp_path, api):
    media = OutputMedia(tmp_path, large_bytes=2 * 1024 * 1024)
    with NemoDouble(media) as double:
        double.use_large_output()
        assert double.output.size >= 2 * 1024 * 1024
        assert double.output.sha256 != media.small.sha256


# -- faults and claims ---------------------------------------------------------------------------------


def test_fail_next_fails_exactly_the_next_calls(nemo_double, api):
    nemo_double.fail_next("credits", http_status=429, times=2, retry_after=1)
    nemo_double.fail_next("state", code=1002)
    for _ in range(2):
        limited = api.http.get("/api/credits/balance/simple")
        assert (limited.status_code, limited.headers["retry-after"]) == (429, "1")
    assert api.available() == 100
    assert api.http.get(f"/api/state/nemo_agent/me/{api.session_id}/latest").json()["code"] == 1002
    assert api.state()["draft"] == {}
    assert len(nemo_double.calls("credits")) == 3
    assert all(r.headers["x-skill-platform"] == "telegram" for r in nemo_double.requests)


def test_claim_token_for_own_session_only(api):
    body = {"task_id": api.task_id, "session_id": api.session_id}
    assert api.http.post("/api/auth/claim-token", json=body).json()["data"]["claim_token"].startswith("clm_")
    wrong = {"task_id": "task_other", "session_id": api.session_id}
    assert api.http.post("/api/auth/claim-token", json=wrong).json()["code"] == 1002
