"""A clip's cached transcript is reused only when it is what a transcription asked now would make: in the
turn's language (a multilingual model's prior), and with every word's loudness (emphasis needs it)."""

from __future__ import annotations

import json
from pathlib import Path

from engine.speech import Segment, Transcript, Word, cache_path, load_cached

RATE = 16000
# Two phrases of a Hinglish vlog: the first detected surely as English, the second unsure (Hindi heard as
# Urdu at 0.3) - the session's language decides that one. A short "ok" is too short to detect.
DETECTED = ((0, 3 * RATE, "en", 0.93), (4 * RATE, 8 * RATE, "ur", 0.3), (9 * RATE, 9 * RATE + 8000, "", 0.0))


def transcript(prior: str, detected=DETECTED, loudness: float | None = -20.0) -> Transcript:
    words = (Word(" hello", 0.5, 0.9, 0.9, loudness), Word(" friends", 1.0, 1.5, 0.9, loudness))
    return Transcript("en", 10.0, (Segment(0.5, 1.5, "en", words),), ((0.5, 1.5),), "base", prior=prior,
                      detected=detected)  # fmt: skip


def test_a_transcript_suits_a_language_that_would_decide_no_phrase_differently():
    made_in_hindi = transcript("hi")
    assert made_in_hindi.suits("hi") and made_in_hindi.suits("hi-Latn")  # Hinglish is Hindi to the ear
    assert made_in_hindi.suits("")  # a caller with no language of its own takes what there is
    # an English session would give the unsure phrase to English: the Hindi-prior transcript is not its
    assert not made_in_hindi.suits("en")
    sure = ((0, 3 * RATE, "en", 0.93), (4 * RATE, 8 * RATE, "hi", 0.88))
    assert transcript("hi", sure).suits("en")  # every phrase detected surely: any prior gives the same


def test_an_english_only_models_transcript_suits_every_language():
    assert transcript("en", detected=()).suits("hi")


def test_the_prior_and_the_detections_survive_the_cache(tmp_path: Path):
    made = transcript("hi")
    path = cache_path(tmp_path, "clip", "base")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(made.to_json()), encoding="utf-8")
    cached = load_cached(tmp_path, "clip", "base")
    assert cached is not None and cached.prior == "hi" and cached.detected == DETECTED
    assert not cached.suits("en")


def test_a_cache_entry_from_before_word_loudness_is_not_used(tmp_path: Path):
    """The old format stored [text, start, end, probability] per word: emphasis would see no louder word
    and silently zoom on none, so the entry counts as missing and the transcription job makes it again."""
    old = transcript("en", loudness=None).to_json()
    for segment in old["segments"]:
        segment["words"] = [word[:4] for word in segment["words"]]
    del old["prior"], old["detected"]
    path = cache_path(tmp_path, "clip", "tiny.en")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(old), encoding="utf-8")
    assert load_cached(tmp_path, "clip", "tiny.en") is None
