from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from worker.nemo.errors import (
    AuthExpiredError,
    BadRequestError,
    ClientIdMissingError,
    FileTooLargeError,
    NemoError,
    OutOfCreditsError,
    PlanRequiredError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    SessionNotFoundError,
    UnsupportedFileError,
    error_from_response,
    scrub,
)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, {"code": 0, "data": {}}),
        (200, {"code": 0, "msg": "ok", "data": {}}),
        (200, {"status": "pending", "progress": 0}),
        (200, {"success": True, "data": {}}),
        (201, {"code": "0"}),
        (204, None),
    ],
)
def test_success_is_none(status: int, body: object) -> None:
    assert error_from_response(status, body) is None


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (1001, AuthExpiredError),
        (1002, SessionNotFoundError),
        (2001, OutOfCreditsError),
        (4001, UnsupportedFileError),
        (4002, FileTooLargeError),
    ],
)
@pytest.mark.parametrize("status", [200, 400, 403, 500])
def test_body_code_decides_before_http_status(code: int, cls: type[NemoError], status: int) -> None:
    error = error_from_response(status, {"code": code, "msg": "nope"})

    assert type(error) is cls
    assert error.code == code
    assert error.http_status == status
    assert "nope" in str(error)


def test_code_as_numeric_string_is_read() -> None:
    assert isinstance(error_from_response(200, {"code": "2001"}), OutOfCreditsError)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthExpiredError),
        (402, PlanRequiredError),
        (404, BadRequestError),
        (413, FileTooLargeError),
        (415, UnsupportedFileError),
        (429, RateLimitedError),
        (500, ServerError),
        (502, ServerError),
        (302, ProtocolError),
    ],
)
@pytest.mark.parametrize("body", [None, "<html>Bad Gateway</html>", {"code": 0}, {"msg": "no code"}])
def test_without_a_known_code_the_http_status_decides(
    status: int, cls: type[NemoError], body: object
) -> None:
    error = error_from_response(status, body)

    assert type(error) is cls
    assert error.http_status == status


def test_http_400_class_is_chosen_by_the_caller() -> None:
    assert type(error_from_response(400, None, bad_request=ClientIdMissingError)) is ClientIdMissingError
    # a known code still wins over the caller's choice
    assert (
        type(error_from_response(400, {"code": 1001}, bad_request=ClientIdMissingError)) is AuthExpiredError
    )


@pytest.mark.parametrize(
    ("status", "cls"),
    [(200, ServerError), (400, BadRequestError), (429, RateLimitedError), (503, ServerError)],
)
def test_unknown_code_is_a_server_error_unless_the_status_says_more(
    status: int, cls: type[NemoError]
) -> None:
    error = error_from_response(status, {"code": 9999, "msg": "odd"})

    assert type(error) is cls
    assert error.code == 9999


def test_success_false_on_http_200_is_a_server_error() -> None:
    error = error_from_response(200, {"success": False, "error": "render service down"})

    assert type(error) is ServerError
    assert "render service down" in str(error)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "12"}, 12.0),
        ({"retry-after": "1.5"}, 1.5),
        ({}, None),
        ({"Retry-After": "soon"}, None),
    ],
)
def test_retry_after_in_seconds(headers: dict[str, str], expected: float | None) -> None:
    error = error_from_response(429, None, headers)

    assert isinstance(error, RateLimitedError)
    assert error.retry_after == expected


def test_retry_after_as_http_date() -> None:
    when = datetime.now(UTC) + timedelta(seconds=90)

    error = error_from_response(429, None, {"Retry-After": format_datetime(when, usegmt=True)})

    assert isinstance(error, RateLimitedError)
    assert error.retry_after is not None
    assert 80 <= error.retry_after <= 90


def test_messages_never_carry_tokens_or_urls() -> None:
    body = {
        "code": 1001,
        "msg": "token nmv_usr_abc123 expired, see https://x.test/a?sig=s3cr3t, Bearer nmv_usr_abc123",
    }

    message = str(error_from_response(200, body))

    assert "abc123" not in message
    assert "s3cr3t" not in message
    assert "expired" in message


def test_scrub_shortens_long_backend_text() -> None:
    assert len(scrub("x" * 5000)) <= 301
