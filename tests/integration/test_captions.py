"""Captions end to end: espeak-ng speech → real transcription (Whisper tiny.en from the `captions` extra) →
burned in by the real renderer → read back from the pixels with tesseract OCR, and the .srt file."""

import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import jiwer
import numpy as np
import pytest
import srt

from engine.captions import VERTICAL_SAFE, CaptionSettings, font_size, with_captions
from engine.fonts import SHIPPED, font_dirs_from, font_family
from engine.media import MediaInfo
from engine.operations import captions as caption_ops
from engine.operations.family import Inputs
from engine.render import RenderOptions, render_draft
from engine.settings import EngineSettings
from engine.speech import Segment, Transcript, Word, cache_path, transcribe_to_cache
from engine.timeline import Timeline
from tests import media as m

pytest.importorskip("faster_whisper", reason="the `captions` extra is not installed")
pytestmark = pytest.mark.media
FAST = RenderOptions(preset="ultrafast")
PHRASES = [
    "hello friends and welcome back to my channel",
    "today we are going to cook a simple dinner",
    "first wash the rice and boil some water",
    "thank you for watching and see you soon",
]
REFERENCE = " ".join(PHRASES)


def wer(reference: str, hypothesis: str) -> float:
    def norm(text: str) -> str:
        return " ".join(re.sub(r"[^a-z' ]+", " ", text.lower()).split())

    return float(jiwer.wer(norm(reference), norm(hypothesis)))


def clip_info(path: Path, file_id: str) -> MediaInfo:
    info = m.video_stream_info(path)
    return MediaInfo(file_id, path.name, path.name, "video", "mp4", path.stat().st_size, info.duration_s,
                     info.width, info.height, 25.0, True, True)  # fmt: skip


def ocr(gray: np.ndarray, tmp: Path) -> str:
    """What tesseract reads in a frame: the caption's letters made black on white first."""
    ink = np.where(gray > 128, 0, 255).astype(np.uint8)
    image = tmp / "ocr.pgm"
    height, width = ink.shape
    image.write_bytes(f"P5 {width} {height} 255\n".encode() + ink.tobytes())
    done = subprocess.run(
        ["tesseract", str(image), "stdout", "--psm", "6"], capture_output=True, text=True, check=True
    )
    return " ".join(done.stdout.split())


@pytest.fixture(scope="module")
def talk(tmp_path_factory):
    """An English talking clip on a black picture, transcribed once into the engine's cache."""
    tmp = tmp_path_factory.mktemp("captions")
    wav = tmp / "talk.wav"
    m.synth_speech(wav, "en", PHRASES, pause_s=0.8)
    clip = m.make_video_for_audio(wav, tmp / "talk.mp4", width=1280, height=720, picture="color=c=black")
    settings = EngineSettings(data_dir=tmp, asr_model="tiny.en")
    progress: list[int] = []
    transcript = transcribe_to_cache(clip, "talk", settings, "", progress.append)
    return tmp, clip_info(clip, "talk"), transcript, progress, settings


def test_transcription_reports_progress_and_is_cached_with_word_times(talk):
    tmp, info, transcript, progress, settings = talk
    assert progress and progress == sorted(progress) and progress[-1] >= 90
    assert cache_path(tmp, "talk", "tiny.en").is_file()
    assert wer(REFERENCE, transcript.text) <= 0.15
    words = transcript.words
    assert all(a.start_s <= b.start_s for a, b in itertools.pairwise(words))
    assert transcript.speech, "the voice-activity spans are kept with the words"
    # a second ask is served from the cache: no child process, same transcript
    assert transcribe_to_cache(info.absolute(tmp), "talk", settings) == transcript


def test_burned_in_captions_read_back_by_ocr_match_the_speech(talk, tmp_path):
    tmp, info, transcript, _, _ = talk
    timeline = with_captions(Timeline().append_clip(info), CaptionSettings())
    srt_files: list[str] = []

    def publish(source: MediaInfo, text: str) -> str:
        srt_files.append(text)
        return f"http://x/{source.file_id}.srt"

    inputs = Inputs(timeline, "en", media=(info,), transcripts={"talk": transcript}, publish=publish)
    outcome = caption_ops.apply(caption_ops.SendSrt(), inputs)
    assert outcome.key == "edit.srt"
    cues = list(srt.parse(srt_files[0]))
    assert wer(REFERENCE, " ".join(cue.content for cue in cues)) <= 0.15
    for cue in cues:
        lines = cue.content.split("\n")
        assert len(lines) <= 2 and all(len(line) <= 32 for line in lines), cue.content

    draft = timeline.to_draft()
    draft["m"].update(width=1280, height=720)
    out = tmp_path / "captioned.mp4"
    render_draft(draft, {"talk": info}, tmp, out, lambda _: None, options=FAST)
    read = [
        ocr(m.frame_gray(out, (c.start.total_seconds() + c.end.total_seconds()) / 2), tmp_path) for c in cues
    ]
    assert wer(REFERENCE, " ".join(read)) <= 0.15, read


def test_vertical_captions_stay_inside_the_reels_safe_area(talk, tmp_path):
    tmp, info, _, _, _ = talk
    timeline = with_captions(Timeline().append_clip(info).set_aspect("9:16", "crop"), CaptionSettings())
    draft = timeline.keep_span(0.0, 4.0).to_draft()
    draft["m"].update(width=540, height=960)
    out = tmp_path / "vertical.mp4"
    render_draft(draft, {"talk": info}, tmp, out, lambda _: None, options=FAST)
    inked = 0
    for at in np.arange(0.3, 3.8, 0.5):
        ys, xs = np.nonzero(m.frame_gray(out, float(at)) > 60)
        if not len(xs):
            continue
        inked += 1
        assert xs.min() >= 540 * VERTICAL_SAFE.left and xs.max() <= 540 * (1 - VERTICAL_SAFE.right)
        assert ys.min() >= 960 * VERTICAL_SAFE.top and ys.max() <= 960 * (1 - VERTICAL_SAFE.bottom)
    assert inked >= 4, "captions were on screen while the words were spoken"


@pytest.fixture
def bare_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No system fonts: fontconfig (which libass asks for fonts and fallbacks) gets an empty configuration in
    the environment every FFmpeg run inherits, as on a machine without fonts-noto-core or any font."""
    conf = tmp_path / "empty-fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n', encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))


def test_devanagari_captions_are_shaped_with_only_the_shipped_fonts(tmp_path, bare_machine):
    """Hindi words burn in with HarfBuzz shaping (an i-matra drawn before its consonant, conjuncts) from the
    fonts the project ships (ENGINE_FONT_DIRS naming only them), and an English word among them too."""
    clip = m.make_sync_clip(tmp_path / "black.mp4", [], duration_s=2.6, width=640, height=360)
    info = clip_info(clip, "black")
    hindi = (Word("हिन्दी", 0.0, 0.4), Word("किताब", 0.4, 0.9))
    mixed = (Word("आज", 1.6, 1.9), Word("Delhi", 1.9, 2.2), Word("में", 2.2, 2.5))
    spoken = Transcript("hi", 2.6, (Segment(0.0, 0.9, "hi", hindi), Segment(1.6, 2.5, "hi", mixed)))
    cached = cache_path(tmp_path, "black", "base")
    cached.parent.mkdir(parents=True)
    cached.write_text(json.dumps(spoken.to_json(), ensure_ascii=False), encoding="utf-8")
    timeline = with_captions(Timeline().append_clip(info), CaptionSettings(style="plain", pos="middle"))
    draft = timeline.to_draft()
    draft["m"].update(width=640, height=360)
    out = tmp_path / "hindi.mp4"
    options = RenderOptions(preset="ultrafast", font_dirs=font_dirs_from(str(SHIPPED)))
    render_draft(draft, {"black": info}, tmp_path, out, lambda _: None, options=options)
    frame = m.frame_gray(out, 0.5)
    shaped = _reference(tmp_path, "हिन्दी किताब", "complex", "NotoSansDevanagari-Bold.ttf")
    unshaped = _reference(tmp_path, "हिन्दी किताब", "simple", "NotoSansDevanagari-Bold.ttf")
    boxes = _reference(tmp_path, "हिन्दी किताब", "complex", "NotoSans-Bold.ttf")  # a font without Devanagari
    assert _similarity(frame, shaped) > 0.9
    assert _similarity(frame, unshaped) < _similarity(frame, shaped) - 0.3
    assert _similarity(frame, boxes) < _similarity(frame, shaped) - 0.3
    assert "Delhi" in ocr(m.frame_gray(out, 2.0), tmp_path)  # drawn in the Latin font, not as boxes


def _reference(tmp: Path, text: str, shaping: str, font_file: str) -> np.ndarray:
    """The text drawn by libass alone from one font file, named by its family."""
    fonts = tmp / f"ref-{shaping}-{font_file}"
    fonts.mkdir()
    shutil.copyfile(SHIPPED / font_file, fonts / font_file)
    ass = fonts / "ref.ass"
    ass.write_text(
        "[Script Info]\nScriptType: v4.00+\nPlayResX: 640\nPlayResY: 360\n\n[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, Bold, Outline, Shadow, Alignment\n"
        f"Style: T,{font_family(fonts / font_file)},{round(font_size(640, 360) * 0.85)},&H00FFFFFF,0,0,0,5\n"
        "\n[Events]\nFormat: Layer, Start, End, Style, Text\n"
        f"Dialogue: 0,0:00:00.00,0:00:10.00,T,{text}\n",
        encoding="utf-8",
    )
    png = tmp / f"ref-{shaping}-{font_file}.png"
    graph = f"ass={ass}:fontsdir={fonts}:shaping={shaping}"
    m._ffmpeg("-f", "lavfi", "-i", "color=black:s=640x360", "-vf", graph, "-frames:v", "1", str(png))
    return m.frame_gray(png, 0.0)


def _ink(gray: np.ndarray, shape=(48, 240)) -> np.ndarray:
    ys, xs = np.nonzero(gray > 150)
    crop = (gray[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] > 150).astype(float)
    rows = (np.arange(shape[0]) * crop.shape[0] / shape[0]).astype(int)
    cols = (np.arange(shape[1]) * crop.shape[1] / shape[1]).astype(int)
    return crop[np.ix_(rows, cols)]


def _similarity(a: np.ndarray, b: np.ndarray) -> float:
    if not ((a > 150).any() and (b > 150).any()):
        return 0.0  # nothing drawn (no font found at all) is unlike any text
    return float(np.corrcoef(_ink(a).ravel(), _ink(b).ravel())[0, 1])
