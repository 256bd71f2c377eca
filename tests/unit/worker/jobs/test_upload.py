"""The backend's reason for refusing a file reaches the user, without our file name around it."""

from __future__ import annotations

from bot.i18n import translate
from worker.jobs.upload import backend_reason
from worker.nemo import UnsupportedFileError


def test_the_engines_probe_reason_is_carried_to_the_user():
    refusal = UnsupportedFileError(
        "HTTP 200, code 4001: clip.mp4: The file is incomplete: it ends before its stated length."
    )
    reason = backend_reason(refusal)
    assert reason == "The file is incomplete: it ends before its stated length."
    told = translate("en", "upload.refused", reason=reason)
    assert told.startswith("The editor could not use this file: The file is incomplete: it ends before")
    assert translate("en", "upload.unsupported") in told  # and what it accepts


def test_a_refusal_without_words_has_no_reason():
    assert backend_reason(UnsupportedFileError("HTTP 415")) == ""
    assert backend_reason(UnsupportedFileError("HTTP 200, code 4001: unsupported type")) == "unsupported type"
