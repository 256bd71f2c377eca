import worker.nemo


def test_public_api_is_pinned_and_sorted() -> None:
    assert worker.nemo.__all__ == [
        "AnonymousToken",
        "AuthExpiredError",
        "BadRequestError",
        "ClientIdMissingError",
        "Credits",
        "DownloadTooLargeError",
        "ErrorEvent",
        "FileTooLargeError",
        "HeartbeatEvent",
        "NemoClient",
        "NemoError",
        "OutOfCreditsError",
        "PlanRequiredError",
        "ProtocolError",
        "RateLimitedError",
        "RenderStatus",
        "ServerError",
        "SessionInfo",
        "SessionNotFoundError",
        "SessionState",
        "StreamEvent",
        "TextEvent",
        "ToolCallEvent",
        "ToolResultEvent",
        "TransportError",
        "UnsupportedFileError",
        "UploadResult",
        "UploadedFile",
        "claim_url",
        "error_from_response",
        "iter_events",
        "new_render_id",
        "registration_url",
    ]
    assert sorted(worker.nemo.__all__) == worker.nemo.__all__


def test_every_exported_name_exists() -> None:
    assert all(hasattr(worker.nemo, name) for name in worker.nemo.__all__)


def test_every_error_is_a_nemo_error() -> None:
    errors = [getattr(worker.nemo, name) for name in worker.nemo.__all__ if name.endswith("Error")]

    assert len(errors) == 14
    assert all(issubclass(error, worker.nemo.NemoError) for error in errors)
