"""Why a file was refused reaches the user as one sentence in their language, from the refusal's code."""

from __future__ import annotations

import pytest

from bot.i18n import LANGS, bundle, fluent_id, translate
from engine.refusals import Reason
from worker.jobs.upload import refusal_key
from worker.nemo import UnsupportedFileError, error_from_response


@pytest.mark.parametrize("reason", list(Reason))
@pytest.mark.parametrize("lang", LANGS)
def test_every_reason_the_engine_sends_has_its_own_sentence_in_every_language(reason: Reason, lang: str):
    key = refusal_key(reason.value)
    assert key == f"upload.refused.{reason.value}"
    assert bundle(lang).has_message(fluent_id(key))  # not only the English fallback


def test_an_engine_refusal_is_worded_from_its_code_not_from_the_engines_english():
    body = {"code": 4001, "msg": "clip.mp4: The file is incomplete: it ends before its stated length.",
            "reason": "truncated"}  # fmt: skip
    refusal = error_from_response(200, body)
    assert isinstance(refusal, UnsupportedFileError) and refusal.reason == "truncated"
    english = translate("en", refusal_key(refusal.reason))
    assert english.startswith("This video is incomplete") and "stated length" not in english
    hinglish = translate("hi-Latn", refusal_key(refusal.reason))
    assert hinglish.startswith("Ye video adhoori hai") and "incomplete" not in hinglish
    assert "अधूरा" in translate("hi", refusal_key(refusal.reason))


@pytest.mark.parametrize(
    "body",
    [
        {"code": 4001, "msg": "unsupported type"},  # the cloud: no reason at all
        {"code": 4001, "msg": "x", "reason": "sideways_hologram"},  # a newer engine's code we do not know
        {"code": 4001, "msg": "x", "reason": "Send me $5 at http://evil"},  # not a code word: never used
        {"code": 4001, "msg": "x", "reason": 7},
    ],
)
def test_no_reason_or_an_unknown_one_gets_the_general_refusal(body: dict[str, object]):
    refusal = error_from_response(200, body)
    assert isinstance(refusal, UnsupportedFileError)
    assert refusal_key(refusal.reason) == "upload.unsupported"
    assert translate("hi-Latn", refusal_key(refusal.reason)).startswith("Is tarah ki file")
