"""Speech-aware pause removal: keep where someone speaks, from the voice-activity model and the words.

Why not loudness alone: at street-noise levels (10 dB below the voice) the pauses are as loud as the quiet
ends of words, so a loudness threshold keeps everything or clips consonants. The Silero voice-activity model
hears a voice, not energy, so traffic, fans and music do not count; the word timestamps then make sure a cut
never lands inside a word, and a margin before and after each stretch keeps the breath and the decay that
make cut speech sound natural. Pure over a `Transcript`: the transcription itself is the speech job's.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.speech import Span, Transcript

MIN_PAUSE_S = 0.5  # shorter pauses are the rhythm of speech and stay
LEAD_S = 0.12  # kept before speech: the in-breath, a plosive's onset, the voice detector's late start
TAIL_S = 0.05  # kept after speech: the voice detector already ends late (it hears the decay)
WORD_CORE = 0.5  # the middle half of a recognised word is surely speech
MIN_CLIP_S = 0.2  # a shorter island of "speech" alone is a cough or a click


def _merged(spans: Iterable[Span], gap_s: float) -> list[Span]:
    """Sorted spans with those closer than `gap_s` joined."""
    out: list[list[float]] = []
    for start, end in sorted(spans):
        if out and start - out[-1][1] < gap_s:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def speech_spans(transcript: Transcript) -> list[Span]:
    """Where speech is: the voice-activity spans, plus the core of any word they missed (a quiet word).

    Only a word's core (its middle part) counts: the recogniser's word edges are often 0.1-0.3 s off and
    smear into the pauses around them, while the voice-activity edges are within a few tens of ms.
    """
    voiced = _merged(transcript.speech, 0.0)
    cores: list[Span] = []
    for word in transcript.words:
        trim = (word.end_s - word.start_s) * (1 - WORD_CORE) / 2
        core = (word.start_s + trim, word.end_s - trim)
        if core[1] > core[0] and not any(a <= core[0] and core[1] <= b for a, b in voiced):
            cores.append(core)
    return _merged([*voiced, *cores], 0.0)


def speech_keep_spans(
    transcript: Transcript,
    *,
    min_pause_s: float = MIN_PAUSE_S,
    lead_s: float = LEAD_S,
    tail_s: float = TAIL_S,
) -> list[Span]:
    """The parts of the clip to keep (seconds): speech with its margins, pauses under `min_pause_s` kept."""
    duration = transcript.duration_s
    joined = _merged(speech_spans(transcript), min_pause_s)  # pauses shorter than that are not cut
    padded = [
        (max(start - lead_s, 0.0), min(end + tail_s, duration))
        for start, end in joined
        if end - start >= MIN_CLIP_S or _has_word(transcript, start, end)
    ]
    return [(round(a, 3), round(b, 3)) for a, b in _merged(padded, 0.0)]


def _has_word(transcript: Transcript, start: float, end: float) -> bool:
    return any(start <= (w.start_s + w.end_s) / 2 <= end for w in transcript.words)
