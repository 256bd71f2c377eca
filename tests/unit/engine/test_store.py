"""The engine's Redis store, over fakeredis."""

from __future__ import annotations

import json
from dataclasses import replace

import fakeredis
import pytest

from engine.media import MediaInfo
from engine.records import HISTORY_DEPTH
from engine.store import (
    Credits,
    RenderRecord,
    SessionNotFoundError,
    Store,
    claim_key,
    client_token_key,
    session_key,
    token_key,
)

WEEK_S = 7 * 24 * 3600


@pytest.fixture
def redis() -> fakeredis.FakeRedis:
    return fakeredis.FakeRedis()


@pytest.fixture
def store(redis: fakeredis.FakeRedis) -> Store:
    return Store(redis)


def _clip(file_id: str = "f1") -> MediaInfo:
    return MediaInfo(
        file_id=file_id,
        filename="holiday.mp4",
        path=f"files/media/{file_id}.mp4",
        kind="video",
        format="mp4",
        size=1234,
        duration_s=3.0,
        width=320,
        height=180,
        fps=25.0,
        has_video=True,
        has_audio=True,
        vcodec="h264",
        acodec="aac",
    )


def test_a_client_id_gets_one_token_until_it_expires(store: Store, redis: fakeredis.FakeRedis) -> None:
    first = store.issue_token("client-1", free_credits=100, ttl_s=WEEK_S)
    again = store.issue_token("client-1", free_credits=100, ttl_s=WEEK_S)
    assert first.token.startswith("nmv_usr_") and first.user_id.startswith("anon_")
    assert again == first
    assert 0 < redis.ttl(token_key(first.token)) <= WEEK_S
    assert store.account(first.token) == first


def test_after_expiry_the_same_client_keeps_its_user_and_gets_no_new_free_credits(
    store: Store, redis: fakeredis.FakeRedis
) -> None:
    first = store.issue_token("client-1", free_credits=100, ttl_s=WEEK_S)
    assert store.freeze(first.user_id, 50)
    store.settle(first.user_id, 50, charge=True)
    redis.delete(client_token_key("client-1"), token_key(first.token))  # what the TTL does after 7 days

    renewed = store.issue_token("client-1", free_credits=100, ttl_s=WEEK_S)

    assert renewed.token != first.token
    assert renewed.user_id == first.user_id
    assert store.credits(renewed.user_id).available == 50
    assert store.account(first.token) is None


def test_different_clients_are_different_users(store: Store) -> None:
    one = store.issue_token("client-1", free_credits=100, ttl_s=WEEK_S)
    two = store.issue_token("client-2", free_credits=100, ttl_s=WEEK_S)
    assert one.user_id != two.user_id and one.token != two.token


def test_freezing_holds_credits_and_settling_charges_or_refunds(store: Store) -> None:
    user = store.issue_token("client-1", free_credits=100, ttl_s=WEEK_S).user_id

    assert store.freeze(user, 50)
    held = store.credits(user)
    assert (held.available, held.frozen, held.total) == (50, 50, 100)

    store.settle(user, 50, charge=False)
    assert store.credits(user) == Credits(available=100, frozen=0)

    assert store.freeze(user, 50) and store.freeze(user, 50)
    assert not store.freeze(user, 50)  # nothing left to hold
    store.settle(user, 50, charge=True)
    store.settle(user, 50, charge=True)
    assert (store.credits(user).available, store.credits(user).frozen) == (0, 0)


def test_a_new_session_has_a_numeric_id_and_an_empty_draft(store: Store) -> None:
    session = store.create_session("anon_1", "hi", draft={})
    assert session.session_id.isdigit()
    assert store.session(session.session_id) == session
    assert store.session("999") is None


def test_edits_can_be_undone_in_order(store: Store) -> None:
    session = store.create_session("anon_1", "en", draft={})
    session = store.update_session(session.session_id, lambda s: s.with_draft({"d": 1}))
    session = store.update_session(session.session_id, lambda s: s.with_draft({"d": 2}))
    assert store.session(session.session_id).draft == {"d": 2}  # type: ignore[union-attr]

    once = session.undone()
    assert once is not None and once.draft == {"d": 1}
    twice = once.undone()
    assert twice is not None and twice.draft == {}
    assert twice.undone() is None


def test_undo_history_is_bounded(store: Store) -> None:
    session = store.create_session("anon_1", "en", draft={})
    for step in range(HISTORY_DEPTH + 5):
        session = session.with_draft({"d": step})
    assert len(session.history) == HISTORY_DEPTH
    assert session.history[0] == {"d": 4}


def test_uploaded_media_survive_the_round_trip(store: Store) -> None:
    session = store.create_session("anon_1", "en", draft={})
    clip = _clip()
    store.update_session(session.session_id, lambda s: replace(s, media={"f1": clip}))
    assert store.session(session.session_id).media == {"f1": clip}  # type: ignore[union-attr]


def test_a_concurrent_write_is_not_lost(store: Store, redis: fakeredis.FakeRedis) -> None:
    session = store.create_session("anon_1", "en", draft={})
    calls = 0

    def change(current):
        nonlocal calls
        calls += 1
        if calls == 1:  # another process saves its edit while we are computing ours
            other = current.with_draft({"by": "other"})
            redis.set(session_key(session.session_id), json.dumps(other.to_json()))
        return current.with_draft({"by": "us", "after": current.draft})

    result = store.update_session(session.session_id, change)

    assert calls == 2
    assert result.draft == {"by": "us", "after": {"by": "other"}}
    assert store.session(session.session_id) == result


def test_changing_a_vanished_session_fails(store: Store) -> None:
    with pytest.raises(SessionNotFoundError):
        store.update_session("123", lambda s: s)


def test_render_ids_are_unique_and_progress_is_recorded(store: Store) -> None:
    record = RenderRecord(
        render_id="render_1",
        user_id="anon_1",
        session_id="100",
        draft={"t": [{"tt": 0, "sg": [{"src": "f1"}]}]},
        output_path="files/renders/x/render_1.mp4",
    )
    assert store.create_render(record)
    assert not store.create_render(record)

    store.update_render("render_1", status="processing", progress=40)
    seen = store.render("render_1")

    assert seen is not None
    assert (seen.status, seen.progress, seen.draft) == ("processing", 40, record.draft)
    assert store.render("render_2") is None


def test_a_claim_token_names_its_session(store: Store, redis: fakeredis.FakeRedis) -> None:
    session = store.create_session("anon_1", "en", draft={})
    claim = store.create_claim(session)
    assert claim.startswith("clm_")
    target = json.loads(redis.get(claim_key(claim)))
    assert target == {"task_id": session.task_id, "session_id": session.session_id, "user_id": "anon_1"}
