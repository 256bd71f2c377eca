"""Speech in a clip, found once per source: words with timestamps (faster-whisper) and where the voice is
(its bundled Silero voice-activity model), cached next to nothing public and reused by every operation.

Why a child process: a speech model takes hundreds of megabytes and both cores for seconds to minutes; in a
child under `RLIMIT_AS` and a timeout (as the probe), a runaway clip or a broken model file cannot take the
worker with it, and the parent stays a small RQ job that only relays progress. The child reads the media
with the demuxer the probe chose (never a guessing one): the file arrives here only after the probe.

`python -m engine.speech MEMORY_BYTES MODEL THREADS LANG MEDIA OUT` is the child: it prints
`progress <percent>` lines and writes the transcript JSON to OUT.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av
import numpy as np

from engine.asrmodel import ModelError, model_key, resolve_model
from engine.errors import EngineError
from engine.formats import UnknownFormatError, format_of, pyav_options
from engine.probe import ProbeError
from engine.refusals import reason_for_unknown
from engine.speechlang import LanguageRun, detector, language_runs

if TYPE_CHECKING:
    from engine.settings import EngineSettings

SAMPLE_RATE = 16000
_DEVANAGARI = re.compile("[\u0900-\u097f]")  # faster-whisper names one language per file; script tells more
Span = tuple[float, float]
Detection = tuple[int, int, str, float]  # a voice-activity span (16 kHz samples), its language and how sure


class SpeechError(EngineError):
    """Transcription could not run or did not finish (the message is plain and safe to show)."""


@dataclass(frozen=True)
class Word:
    """One spoken word as recognised, with where it starts and ends in the source (seconds)."""

    text: str
    start_s: float
    end_s: float
    probability: float = 1.0
    loudness_db: float | None = None  # the word's RMS level (dBFS): emphasis stands out of its sentence
    language: str = ""  # its segment's (set when read back: the cache stores it once per segment)


@dataclass(frozen=True)
class Segment:
    """A stretch of speech the recogniser decoded as one piece, in one language."""

    start_s: float
    end_s: float
    language: str
    words: tuple[Word, ...] = ()

    @property
    def text(self) -> str:
        return "".join(word.text for word in self.words).strip()


@dataclass(frozen=True)
class Transcript:
    """Everything said in one source clip, and where the voice-activity model heard speech at all."""

    language: str
    duration_s: float
    segments: tuple[Segment, ...] = ()
    speech: tuple[Span, ...] = ()
    model: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    prior: str = ""  # the language the transcription was asked for (the session's, at upload)
    detected: tuple[Detection, ...] = ()  # a multilingual model's detection per span ("", 0 when too short)

    def suits(self, language: str) -> bool:
        """Whether this transcript is what a transcription asked for in `language` would make.

        Why: with a multilingual model the language asked for is only a prior for the phrases whose detection
        is unsure (`engine.speechlang`); a clip transcribed at upload with the session's language is reused
        by a turn in another language only if that prior would have decided no phrase differently. The
        detections are kept, so this is known without decoding again. English-only models (and transcripts
        cached before detections were kept) suit any language."""
        asked = language.split("-")[0]
        if not language or asked == self.prior or not self.detected:
            return True
        spans = [(start, end) for start, end, _, _ in self.detected]
        found = {(start, end): (lang, p) for start, end, lang, p in self.detected}

        def detect(start: int, end: int) -> tuple[str, float]:
            return found.get((start, end), ("", 0.0))

        return language_runs(spans, detect, asked) == language_runs(spans, detect, self.prior)

    @property
    def words(self) -> list[Word]:
        return [word for segment in self.segments for word in segment.words]

    @property
    def text(self) -> str:
        return " ".join(segment.text for segment in self.segments).strip()

    def to_json(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "duration_s": self.duration_s,
            "model": self.model,
            "prior": self.prior,
            "detected": [list(detection) for detection in self.detected],
            "speech": [list(span) for span in self.speech],
            "segments": [
                {
                    "start_s": s.start_s,
                    "end_s": s.end_s,
                    "language": s.language,
                    "words": [[w.text, w.start_s, w.end_s, w.probability, w.loudness_db] for w in s.words],
                }
                for s in self.segments
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Transcript:
        return cls(
            language=str(data.get("language", "")),
            duration_s=float(data.get("duration_s", 0.0)),
            model=str(data.get("model", "")),
            prior=str(data.get("prior", "")),
            detected=tuple((int(a), int(b), str(c), float(d)) for a, b, c, d in data.get("detected", [])),
            speech=tuple((float(a), float(b)) for a, b in data.get("speech", [])),
            segments=tuple(
                Segment(
                    start_s=float(s["start_s"]),
                    end_s=float(s["end_s"]),
                    language=str(s.get("language", "")),
                    words=tuple(_word(w, str(s.get("language", ""))) for w in s["words"]),
                )
                for s in data.get("segments", [])
            ),
        )


def _word(stored: Sequence[Any], language: str) -> Word:
    """A cached word: [text, start, end, probability] and, since emphasis punch-ins, its loudness."""
    loudness = stored[4] if len(stored) > 4 and stored[4] is not None else None
    return Word(
        str(stored[0]), float(stored[1]), float(stored[2]), float(stored[3]),
        None if loudness is None else float(loudness), language,
    )  # fmt: skip


def cache_path(data_dir: Path, file_id: str, model: str) -> Path:
    """Where a clip's transcript is kept: outside `files/` (which is served publicly), one per model."""
    return data_dir / "speech" / f"{file_id}.{model_key(model)}.json"


def derived_files(data_dir: Path, file_id: str) -> list[Path]:
    """What the engine made from a clip's speech (its transcripts, the .srt files sent for it) and picture
    (where its face is, engine.reframe): deleted with the clip when its retention runs out, since they hold
    what the user said and where they were."""
    return [
        *(data_dir / "faces").glob(f"{file_id}.json"),
        *(data_dir / "speech").glob(f"{file_id}.*.json"),
        *(data_dir / "files" / "captions").glob(f"{file_id}-*.srt"),
    ]


def load_cached(data_dir: Path, file_id: str, model: str) -> Transcript | None:
    """The cached transcript, or None: never made, unreadable, or made before words had their loudness
    (emphasis punch-ins would find no word louder than another and silently zoom on none): then it is made
    again, once, by the next transcription job."""
    path = cache_path(data_dir, file_id, model)
    try:
        transcript = Transcript.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if any(word.loudness_db is None for word in transcript.words):
        return None
    return transcript


def load_any(data_dir: Path, file_id: str) -> Transcript | None:
    """The newest cached transcript of a clip by any model (the renderer uses what the edit used)."""
    found = sorted((data_dir / "speech").glob(f"{file_id}.*.json"), key=lambda p: p.stat().st_mtime)
    for path in reversed(found):
        try:
            return Transcript.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return None


def transcribe_to_cache(
    media: Path,
    file_id: str,
    settings: EngineSettings,
    language: str = "",
    on_progress: Callable[[int], None] | None = None,
) -> Transcript:
    """Transcribe `media` in a limited child (unless a cached transcript suits `language`) and return the
    cached transcript."""
    cached = load_cached(settings.data_dir, file_id, settings.asr_model)
    if cached is not None and cached.suits(language):
        return cached
    target = cache_path(settings.data_dir, file_id, settings.asr_model)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    command = [
        sys.executable, "-m", "engine.speech", str(settings.asr_memory_bytes), settings.asr_model,
        str(settings.asr_threads), language, str(media.resolve()), str(partial),
    ]  # fmt: skip
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],  # where `engine` is importable from
    )
    fired = threading.Event()

    def stop() -> None:
        fired.set()
        proc.kill()

    timer = threading.Timer(settings.asr_timeout_s, stop)
    timer.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            key, _, value = line.strip().partition(" ")
            if key == "progress" and value.isdigit() and on_progress is not None:
                on_progress(int(value))
        stderr = proc.stderr.read() if proc.stderr else ""
        proc.wait()
    finally:
        timer.cancel()
    if proc.returncode != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        raise SpeechError(_child_error(proc.returncode, stderr, timed_out=fired.is_set()))
    partial.replace(target)  # atomic: a reader sees no transcript or a whole one
    transcript = load_cached(settings.data_dir, file_id, settings.asr_model)
    if transcript is None:
        raise SpeechError("the transcript could not be read back")
    return transcript


def _child_error(returncode: int | None, stderr: str, *, timed_out: bool) -> str:
    """The child's own one-line reason (it prints `error: …`), else what the exit says."""
    reason = next((ln[7:] for ln in reversed(stderr.splitlines()) if ln.startswith("error: ")), "")
    if timed_out:
        return "transcription took too long"
    if reason:
        return reason
    if returncode is not None and returncode < 0:
        return "transcription was stopped (it may have needed too much memory)"
    return "transcription failed"


# ---- the child ---------------------------------------------------------------------------------------
def spans_in_seconds(stamps: Sequence[dict[str, int]]) -> tuple[Span, ...]:
    """Silero's sample offsets (16 kHz) as (start, end) seconds."""
    return tuple((round(s["start"] / SAMPLE_RATE, 3), round(s["end"] / SAMPLE_RATE, 3)) for s in stamps)


def decode_audio(media: Path) -> np.ndarray:
    """The first audio stream as 16 kHz mono float32, read with the demuxer of the format the probe chose
    (the engine stores a file as `<id>.<format>`) and the `file` protocol alone: faster-whisper's own
    decoder lets FFmpeg guess, and a second look at the bytes would be a second decision."""
    try:
        demuxer, options = pyav_options(format_of(media))
    except UnknownFormatError:
        raise ProbeError("This file type is not supported.", reason_for_unknown(media)) from None
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    with av.open(str(media), format=demuxer, options=options, metadata_errors="ignore") as container:
        if not container.streams.audio:
            return np.zeros(0, np.float32)
        for frame in container.decode(container.streams.audio[0]):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1))
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
    audio: np.ndarray = samples.astype(np.float32) / 32768.0
    return audio


def transcribe_file(
    media: Path,
    model_spec: str,
    cache_dir: Path,
    *,
    threads: int = 2,
    language: str = "",
    on_progress: Callable[[int], None] | None = None,
) -> Transcript:
    """The child's work: voice activity, then words with timestamps, for one media file."""
    from faster_whisper import WhisperModel
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    resolved = resolve_model(model_spec, cache_dir)
    audio = decode_audio(media)
    duration_s = len(audio) / SAMPLE_RATE
    prior = language.split("-")[0]
    if duration_s < 0.1:  # no sound track, or a blip: nothing was said
        return Transcript("", round(duration_s, 3), (), (), model_key(model_spec), prior=prior)
    # Tight spans for cutting (engine.speechcut adds its own margins): little padding, and speech ends when
    # the voice probability falls below 0.4 (the default 0.35 lets street noise stretch a phrase's end).
    # The recogniser gets more padding, so that it hears every word whole.
    tight = VadOptions(neg_threshold=0.4, min_silence_duration_ms=200, speech_pad_ms=30)
    speech = spans_in_seconds(get_speech_timestamps(audio, tight))
    vad = VadOptions(min_silence_duration_ms=300, speech_pad_ms=100)
    model = WhisperModel(resolved.source, device="cpu", compute_type="int8", cpu_threads=threads)
    detected: tuple[Detection, ...] = ()
    if resolved.multilingual:
        stamps = get_speech_timestamps(audio, vad)
        spans = [(int(stamp["start"]), int(stamp["end"])) for stamp in stamps]
        detect = detector(model, audio)
        found: dict[tuple[int, int], tuple[str, float]] = {}

        def noted(start: int, end: int) -> tuple[str, float]:
            found[start, end] = detect(start, end)
            return found[start, end]

        runs = language_runs(spans, noted, prior)
        detected = tuple((start, end, *found.get((start, end), ("", 0.0))) for start, end in spans)
    else:
        runs = [LanguageRun(0, len(audio), "en")]
    segments: list[Segment] = []
    for run in runs:
        offset = run.start / SAMPLE_RATE
        pieces, info = model.transcribe(
            audio[run.start : run.end],
            language=run.language or None,
            word_timestamps=True,
            vad_filter=True,
            vad_parameters=vad,
            beam_size=1,
            condition_on_previous_text=False,
        )
        for piece in pieces:
            language_of = "hi" if _DEVANAGARI.search(piece.text) else info.language
            words = tuple(_heard(w, offset, audio, language_of) for w in piece.words or ())
            segments.append(
                Segment(round(piece.start + offset, 3), round(piece.end + offset, 3), language_of, words)
            )
            if on_progress is not None and duration_s > 0:
                on_progress(min(int(100 * (piece.end + offset) / duration_s), 99))
    return Transcript(
        _main_language(segments), round(duration_s, 3), tuple(segments), speech, resolved.key,
        prior=prior, detected=detected,
    )  # fmt: skip


def _heard(word: Any, offset_s: float, audio: np.ndarray, language: str) -> Word:
    """A recognised word at its time in the clip, with its loudness (RMS over its samples, dBFS)."""
    start, end = round(float(word.start) + offset_s, 3), round(float(word.end) + offset_s, 3)
    samples = audio[int(start * SAMPLE_RATE) : max(int(end * SAMPLE_RATE), int(start * SAMPLE_RATE) + 1)]
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if len(samples) else 0.0
    loudness = round(20 * np.log10(max(rms, 1e-6)), 1)
    return Word(word.word, start, end, round(float(word.probability), 3), float(loudness), language)


def _main_language(segments: Sequence[Segment]) -> str:
    """The language most of the words were spoken in (the clip's, for whoever wants one)."""
    counts: dict[str, int] = {}
    for segment in segments:
        counts[segment.language] = counts.get(segment.language, 0) + len(segment.words)
    return max(counts, key=lambda language: counts[language]) if counts else ""


def _main(argv: list[str]) -> int:
    memory, model_spec, threads, language, media, out = argv[1:7]
    resource.setrlimit(resource.RLIMIT_AS, (int(memory), int(memory)))
    cache_dir = Path(out).resolve().parent.parent / "models"

    def progress(percent: int) -> None:
        print(f"progress {percent}", flush=True)

    try:
        transcript = transcribe_file(
            Path(media), model_spec, cache_dir, threads=int(threads), language=language, on_progress=progress
        )
    except (ModelError, ProbeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except av.FFmpegError:
        print("error: the sound could not be read (the file may be damaged)", file=sys.stderr)
        return 2
    except MemoryError:
        print("error: transcription needs more memory than allowed", file=sys.stderr)
        return 3
    Path(out).write_text(json.dumps(transcript.to_json(), ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
