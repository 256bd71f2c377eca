"""Language per segment with the real multilingual model (Whisper `base` from the `captions` extra): one
clip that switches language after a pause is transcribed half in each language.

The voices are English and Spanish, not Hindi: Whisper `base` cannot understand espeak-ng's Hindi voice at all
(detected as Latvian, Italian or Japanese at p < 0.5; with the `hi` hint, garbage; bench/README.md, speech
section), so Hindi would test espeak-ng, not the mechanism. English and Spanish espeak-ng sentences of ~4 s
are detected right at p 0.98 and 0.86 (measured).
"""

import pytest

from engine.settings import EngineSettings
from engine.speech import Transcript, Word, transcribe_to_cache
from tests import media as m

pytest.importorskip("faster_whisper", reason="the `captions` extra is not installed")
pytestmark = pytest.mark.media
ENGLISH = "hello friends welcome back to my channel"
SPANISH = "muchas gracias por ver este video y hasta pronto amigos"


@pytest.fixture(scope="module")
def switching(tmp_path_factory):
    """An English sentence, a pause, a Spanish one: transcribed once with an English session."""
    tmp = tmp_path_factory.mktemp("languages")
    wav = tmp / "switch.wav"
    spans = m.synth_speech(wav, "en", [ENGLISH, m.Spoken(SPANISH, lang="es")], pause_s=0.8)
    clip = m.make_video_for_audio(wav, tmp / "switch.mp4", picture="color=c=black")
    settings = EngineSettings(data_dir=tmp, asr_model="base")
    return transcribe_to_cache(clip, "switch", settings, "en"), spans


def _words_in(transcript: Transcript, span: tuple[float, float]) -> list[Word]:
    start, end = span
    return [w for w in transcript.words if start - 0.2 <= (w.start_s + w.end_s) / 2 <= end + 0.2]


def test_each_half_is_detected_and_transcribed_in_its_own_language(switching):
    transcript, (english, spanish) = switching
    first, second = _words_in(transcript, english), _words_in(transcript, spanish)
    assert first and second
    assert {w.language for w in first} == {"en"}
    assert {w.language for w in second} == {"es"}
    heard_en = " ".join(w.text.lower() for w in first)
    heard_es = " ".join(w.text.lower() for w in second)
    assert "friends" in heard_en and "welcome" in heard_en
    assert "gracias" in heard_es and "amigos" in heard_es  # Spanish words, not an English rendering
