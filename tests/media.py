"""Test media made at test time (never committed), and the measurements the media tests take.

Makers: `synth_speech` (espeak-ng phrases with known pauses, Hindi or English), `make_syllable_speech`
(0.1-0.2 s bursts between pauses, over street noise), `make_speech_clip`, `make_tone_clip`, `make_sync_clip`
(beeps with white flashes at the same instants), `make_metronome_clip` (the same, periodic, for many cuts),
`make_phone_clip` (frames stored turned, with a display-rotation tag), `make_ramp_clip` (every frame and
every moment of sound its own), `make_image`, `make_audio_file`.
Everything is small (320x180 by default, a few seconds) so tests stay fast on 2 cores.

Measurements: `video_stream_info`, `loudness`, `mono_samples`, `rms_envelope`, `beep_times`, `flash_times`,
`frame_gray`, `column_means`.
"""

from __future__ import annotations

import re
import subprocess
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import imageio_ffmpeg
import numpy as np

ESPEAK_RATE = 22050
DEFAULT_PHRASES = {
    "en": ["hello friends welcome back", "today we travel to the mountains", "thank you for watching"],
    "hi": ["नमस्ते दोस्तों", "आज हम पहाड़ों पर चलेंगे", "देखने के लिए धन्यवाद"],
}


def ffmpeg_exe() -> str:
    """The same FFmpeg binary the engine uses."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def _ffmpeg(*args: str) -> str:
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {done.stderr[-2000:]}")
    return done.stderr


def _read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)


def _write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype(np.int16).tobytes())


def _speak(text: str, lang: str, work: Path) -> np.ndarray:
    """One phrase from espeak-ng with its own leading and trailing silence trimmed."""
    wav = work / "phrase.wav"
    subprocess.run(["espeak-ng", "-v", lang, "-s", "160", "-w", str(wav), text], check=True)
    samples = _read_wav(wav)
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 300)
    return samples[loud[0] : loud[-1] + 1]


@dataclass(frozen=True)
class Spoken:
    """One phrase in its own espeak-ng voice (`lang`, else the clip's), `gain_db` louder or quieter, and
    followed by `pause_s` of silence (None: the clip's pause)."""

    text: str
    lang: str = ""
    gain_db: float = 0.0
    pause_s: float | None = None


def synth_speech(
    path: Path,
    lang: str = "en",
    phrases: Sequence[str | Spoken] | None = None,
    *,
    pause_s: float = 1.0,
    lead_s: float = 0.5,
) -> list[tuple[float, float]]:
    """Write a mono WAV of phrases separated by `pause_s` of digital silence; return the speech spans (s)."""
    parts: list[np.ndarray] = [np.zeros(int(lead_s * ESPEAK_RATE), np.int16)]
    spans: list[tuple[float, float]] = []
    cursor = len(parts[0])
    for item in phrases or DEFAULT_PHRASES[lang]:
        phrase = item if isinstance(item, Spoken) else Spoken(item)
        speech = _speak(phrase.text, phrase.lang or lang, path.parent)
        if phrase.gain_db:
            speech = np.clip(speech * 10 ** (phrase.gain_db / 20), -32768, 32767).astype(np.int16)
        spans.append((cursor / ESPEAK_RATE, (cursor + len(speech)) / ESPEAK_RATE))
        gap = np.zeros(int((pause_s if phrase.pause_s is None else phrase.pause_s) * ESPEAK_RATE), np.int16)
        parts += [speech, gap]
        cursor += len(speech) + len(gap)
    _write_wav(path, np.concatenate(parts), ESPEAK_RATE)
    return spans


def syllable_bursts(
    rng: np.random.Generator, count: int, rate: int, *, lead_s: float = 0.5
) -> tuple[np.ndarray, list[tuple[float, float, float]]]:
    """Mono int16 samples of `count` short voiced bursts (0.1-0.2 s, "haan", "ok", "to") between pauses of
    0.55-1.1 s over quiet street noise; returns the samples and each burst's (start s, end s, pitch Hz).

    Each burst is a pitched tone with harmonics, 15 ms raised-cosine onset and decay, at a level between
    -30 and -18 dBFS RMS; its pitch is its own (a test can tell the bursts apart by frequency). The pauses
    are longer than the silence cut's minimum, so each burst stands alone between two cuts.
    """
    parts = [np.zeros(int(lead_s * rate))]
    bursts: list[tuple[float, float, float]] = []
    cursor = len(parts[0])
    for index in range(count):
        length = int(rng.uniform(0.1, 0.2) * rate)
        pitch = 150.0 + 37.0 * index
        t = np.arange(length) / rate
        tone = sum(np.sin(2 * np.pi * pitch * k * t) / k for k in (1, 2, 3))
        ramp = int(0.015 * rate)
        envelope = np.ones(length)
        envelope[:ramp] = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, ramp))
        envelope[-ramp:] = envelope[:ramp][::-1]
        burst = tone * envelope
        level_db = rng.uniform(-30.0, -18.0)
        burst *= 10 ** (level_db / 20) / np.sqrt(np.mean(burst**2))
        gap = np.zeros(int(rng.uniform(0.55, 1.1) * rate))
        bursts.append((cursor / rate, (cursor + length) / rate, pitch))
        parts += [burst, gap]
        cursor += length + len(gap)
    samples = np.concatenate(parts)
    spectrum = np.fft.rfft(rng.normal(size=len(samples)))
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    noise = np.fft.irfft(spectrum / np.maximum(freqs, 30.0), len(samples))  # traffic's low rumble (1/f)
    samples += noise * 10 ** (-55 / 20) / max(float(np.sqrt(np.mean(noise**2))), 1e-9)
    return (np.clip(samples, -1, 1) * 32767).astype(np.int16), bursts


def make_syllable_speech(
    path: Path, count: int = 8, *, seed: int = 7, rate: int = 48000
) -> list[tuple[float, float, float]]:
    """A mono WAV of `syllable_bursts`; returns the bursts (start s, end s, pitch Hz)."""
    samples, bursts = syllable_bursts(np.random.default_rng(seed), count, rate)
    _write_wav(path, samples, rate)
    return bursts


def street_noise(seconds: float, rate: int = ESPEAK_RATE, seed: int = 7) -> np.ndarray:
    """Street-style noise (float, RMS 1): traffic rumble (pink-ish), cars swelling past, and horn toots."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    white = rng.standard_normal(n)
    rumble = np.convolve(white, np.ones(24) / 24, mode="same") * 3 + white * 0.3  # low-passed + hiss
    t = np.arange(n) / rate
    swells = 0.6 + 0.4 * np.sin(2 * np.pi * t / 3.7) ** 2  # cars passing
    noise = rumble * swells
    for start in rng.uniform(0, max(seconds - 0.4, 0.1), size=max(1, int(seconds / 6))):
        toot = (t >= start) & (t < start + 0.25)
        noise[toot] += 2.0 * (np.sin(2 * np.pi * 420 * t[toot]) + 0.5 * np.sin(2 * np.pi * 840 * t[toot]))
    normalised: np.ndarray = noise / np.sqrt(np.mean(noise**2))
    return normalised


def mix_noise(speech_wav: Path, out_wav: Path, spans: Sequence[tuple[float, float]], snr_db: float) -> Path:
    """`speech_wav` with street noise at `snr_db` below the speech's level (measured where it speaks)."""
    speech = _read_wav(speech_wav).astype(np.float64)
    inside = np.concatenate([speech[int(a * ESPEAK_RATE) : int(b * ESPEAK_RATE)] for a, b in spans])
    level = np.sqrt(np.mean(inside**2))
    noise = street_noise(len(speech) / ESPEAK_RATE)[: len(speech)] * level / 10 ** (snr_db / 20)
    _write_wav(out_wav, np.clip(speech + noise, -32768, 32767), ESPEAK_RATE)
    return out_wav


def _duration(path: Path) -> float:
    with av.open(str(path)) as container:
        return float(container.duration or 0) / av.time_base


def make_video_for_audio(
    audio: Path,
    path: Path,
    *,
    width: int = 320,
    height: int = 180,
    fps: int = 25,
    picture: str = "testsrc2",
    keyframe_every: int = 250,
) -> Path:
    """Mux `audio` with a moving test pattern (or another lavfi `picture`, e.g. `color=black`) of the same
    length into an H.264/AAC mp4, a keyframe every `keyframe_every` frames (x264's default 250; phones
    write one about every second)."""
    joiner = ":" if "=" in picture else "="
    _ffmpeg(
        "-f", "lavfi", "-i", f"{picture}{joiner}size={width}x{height}:rate={fps}",
        "-i", str(audio), "-t", f"{_duration(audio):.3f}",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", str(keyframe_every), "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-ar", "48000", str(path),
    )  # fmt: skip
    return path


def make_speech_clip(
    path: Path,
    lang: str = "en",
    phrases: Sequence[str | Spoken] | None = None,
    pause_s: float = 1.0,
    width: int = 320,
    height: int = 180,
    fps: int = 25,
    lead_s: float = 0.5,
) -> Path:
    """A clip of spoken phrases (espeak-ng) with `pause_s` of silence between them."""
    wav = path.with_suffix(".speech.wav")
    synth_speech(wav, lang, phrases, pause_s=pause_s, lead_s=lead_s)
    return make_video_for_audio(wav, path, width=width, height=height, fps=fps)


def make_tone_clip(
    path: Path, duration_s: float = 3.0, freq: int = 440, width: int = 320, height: int = 180, fps: int = 25
) -> Path:
    """A test pattern with a continuous sine tone."""
    _ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}:duration={duration_s}",
        "-f", "lavfi", "-i", f"sine=frequency={freq}:sample_rate=48000:duration={duration_s}",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(path),
    )  # fmt: skip
    return path


def make_sync_clip(
    path: Path,
    beeps: Sequence[float],
    duration_s: float,
    beep_s: float = 0.3,
    width: int = 160,
    height: int = 90,
    fps: int = 25,
) -> Path:
    """Black video with a white flash and a 1 kHz beep starting together at each time in `beeps`."""
    on = "+".join(f"between(t,{b},{b + beep_s})" for b in beeps) or "0"
    _ffmpeg(
        "-f", "lavfi", "-i", f"color=black:size={width}x{height}:rate={fps}:duration={duration_s}",
        "-f", "lavfi", "-i", f"aevalsrc='0.5*sin(2*PI*1000*t)*gt({on},0)':s=48000:d={duration_s}",
        "-vf", f"drawbox=color=white:t=fill:enable='gt({on},0)'",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(path),
    )  # fmt: skip
    return path


def make_metronome_clip(
    path: Path,
    period_s: float,
    count: int,
    *,
    first_s: float = 0.08,
    beep_s: float = 0.08,
    fps: int = 25,
    keyframe_every: int = 250,
) -> Path:
    """`make_sync_clip` for many events: a flash and a beep together every `period_s`, `count` times
    (a periodic expression stays short where a list of `between` terms would overflow FFmpeg's input), a
    keyframe every `keyframe_every` frames."""
    on = f"gte(t,{first_s})*lt(mod(t-{first_s},{period_s}),{beep_s})"
    duration_s = first_s + period_s * count
    _ffmpeg(
        "-f", "lavfi", "-i", f"color=black:size=160x90:rate={fps}:duration={duration_s}",
        "-f", "lavfi", "-i", f"aevalsrc='0.5*sin(2*PI*1000*t)*{on}':s=48000:d={duration_s}",
        "-vf", f"drawbox=color=white:t=fill:enable='{on}'", "-c:v", "libx264", "-preset", "ultrafast",
        "-g", str(keyframe_every), "-pix_fmt", "yuv420p", "-c:a", "aac", str(path),
    )  # fmt: skip
    return path


def make_ramp_clip(path: Path, duration_s: float, *, fps: int = 25, keyframe_every: int = 25) -> Path:
    """Flat frames growing brighter by 40 levels a second (each frame tells when it was shot) over a tone
    rising in pitch (so does each moment of sound), 160x90, a keyframe every `keyframe_every` frames."""
    picture = f"nullsrc=size=160x90:rate={fps}:duration={duration_s},geq=lum='20+40*T':cb=128:cr=128"
    _ffmpeg(
        "-f", "lavfi", "-i", picture,
        "-f", "lavfi", "-i", f"aevalsrc='0.4*sin(2*PI*(200*t+60*t*t))':s=48000:d={duration_s}",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", str(keyframe_every), "-pix_fmt", "yuv420p",
        "-c:a", "aac", str(path),
    )  # fmt: skip
    return path


_STORE_TURN = {0: "null", 90: "transpose=clock", 180: "hflip,vflip", 270: "transpose=cclock"}


def make_phone_clip(
    path: Path,
    rotation: int,
    *,
    width: int = 180,
    height: int = 320,
    duration_s: float = 2.0,
    fps: int = 30,
    upright: Path | None = None,
) -> Path:
    """A clip as a phone records it: the upright picture (`width`x`height` as shown, a test pattern with a
    tone) stored turned, with a display matrix of `rotation` degrees (counter-clockwise, FFmpeg's sense) that
    tells players to turn it back. `upright`: also write the untagged upright original there.

    Made in two steps because `-display_rotation` is an input option: the turned frames are encoded, then
    remuxed (stream copy) with the tag.
    """
    stored = path.with_suffix(".stored.mp4")
    original = upright or path.with_suffix(".upright.mp4")
    _ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}:duration={duration_s}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={duration_s}",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", str(original),
    )  # fmt: skip
    _ffmpeg(
        "-i", str(original), "-vf", _STORE_TURN[rotation], "-c:v", "libx264", "-preset", "ultrafast",
        "-pix_fmt", "yuv420p", "-c:a", "copy", str(stored),
    )  # fmt: skip
    _ffmpeg("-display_rotation", str(rotation), "-i", str(stored), "-c", "copy", str(path))
    stored.unlink()
    return path


def make_hdr_phone_clip(path: Path, transfer: str, sdr: Path, *, width: int = 180, height: int = 320) -> Path:
    """A clip as an iPhone records it: HEVC (`hvc1`) in a QuickTime file, 10-bit HDR (`transfer`:
    `arib-std-b67` for HLG, `smpte2084` for PQ) on BT.2020 primaries, the upright portrait picture stored
    turned with a 90° display matrix. The colours are those of `sdr`, written too (an 8-bit BT.709 test
    pattern, as the clip should look on an SDR screen), its white at HLG's and PQ's reference white."""
    _ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate=30:duration=1",
        "-vf", "format=yuv420p", "-c:v", "libx264", "-qp", "0", "-preset", "ultrafast",
        "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709", str(sdr),
    )  # fmt: skip
    stored = path.with_suffix(".stored.mov")
    to_hdr = (
        f"transpose=clock,zscale=tin=bt709:min=bt709:pin=bt709:rin=tv:t={transfer}:m=bt2020nc:p=bt2020:"
        "r=tv:npl=203,format=yuv420p10le"
    )
    _ffmpeg(
        "-i", str(sdr), "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1",
        "-vf", to_hdr, "-c:v", "libx265", "-preset", "ultrafast",
        "-x265-params", "log-level=error:lossless=1",
        "-tag:v", "hvc1", "-color_primaries", "bt2020", "-color_trc", transfer, "-colorspace", "bt2020nc",
        "-c:a", "aac", "-shortest", str(stored),
    )  # fmt: skip
    _ffmpeg("-display_rotation", "90", "-i", str(stored), "-c", "copy", "-tag:v", "hvc1", str(path))
    stored.unlink()
    return path


def make_image(path: Path, width: int = 320, height: int = 240, pattern: str = "testsrc2") -> Path:
    """A still test pattern (PNG or JPEG by suffix); `pattern="color"` makes a flat one, which compresses
    to almost nothing however many pixels it has (a decompression bomb)."""
    _ffmpeg("-f", "lavfi", "-i", f"{pattern}=size={width}x{height}", "-frames:v", "1", str(path))
    return path


def make_audio_file(path: Path, duration_s: float = 3.0, freq: int = 330) -> Path:
    """An audio-only file (e.g. an uploaded music track), format by suffix."""
    _ffmpeg("-f", "lavfi", "-i", f"sine=frequency={freq}:sample_rate=44100:duration={duration_s}", str(path))
    return path


@dataclass(frozen=True)
class StreamInfo:
    """What a viewer's player would see of a rendered file."""

    width: int
    height: int
    vcodec: str
    pix_fmt: str
    acodec: str
    sample_rate: int
    duration_s: float


def video_stream_info(path: Path) -> StreamInfo:
    """Codecs, size and duration of a rendered file."""
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        a = c.streams.audio[0]
        return StreamInfo(
            width=v.codec_context.width,
            height=v.codec_context.height,
            vcodec=v.codec_context.name,
            pix_fmt=str(v.codec_context.pix_fmt),
            acodec=a.codec_context.name,
            sample_rate=a.codec_context.sample_rate,
            duration_s=float(c.duration or 0) / av.time_base,
        )


def loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP), measured by FFmpeg's ebur128 filter."""
    log = _ffmpeg("-i", str(path), "-vn", "-af", "ebur128=peak=true", "-f", "null", "-")
    summary = log[log.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))  # type: ignore[union-attr]
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))  # type: ignore[union-attr]
    return integrated, peak


def mono_samples(path: Path, rate: int = 8000) -> np.ndarray:
    """The first audio stream decoded as mono float samples at `rate`."""
    chunks: list[np.ndarray] = []
    with av.open(str(path)) as c:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        for frame in c.decode(audio=0):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
    return np.concatenate(chunks)


def rms_envelope(path: Path, window_s: float = 0.05, rate: int = 8000) -> np.ndarray:
    """RMS level (linear, 0..1) of the mono mix per `window_s` window."""
    samples = mono_samples(path, rate)
    n = int(window_s * rate)
    usable = samples[: len(samples) // n * n].reshape(-1, n)
    envelope: np.ndarray = np.sqrt(np.mean(usable**2, axis=1))
    return envelope


def _onsets(values: np.ndarray, step_s: float, threshold: float) -> list[float]:
    above = values > threshold
    starts = np.flatnonzero(above[1:] & ~above[:-1]) + 1
    if above[0]:
        starts = np.concatenate([[0], starts])
    return [float(i * step_s) for i in starts]


def beep_times(path: Path, threshold: float = 0.05) -> list[float]:
    """Start times (s) of loud bursts in the audio, to 5 ms."""
    return _onsets(rms_envelope(path, window_s=0.005), 0.005, threshold)


def flash_times(path: Path) -> list[float]:
    """Start times (s) of bright frames in the video."""
    means: list[float] = []
    times: list[float] = []
    with av.open(str(path)) as c:
        for frame in c.decode(video=0):
            means.append(float(frame.to_ndarray(format="gray").mean()))
            times.append(float(frame.time or 0.0))
    bright = np.array(means) > 128
    starts = np.flatnonzero(bright[1:] & ~bright[:-1]) + 1
    if bright[0]:
        starts = np.concatenate([[0], starts])
    return [times[i] for i in starts]


def frame_gray(path: Path, at_s: float) -> np.ndarray:
    """The grayscale frame shown at `at_s` (uint8, height x width)."""
    return _frame_at(path, at_s, "gray")


def frame_rgb(path: Path, at_s: float) -> np.ndarray:
    """The frame shown at `at_s` in RGB (uint8, height x width x 3)."""
    return _frame_at(path, at_s, "rgb24")


def _frame_at(path: Path, at_s: float, pixels: str) -> np.ndarray:
    with av.open(str(path)) as c:
        for frame in c.decode(video=0):
            if float(frame.time or 0.0) + 1e-6 >= at_s:
                return frame.to_ndarray(format=pixels)
    raise ValueError(f"no frame at {at_s}s in {path.name}")


def column_means(path: Path) -> np.ndarray:
    """Every frame's mean brightness per column (frames x width): a wipe shows as two levels side by side."""
    with av.open(str(path)) as c:
        return np.array([frame.to_ndarray(format="gray").mean(axis=0) for frame in c.decode(video=0)])


FACE_BOX = (110, 20, 340, 270)  # astronaut (512x512): left, top, right, bottom around her face and shoulders
FACE_IN_PATCH = (67, 46, 95, 95)  # her face inside that box (x, y, width, height), where OpenCV finds it


def face_patch(scale: float = 2.0) -> np.ndarray:
    """scikit-image's bundled `astronaut` photo cut to her head (RGB), enlarged `scale` times."""
    from PIL import Image
    from skimage import data

    left, top, right, bottom = FACE_BOX
    patch = Image.fromarray(data.astronaut()[top:bottom, left:right])  # type: ignore[no-untyped-call]
    size = (round(patch.width * scale), round(patch.height * scale))
    return np.asarray(patch.resize(size, Image.Resampling.LANCZOS))


def make_face_clip(
    path: Path,
    seconds: float = 6.0,
    width: int = 1920,
    height: int = 1080,
    fps: int = 30,
    grain: int = 12,
    keyframe_every: int = 250,
) -> tuple[Path, np.ndarray, Callable[[float], tuple[float, float]]]:
    """A 16:9 clip with a person's face moving from left to right over a grey wall with sensor-like grain
    (`grain` 0: none, much quicker to make at 1080p), with a tone; a keyframe every `keyframe_every` frames.

    Returns the clip, the face patch as placed (RGB) and where the patch's centre is at a time (pixels)."""
    from PIL import Image

    patch = face_patch(height / 540)
    still = path.with_suffix(".face.png")
    Image.fromarray(patch).save(still)
    ph, pw = patch.shape[:2]
    start_x, end_x, top = width * 0.08, width * 0.92 - pw, (height - ph) / 2
    _ffmpeg(
        "-f", "lavfi", "-i", f"color=c=0x607080:size={width}x{height}:rate={fps}:duration={seconds}",
        "-loop", "1", "-framerate", str(fps), "-i", str(still),
        "-f", "lavfi", "-i", f"sine=frequency=300:sample_rate=48000:duration={seconds}",
        "-filter_complex",
        f"[0:v]noise=alls={grain}:allf=t[bg];"
        f"[bg][1:v]overlay=x='{start_x:.1f}+{end_x - start_x:.1f}*t/{seconds}':y={top:.1f}:shortest=1,"
        f"format=yuv420p[v]",
        "-map", "[v]", "-map", "2:a", "-t", str(seconds),
        "-c:v", "libx264", "-preset", "ultrafast", "-g", str(keyframe_every), "-c:a", "aac", str(path),
    )  # fmt: skip

    def centre(at_s: float) -> tuple[float, float]:
        return start_x + (end_x - start_x) * min(at_s / seconds, 1.0) + pw / 2, top + ph / 2

    return path, patch, centre


def make_still_clip(
    path: Path, still: Path, seconds: float = 3.0, fps: int = 30, audio: Path | None = None
) -> Path:
    """A clip showing one picture for `seconds` (or as long as `audio`), with a tone or that `audio` (a frame
    of it is known exactly)."""
    if audio is not None:
        seconds, sound = _duration(audio), ["-i", str(audio)]
    else:
        sound = ["-f", "lavfi", "-i", f"sine=frequency=300:sample_rate=48000:duration={seconds}"]
    _ffmpeg(
        "-loop", "1", "-framerate", str(fps), "-i", str(still), *sound,
        "-t", str(seconds), "-vf", "format=yuv420p",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "12", "-c:a", "aac", str(path),
    )  # fmt: skip
    return path
