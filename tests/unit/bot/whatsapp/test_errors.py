"""Every Cloud API error the issue names maps to a typed error with a decided action."""

from __future__ import annotations

import pytest

from bot.outbox import ChatUnavailableError, FileTooBigError, MediaRejectedError, SendError, WindowClosedError
from bot.whatsapp.errors import AccessTokenError, PacedError, error_from_response

TOKEN = "EAAFakeWhatsAppAccessToken0123456789"


def meta(code: int, message: str = "x") -> dict[str, object]:
    return {"error": {"message": f"(#{code}) {message}", "type": "OAuthException", "code": code}}


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (400, 131047, WindowClosedError),
        (400, 131053, MediaRejectedError),
        (400, 131052, FileTooBigError),
        (400, 131026, ChatUnavailableError),
        (401, 190, AccessTokenError),
        (401, 0, AccessTokenError),
        (400, 131056, PacedError),
        (400, 130429, PacedError),
        (500, 1, SendError),
    ],
)
def test_codes_map_to_typed_errors(status: int, code: int, kind: type[SendError]):
    error = error_from_response("video", status, meta(code), 6.0)
    assert type(error) is kind


def test_pair_rate_limit_backs_off_for_the_per_user_interval():
    error = error_from_response("text", 400, meta(131056), 6.0)
    assert isinstance(error, PacedError) and error.retry_after_s == 6.0


def test_a_window_closed_chat_is_unavailable_for_now():
    assert issubclass(WindowClosedError, ChatUnavailableError)


def test_the_token_is_never_in_the_error_text():
    error = error_from_response("text", 401, meta(190, "Invalid OAuth access token"), 6.0)
    assert TOKEN not in str(error) and "190" in str(error)
