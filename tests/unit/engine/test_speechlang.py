"""Which language each stretch of speech is decoded in (engine.speechlang), over a scripted detector."""

from collections.abc import Callable

from engine.speechlang import THRESHOLD, LanguageRun, choose_language, language_runs

RATE = 16000


def scripted(answers: dict[int, tuple[str, float]]) -> Callable[[int, int], tuple[str, float]]:
    """A detector answering from a table keyed by the span's start (in seconds)."""

    def detect(start: int, end: int) -> tuple[str, float]:
        return answers[start // RATE]

    return detect


def test_a_sure_detection_wins_over_the_session_language():
    assert choose_language("en", 0.96, "hi") == "en"


def test_an_unsure_detection_falls_back_to_the_session_language():
    assert choose_language("ja", 0.08, "hi") == "hi"  # espeak-ng Hindi as Whisper base hears it
    assert choose_language("fi", THRESHOLD - 0.01, "en") == "en"


def test_without_a_session_language_the_detector_decides():
    assert choose_language("es", 0.3, "") == "es"


def test_urdu_is_hindi_in_a_hindi_session_only():
    assert choose_language("ur", 0.9, "hi") == "hi"
    assert choose_language("ur", 0.9, "en") == "ur"


def test_a_switch_mid_clip_makes_two_runs_and_phrases_of_one_language_join():
    spans = [(0, 2 * RATE), (3 * RATE, 5 * RATE), (6 * RATE, 9 * RATE)]
    detect = scripted({0: ("hi", 0.9), 3: ("hi", 0.7), 6: ("en", 0.95)})
    assert language_runs(spans, detect, "hi") == [
        LanguageRun(0, 5 * RATE, "hi"),
        LanguageRun(6 * RATE, 9 * RATE, "en"),
    ]


def test_a_phrase_too_short_to_detect_keeps_the_language_before_it():
    spans = [(0, 3 * RATE), (4 * RATE, 4 * RATE + RATE // 2), (5 * RATE, 8 * RATE)]
    detect = scripted({0: ("en", 0.9), 5: ("hi", 0.9)})  # the short one is never asked about
    assert language_runs(spans, detect, "hi") == [
        LanguageRun(0, 4 * RATE + RATE // 2, "en"),
        LanguageRun(5 * RATE, 8 * RATE, "hi"),
    ]


def test_short_phrases_before_the_first_detection_join_it_when_there_is_no_session_language():
    spans = [(0, RATE // 2), (RATE, 4 * RATE)]
    assert language_runs(spans, scripted({1: ("es", 0.8)}), "") == [LanguageRun(0, 4 * RATE, "es")]
    assert language_runs([(0, RATE // 2)], scripted({}), "") == [LanguageRun(0, RATE // 2, "")]
