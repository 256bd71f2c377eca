from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from worker.nemo.models import (
    AnonymousToken,
    RenderStatus,
    SessionInfo,
    SessionState,
    UploadResult,
)


def test_anonymous_token_full_reply() -> None:
    token = AnonymousToken.model_validate(
        {
            "token": "nmv_usr_s3cret",
            "credits": 100,
            "user_id": "anon_42",
            "expires_at": "2030-01-08T00:00:00Z",
        }
    )

    assert token.token.get_secret_value() == "nmv_usr_s3cret"
    assert token.credits == 100
    assert token.expires_at == datetime(2030, 1, 8, tzinfo=UTC)
    assert token.is_anonymous


def test_anonymous_token_hides_the_secret_in_repr_and_dump() -> None:
    token = AnonymousToken.model_validate({"token": "nmv_usr_s3cret"})

    assert "s3cret" not in repr(token)
    assert "s3cret" not in str(token.model_dump())


@pytest.mark.parametrize(("user_id", "anonymous"), [(None, True), ("anon_1", True), ("usr_1", False)])
def test_is_anonymous_by_user_id(user_id: str | None, anonymous: bool) -> None:
    assert AnonymousToken.model_validate({"token": "t", "user_id": user_id}).is_anonymous is anonymous


def test_anonymous_token_must_not_be_empty() -> None:
    with pytest.raises(ValidationError):
        AnonymousToken.model_validate({"token": ""})


@pytest.mark.parametrize("session_id", ["123456", 123456])
def test_session_id_is_always_a_string(session_id: object) -> None:
    info = SessionInfo.model_validate({"task_id": 9, "session_id": session_id})

    assert info.session_id == "123456"
    assert info.task_id == "9"
    assert info.user_id is None


def test_upload_result_with_minimal_and_full_files() -> None:
    result = UploadResult.model_validate(
        {
            "files": [
                {"filename": "a.mp4"},
                {
                    "filename": "b.mov",
                    "file_type": "video",
                    "cdn_url": "https://cdn.test/b.mov",
                    "duration": 12,
                    "width": "1920",
                    "height": 1080,
                    "fps": 29.97,
                    "hash": "abc",
                },
            ],
            "session_state_applied": True,
        }
    )

    first, second = result.files
    assert first.duration is None and first.fps is None and first.hash is None
    assert (second.duration, second.width, second.height, second.fps) == (12.0, 1920, 1080, 29.97)
    assert result.session_state_applied is True


@pytest.mark.parametrize("reply", [{}, {"files": None}, {"files": []}])
def test_upload_result_without_files(reply: dict[str, object]) -> None:
    result = UploadResult.model_validate(reply)

    assert result.files == []
    assert result.session_state_applied is None


@pytest.mark.parametrize(
    "state",
    [
        {},
        {
            "draft": None,
            "video_infos": None,
            "generated_media": None,
            "canvas_config": None,
            "video_analyses": None,
        },
        {"draft": {}, "video_infos": [], "generated_media": [], "canvas_config": {}, "video_analyses": []},
    ],
    ids=["missing", "null", "empty"],
)
def test_fresh_session_state_reads_as_empty(state: dict[str, object]) -> None:
    parsed = SessionState.model_validate(state)

    assert parsed.draft is None
    assert parsed.canvas_config is None
    assert parsed.video_infos == parsed.generated_media == parsed.video_analyses == []
    assert not parsed.is_exportable


def test_state_keeps_unknown_keys_of_the_draft_and_of_the_state() -> None:
    draft = {"t": [{"tt": 0, "sg": [{"d": 5000, "zz_unknown": {"k": 1}}]}], "m": {"title": "x"}, "v": 3}

    state = SessionState.model_validate({"draft": draft, "timeline_rev": 7})

    assert state.draft == draft
    assert state.model_dump()["timeline_rev"] == 7


@pytest.mark.parametrize(
    ("draft", "exportable"),
    [
        ({"t": [{"tt": 0, "sg": []}, {"tt": 7, "sg": [{"d": 3000}]}]}, True),
        ({"t": [{"tt": 0, "sg": []}]}, False),
        ({"t": []}, False),
        ({"m": {"title": "no tracks"}}, False),
        ({"t": "garbage"}, False),
    ],
)
def test_exportable_when_some_track_has_segments(draft: dict[str, object], exportable: bool) -> None:
    assert SessionState.model_validate({"draft": draft}).is_exportable is exportable


def test_render_status_canonical_shape() -> None:
    status = RenderStatus.model_validate(
        {
            "status": "completed",
            "progress": 100,
            "output": {"url": "https://cdn.test/r.mp4", "duration": 10.5, "size": 2048},
        }
    )

    assert status == RenderStatus(
        status="completed", progress=100, url="https://cdn.test/r.mp4", duration=10.5, size=2048
    )
    assert status.is_done and not status.is_failed


def test_render_status_success_data_shape() -> None:
    status = RenderStatus.model_validate(
        {
            "success": True,
            "data": {
                "id": "render_1",
                "status": "completed",
                "progress": 100,
                "outputUrl": "https://cdn.test/r.mp4",
                "createdAt": "2030-01-01T00:00:00Z",
                "completedAt": "2030-01-01T00:01:00Z",
            },
        }
    )

    assert status.url == "https://cdn.test/r.mp4"
    assert status.is_done


def test_render_status_top_level_output_url_and_error_shape() -> None:
    status = RenderStatus.model_validate(
        {"status": "failed", "progress": 40, "outputUrl": None, "error": "draft has no tracks"}
    )

    assert status.is_failed and not status.is_done
    assert status.error == "draft has no tracks"
    assert status.progress == 40


def test_completed_without_url_is_not_done() -> None:
    status = RenderStatus.model_validate({"status": "completed", "progress": 100, "output": {}})

    assert not status.is_done
    assert not status.is_failed


@pytest.mark.parametrize(
    ("reply", "progress", "state"),
    [
        ({"status": "pending"}, 0, "pending"),
        ({"status": "PROCESSING", "progress": 42.6}, 43, "processing"),
        ({"status": "processing", "progress": 130}, 100, "processing"),
        ({"status": "processing", "progress": None}, 0, "processing"),
    ],
)
def test_render_progress_and_status_are_normalised(
    reply: dict[str, object], progress: int, state: str
) -> None:
    status = RenderStatus.model_validate(reply)

    assert (status.status, status.progress) == (state, progress)


@pytest.mark.parametrize("reply", [{"progress": 10}, {"status": "exploded"}, {"success": True, "data": None}])
def test_render_status_unreadable_replies_are_rejected(reply: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        RenderStatus.model_validate(reply)


def test_render_status_round_trips_through_its_own_dump() -> None:
    status = RenderStatus(
        status="completed", progress=100, url="https://cdn.test/r.mp4", duration=3.0, size=9
    )

    assert RenderStatus.model_validate(status.model_dump()) == status
