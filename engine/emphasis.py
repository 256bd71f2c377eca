"""Where a speaker stresses a word: the moments a punch-in zoom lands on ("zoom on emphasis").

A word is stressed when it is clearly louder than its own sentence (the recogniser's segment): `MIN_RISE_DB`
above the sentence's median word level. Loudness is relative to the sentence, not to the clip, so a speaker
who walks away from the phone, or a quiet intro, does not make every later word "stressed". Consecutive
stressed words are one phrase. Punch-ins are a seasoning: the strongest phrases are taken first and no two
start within `MIN_GAP_S`; each holds at least `MIN_HOLD_S` (up to the end of a later word of the sentence),
so that it reads as a punch-in, not a flicker. Every boundary is a word's start or end.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

from engine.speech import Segment, Span, Transcript, Word

MIN_RISE_DB = 6.0  # a stressed word in speech is ~6-10 dB above its neighbours; espeak's own ripple is < 4 dB
MIN_GAP_S = 3.0  # at most one punch-in every few seconds
MIN_HOLD_S = 0.6
MIN_WORDS = 3  # a sentence of one or two words has no "louder than the rest"


def stressed_phrases(transcript: Transcript) -> list[Span]:
    """The moments (source seconds, word boundaries) to punch in on, in time order, sparingly."""
    candidates: list[tuple[float, Span]] = []
    for segment in transcript.segments:
        candidates += _candidates(segment)
    chosen: list[Span] = []
    for _, span in sorted(candidates, key=lambda c: -c[0]):
        if all(abs(span[0] - other[0]) >= MIN_GAP_S for other in chosen):
            chosen.append(span)
    chosen.sort()
    nexts = [start for start, _ in chosen[1:]] + [float("inf")] * bool(chosen)  # no phrase runs into the next
    return [(start, min(end, limit)) for (start, end), limit in zip(chosen, nexts, strict=True)]


def _candidates(segment: Segment) -> list[tuple[float, Span]]:
    """(how much louder, span) of each run of stressed words in one sentence."""
    heard = [(w, w.loudness_db) for w in segment.words if w.text.strip() and w.loudness_db is not None]
    if len(heard) < MIN_WORDS:
        return []
    words = [w for w, _ in heard]
    typical = median(level for _, level in heard)
    rises = [level - typical for _, level in heard]
    found: list[tuple[float, Span]] = []
    index = 0
    while index < len(words):
        if rises[index] < MIN_RISE_DB:
            index += 1
            continue
        last = index
        while last + 1 < len(words) and rises[last + 1] >= MIN_RISE_DB:
            last += 1
        found.append((max(rises[index : last + 1]), _held(words, index, last)))
        index = last + 1
    return found


def _held(words: Sequence[Word], first: int, last: int) -> Span:
    """From the first stressed word's start to the end of the last, or of a later word of the sentence
    once `MIN_HOLD_S` has passed."""
    start = words[first].start_s
    end_at = last
    while words[end_at].end_s - start < MIN_HOLD_S and end_at + 1 < len(words):
        end_at += 1
    return (start, words[end_at].end_s)
