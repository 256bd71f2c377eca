"""Real renders of tiny generated clips, checked by measurement: what a viewer would see and hear."""

import itertools
from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pytest

from engine.analysis import keep_spans
from engine.errors import FfmpegError
from engine.media import MediaInfo
from engine.probe import probe
from engine.render import RenderOptions, render_draft
from engine.settings import EngineSettings
from engine.timeline import Aspect, Timeline
from tests import media as m

pytestmark = pytest.mark.media
FAST = RenderOptions(preset="ultrafast")


def probed(path: Path, file_id: str, kind: str = "video") -> MediaInfo:
    """What the probe would record for a clip the test made."""
    if kind == "audio":
        return MediaInfo(file_id, path.name, path.name, "audio", path.suffix[1:], path.stat().st_size, 3.0)
    info = m.video_stream_info(path)
    return MediaInfo(file_id, path.name, path.name, "video", "mp4", path.stat().st_size, info.duration_s,
                     info.width, info.height, 25.0, True, True)  # fmt: skip


def render(
    tmp: Path, timeline: Timeline, media: dict[str, MediaInfo], size: tuple[int, int] | None = (320, 180)
) -> Path:
    """Render at `size` (None: the size the timeline chose), checking that progress ran 0 to 100 in order."""
    draft = timeline.to_draft()
    if size:
        draft["m"].update(width=size[0], height=size[1])
    progress: list[int] = []
    out = tmp / "out.mp4"
    render_draft(draft, media, tmp, out, progress.append, options=FAST)
    assert progress[0] == 0 and progress[-1] == 100 and progress == sorted(progress)
    return out


def speech_seconds(path: Path) -> float:
    """How long someone is audibly speaking: windows within 20 dB of the loudest."""
    envelope = m.rms_envelope(path, 0.02)
    return float((envelope > envelope.max() * 0.1).sum() * 0.02)


@pytest.fixture(scope="module")
def cut_speech(tmp_path_factory):
    """English speech with 1.2 s pauses, silences removed, fades between the kept parts."""
    tmp = tmp_path_factory.mktemp("cut")
    clip = m.make_speech_clip(tmp / "talk.mp4", "en", pause_s=1.2)
    info = probed(clip, "talk")
    timeline = (
        Timeline().append_clip(info).keep_spans({"talk": keep_spans(clip)}).set_transitions("fade", 150)
    )
    return clip, render(tmp, timeline, {"talk": info})


def test_silence_removal_shortens_by_about_the_pauses(cut_speech):
    source, out = cut_speech
    removed = m.video_stream_info(source).duration_s - m.video_stream_info(out).duration_s
    # 4.1 s of silence (0.5 s lead, three 1.2 s pauses, the last one trailing) minus 0.2 s margins on
    # both sides of the three phrases, minus the two 0.15 s fades made of removed silence
    assert 4.1 - 6 * 0.2 - 2 * 0.15 - 0.1 < removed < 4.1 - 6 * 0.2


def test_no_word_is_clipped_at_the_cuts(cut_speech):
    source, out = cut_speech
    # one-sided: a clipped word shortens the speech; loudness normalization may lift quiet syllables
    assert speech_seconds(out) >= speech_seconds(source) * 0.95


def test_loudness_is_normalized_for_social_platforms(cut_speech):
    integrated, true_peak = m.loudness(cut_speech[1])
    assert -15.0 <= integrated <= -13.0
    assert true_peak <= -1.5


def test_output_is_h264_yuv420p_aac_with_moov_first(cut_speech):
    out = cut_speech[1]
    info = m.video_stream_info(out)
    assert (info.vcodec, info.pix_fmt, info.acodec, info.sample_rate) == ("h264", "yuv420p", "aac", 48000)
    head = out.read_bytes()[:200_000]
    assert 0 <= head.find(b"moov") < head.find(b"mdat")


def test_beeps_stay_on_their_flashes_after_cuts_and_transitions(tmp_path):
    beeps = [0.52, 2.0, 3.6]  # frame boundaries at 25 fps, 1.2 s+ of silence between
    clip = m.make_sync_clip(tmp_path / "sync.mp4", beeps, duration_s=4.4)
    info = probed(clip, "sync")
    timeline = (
        Timeline().append_clip(info).keep_spans({"sync": keep_spans(clip)}).set_transitions("dissolve", 120)
    )
    out = render(tmp_path, timeline, {"sync": info})
    heard, seen = m.beep_times(out), m.flash_times(out)
    assert len(heard) == len(seen) == 3
    assert heard[-1] < 4.4 - 2 * 0.8  # the pauses really went
    assert np.abs(np.array(heard) - np.array(seen)).max() <= 0.045  # within one frame


def test_beeps_stay_on_their_flashes_across_many_transitions_seeked_to_keyframes_mid_clip(tmp_path):
    # a keyframe every second as phones write them: every piece and transition side seeks to one
    clip = m.make_metronome_clip(tmp_path / "metro.mp4", 1.5, 10, beep_s=0.3, keyframe_every=25)
    info = probed(clip, "metro")
    timeline = (
        Timeline().append_clip(info).keep_spans({"metro": keep_spans(clip)}).set_transitions("fade", 120)
    )
    assert sum(segment.tr is not None for segment in timeline.video) == 9
    out = render(tmp_path, timeline, {"metro": info})
    heard, seen = m.beep_times(out), m.flash_times(out)
    assert len(heard) == len(seen) == 10
    assert heard[-1] < 10 * 1.5 - 9 * 0.5  # the pauses really went
    assert np.abs(np.array(heard) - np.array(seen)).max() <= 0.045  # within one frame


def test_music_is_ducked_under_speech(tmp_path):
    spans = m.synth_speech(tmp_path / "talk.wav", "hi", pause_s=1.5)
    clip = m.make_video_for_audio(tmp_path / "talk.wav", tmp_path / "talk.mp4")
    song = m.make_audio_file(
        tmp_path / "song.m4a", duration_s=3.0, freq=55
    )  # below the voice, easy to isolate
    media = {"talk": probed(clip, "talk"), "song": probed(song, "song", "audio")}
    timeline = Timeline().append_clip(media["talk"]).add_music("song", "Song", vol=0.5)
    out = render(tmp_path, timeline, media)
    samples, rate, window = m.mono_samples(out, 8000), 8000, 800
    frames = samples[: len(samples) // window * window].reshape(-1, window)
    spectrum = np.abs(np.fft.rfft(frames * np.hanning(window), axis=1))
    music = spectrum[:, 5:7].sum(axis=1)  # 50-70 Hz at 10 Hz per bin
    t = np.arange(len(music)) * window / rate + 0.05

    def inside(start: float, end: float) -> np.ndarray:
        return (t > start + 0.3) & (t < end - 0.3)

    during = music[np.any([inside(s, e) for s, e in spans], axis=0)].mean()
    pauses = [(end, start) for (_, end), (start, _) in itertools.pairwise(spans)]
    between = music[np.any([inside(s, e) for s, e in pauses], axis=0)].mean()
    assert between > 0  # the looped 3 s song still plays in the later pauses
    assert during < between / 2  # at least 6 dB quieter while someone speaks


@pytest.mark.parametrize(
    ("aspect", "size"), [("16:9", (1920, 1080)), ("9:16", (1080, 1920)), ("1:1", (1080, 1080))]
)
def test_each_aspect_renders_at_its_social_size_with_builtin_music(tmp_path, aspect: Aspect, size):
    clip = m.make_tone_clip(tmp_path / "clip.mp4", duration_s=3.0, width=320, height=240)
    info = probed(clip, "clip")
    timeline = (
        Timeline().append_clip(info).set_aspect(aspect).set_mute(True).add_music("builtin:upbeat", "Upbeat")
    )
    out = render(tmp_path, timeline, {"clip": info}, size=None)
    got = m.video_stream_info(out)
    assert (got.width, got.height) == size
    assert got.duration_s == pytest.approx(3.0, abs=0.05)
    assert m.loudness(out)[0] == pytest.approx(-14.0, abs=1.0)  # the music alone, normalized


def _ink(gray: np.ndarray, shape=(48, 240)) -> np.ndarray:
    """The text's bounding box resampled to a fixed size, so renderings at different sizes compare."""
    ys, xs = np.nonzero(gray > 100)
    crop = gray[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(float)
    rows = (np.arange(shape[0]) * crop.shape[0] / shape[0]).astype(int)
    cols = (np.arange(shape[1]) * crop.shape[1] / shape[1]).astype(int)
    return crop[np.ix_(rows, cols)]


def _similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(_ink(a).ravel(), _ink(b).ravel())[0, 1])


def _libass_title(tmp: Path, text: str, shaping: str) -> np.ndarray:
    """The reference: the same text and font rendered by libass (a different renderer than drawtext)."""
    ass = tmp / f"{shaping}.ass"
    ass.write_text(
        "[Script Info]\nScriptType: v4.00+\nPlayResX: 640\nPlayResY: 160\n\n[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, Bold, Outline, Shadow, Alignment\n"
        "Style: T,Noto Sans Devanagari,64,&H00FFFFFF,1,0,0,5\n\n[Events]\n"
        "Format: Layer, Start, End, Style, Text\n"
        f"Dialogue: 0,0:00:00.00,0:00:10.00,T,{text}\n",
        encoding="utf-8",
    )
    png = tmp / f"{shaping}.png"
    subtitles = f"ass={ass}:fontsdir=/usr/share/fonts/truetype/noto:shaping={shaping}"
    m._ffmpeg("-f", "lavfi", "-i", "color=black:s=640x160", "-vf", subtitles, "-frames:v", "1", str(png))
    return m.frame_gray(png, 0.0)


def test_devanagari_title_is_shaped_like_a_reference_renderer(tmp_path):
    text = "हिन्दी किताब"  # an i-matra drawn before its consonant and a conjunct: wrong without shaping
    clip = m.make_sync_clip(tmp_path / "black.mp4", [], duration_s=1.0, width=640, height=360)
    info = probed(clip, "black")
    timeline = Timeline().append_clip(info).add_title(text, "center", 0.0, 1000)
    frame = m.frame_gray(render(tmp_path, timeline, {"black": info}, size=(640, 360)), 0.5)
    shaped, unshaped = _libass_title(tmp_path, text, "complex"), _libass_title(tmp_path, text, "simple")
    assert _similarity(frame, shaped) > 0.85
    assert _similarity(frame, unshaped) < _similarity(frame, shaped) - 0.3


def _bursts(path: Path, threshold_db: float = -42.0) -> list[tuple[float, float]]:
    """(start, end) seconds of each sound burst standing out of the background, to 5 ms."""
    envelope = m.rms_envelope(path, window_s=0.005, rate=16000)
    loud = 20 * np.log10(np.maximum(envelope, 1e-9)) > threshold_db
    edges = np.flatnonzero(np.diff(np.concatenate([[0], loud.astype(np.int8), [0]])))
    runs = [(a * 0.005, b * 0.005) for a, b in zip(edges[::2], edges[1::2], strict=True)]
    merged: list[tuple[float, float]] = []
    for start, end in runs:  # a burst's own zero crossings are not gaps
        if merged and start - merged[-1][1] < 0.03:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _pitch(path: Path, span: tuple[float, float]) -> float:
    samples = m.mono_samples(path, rate=16000)[int(span[0] * 16000) : int(span[1] * 16000)]
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples)), n=16000 * 4))
    return float(np.argmax(spectrum) / 4)


@pytest.fixture(scope="module")
def cut_syllables(tmp_path_factory):
    """Ten 0.1-0.2 s syllables between 0.55-1.1 s pauses over street noise; pauses cut, 0.3 s fades."""
    tmp = tmp_path_factory.mktemp("syllables")
    wav = tmp / "syllables.wav"
    bursts = m.make_syllable_speech(wav, count=10)
    clip = m.make_video_for_audio(wav, tmp / "syllables.mp4", width=160, height=90)
    info = probed(clip, "syl")
    timeline = Timeline().append_clip(info).keep_spans({"syl": keep_spans(clip)}).set_transitions("fade", 300)
    assert sum(1 for s in timeline.video if s.tr) == 9, "every cut carries a transition"
    draft = timeline.to_draft()
    draft["m"]["loudnorm"] = False  # levels as recorded, so bursts are measured alike in both files
    return bursts, clip, render(tmp, Timeline.from_draft(draft), {"syl": info}, size=(160, 90))


def test_no_short_syllable_is_removed_or_shortened_at_its_edges(cut_syllables):
    bursts, source, out = cut_syllables
    before, after = _bursts(source), _bursts(out)
    assert len(before) == len(bursts)
    assert len(after) == len(before), "each syllable is still there, alone"
    for (s0, e0), (s1, e1) in zip(before, after, strict=True):
        assert abs((e1 - s1) - (e0 - s0)) <= 0.04, ((s0, e0), (s1, e1))
    assert m.video_stream_info(out).duration_s < m.video_stream_info(source).duration_s - 2, "pauses went"


def test_transitions_never_blend_the_syllables_on_both_sides(cut_syllables):
    """Each syllable has its own pitch: under a blend, a burst would carry its neighbour's too."""
    bursts, _, out = cut_syllables
    for (_, _, pitch), span in zip(bursts, _bursts(out), strict=True):
        assert _pitch(out, span) == pytest.approx(pitch, abs=4)


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_a_phone_clip_comes_out_upright_in_a_portrait_frame(tmp_path, rotation: int):
    """Stored turned with a display matrix, as phones record: the output shows the upright picture."""
    upright = tmp_path / "upright.mp4"
    clip = m.make_phone_clip(tmp_path / "phone.mp4", rotation, duration_s=1.0, upright=upright)
    info = probe(clip, EngineSettings(_env_file=None))  # type: ignore[call-arg]
    info = replace(info, path=clip.name)
    timeline = Timeline().append_clip(info)
    assert (timeline.canvas.width, timeline.canvas.height) == (1080, 1920)
    out = render(tmp_path, timeline, {info.file_id: info}, size=(180, 320))
    assert (m.video_stream_info(out).width, m.video_stream_info(out).height) == (180, 320)
    shown, expected = m.frame_gray(out, 0.5).astype(float), m.frame_gray(upright, 0.5).astype(float)
    assert np.abs(shown - expected).mean() < 8
    assert np.abs(shown - expected[::-1, ::-1]).mean() > 3 * np.abs(shown - expected).mean()


@pytest.mark.parametrize("transfer", ["arib-std-b67", "smpte2084"])
def test_an_iphone_hdr_clip_comes_out_in_the_colours_an_sdr_screen_shows_right(tmp_path, transfer: str):
    """HEVC HLG or PQ, 10-bit, BT.2020, portrait by display matrix: the MP4 is 8-bit BT.709, upright, and
    its colours are those of the scene (untreated, BT.2020 colours come out grey: a mean error of ~70
    against ~13 tone-mapped)."""
    sdr = tmp_path / "sdr.mp4"
    clip = m.make_hdr_phone_clip(tmp_path / "IMG_0001.MOV", transfer, sdr)
    info = replace(probe(clip, EngineSettings(_env_file=None)), path=clip.name)  # type: ignore[call-arg]
    assert (info.vcodec, info.hdr, info.width, info.height) == ("hevc", transfer, 180, 320)
    out = render(tmp_path, Timeline().append_clip(info), {info.file_id: info}, size=(180, 320))
    with av.open(str(out)) as container:
        video = container.streams.video[0].codec_context
        bt709 = 1  # FFmpeg's value for BT.709's curve and primaries
        assert (video.name, video.pix_fmt) == ("h264", "yuv420p")
        assert (video.color_trc, video.color_primaries) == (bt709, bt709)
    shown, scene = m.frame_rgb(out, 0.5).astype(float), m.frame_rgb(sdr, 0.5).astype(float)
    assert np.abs(shown - scene).mean() < 20


def test_a_portrait_clip_renders_at_1080x1920_by_default(tmp_path):
    clip = m.make_phone_clip(tmp_path / "phone.mp4", 90, duration_s=0.5)
    info = replace(probe(clip, EngineSettings(_env_file=None)), path=clip.name)  # type: ignore[call-arg]
    out = render(tmp_path, Timeline().append_clip(info), {info.file_id: info}, size=None)
    assert (m.video_stream_info(out).width, m.video_stream_info(out).height) == (1080, 1920)


def test_drift_stays_under_one_audio_frame_after_100_cuts(tmp_path):
    """101 kept spans of uneven, off-frame lengths, each with a beep and a flash together."""
    fps = 25
    starts = [k * 0.311 for k in range(101)]  # 7.775 frames apart: every cut falls between frames
    clip = m.make_metronome_clip(tmp_path / "sync.mp4", 0.311, 101, fps=fps)
    info = probed(clip, "sync")
    spans = [(s, s + 0.2 + 0.007 * (k % 5)) for k, s in enumerate(starts)]
    timeline = Timeline().append_clip(info).keep_spans({"sync": spans})
    assert len(timeline.video) == 101
    out = render(tmp_path, timeline, {"sync": info}, size=(160, 90))
    heard, seen = np.array(m.beep_times(out)), np.array(m.flash_times(out))
    assert len(heard) == len(seen) == 101
    offsets = heard - seen
    assert np.abs(offsets).max() <= 1 / fps + 0.005  # each beep within a frame of its flash
    assert abs(offsets[-10:].mean() - offsets[:10].mean()) < 0.021  # and no drift builds up
    with av.open(str(out)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        lengths = [float(s.duration * s.time_base) for s in (video, audio)]  # type: ignore[operator]
    assert abs(lengths[0] - lengths[1]) < 0.021


def test_music_holding_a_concat_script_never_plays_the_file_it_names(tmp_path):
    """Music recorded as an mp3 is demuxed as mp3 at render time, whatever it holds: FFmpeg's guessing would
    take this file for a concat list and play the victim beside it (its relative name passes the concat
    demuxer's `safe` check)."""
    m.make_audio_file(tmp_path / "victim.wav", duration_s=3.0, freq=1000)
    song = tmp_path / "song.mp3"
    song.write_text("ffconcat version 1.0\nfile 'victim.wav'\n")
    clip = m.make_tone_clip(tmp_path / "clip.mp4", duration_s=1.0, freq=220)
    media = {"clip": probed(clip, "clip"), "song": probed(song, "song", kind="audio")}
    timeline = Timeline().append_clip(media["clip"]).add_music("song", "Song")
    with pytest.raises(FfmpegError):
        render(tmp_path, timeline, media)
