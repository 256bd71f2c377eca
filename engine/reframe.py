"""Following the speaker: where a clip's face is, the smooth path a crop takes to keep it in the middle, and
the FFmpeg crop that moves along that path.

Why this shape:
* Detection runs once per source, in a child process under the analysis child's memory and CPU limits (an
  upload is untrusted; OpenCV on a three-hour clip must not take the render worker with it), and is cached
  next to the media outside the public `files/` folder, so every later render of the clip reuses it.
* The detector is OpenCV's bundled Haar cascade for frontal faces: its model ships inside the
  opencv-python-headless wheel (the `reframe` extra), so it works offline. Without OpenCV the clip is simply
  shown without face following (the centre crop or the blurred fill), never an error.
* A raw detection jitters from frame to frame and jumps on a false hit. The path is the face's centre with
  outliers taken out (a running median), a dead zone (the crop holds still while the face moves a little:
  a talking head nods all the time), a zero-phase low-pass (smooth, but no lag behind a steady walk) and a
  speed limit on panning.
* The crop's x is a piecewise-linear expression of the frame time: a flat sum of clipped ramps, one per
  path keyframe, grouped in parentheses (FFmpeg's expression parser nests at most about a hundred levels),
  and written into the filter-graph script the renderer already uses. No per-frame command file is needed.

`python -m engine.reframe MEMORY_BYTES CPU_SECONDS FORMAT ROTATION PATH` is the child; it prints a JSON line.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import resource
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import av
import numpy as np

from engine.formats import pyav_options

if TYPE_CHECKING:
    from engine.ffargs import Output
    from engine.media import MediaInfo
    from engine.settings import EngineSettings

log = logging.getLogger(__name__)

SAMPLE_FPS = 4.0  # detections per second of source: a head moves little in a quarter second
DETECT_WIDTH = 480  # frames are searched at this width (a face on a phone clip is still ~40 px wide)
MIN_FOUND = 0.15  # a clip "has a face" when at least this share of samples shows one
DEAD_ZONE = 0.08  # of the crop's width: the crop holds still while the face moves less than this
SMOOTH_S = 0.5  # time constant of the low-pass, seconds
MAX_PAN = 0.6  # crop widths per second, at most
_MEDIAN = 5  # samples in the running median that takes out single false hits
_TOLERANCE = 0.001  # of the width (2 px on 1080p): keyframes the path passes this close to are dropped
_TERMS_PER_GROUP = 40
_VERSION = 2  # bump when detection changes: cached tracks of older versions are made again
FULL_SEARCH_EVERY = 8  # samples: the whole frame is searched at least this often (a new, larger face)
NEAR = 1.0  # face widths around the last face that the next sample searches first
NEAR_SIZES = (0.6, 1.6)  # of the last face's width: the sizes searched there
Keyframes = tuple[tuple[float, float], ...]  # (source seconds, face centre as a fraction of the width)
CENTRE: Keyframes = ((0.0, 0.5),)  # a crop that stays in the middle
Box = tuple[int, int, int, int]  # x, y, width, height in pixels
Detect = Callable[[np.ndarray, int, int], Sequence[Box]]  # picture, smallest and largest face side -> faces


@dataclass(frozen=True)
class FaceTrack:
    """A clip's face centre (a fraction of the picture's width) every `step_s` seconds; None: none seen."""

    step_s: float
    centres: tuple[float | None, ...] = ()

    @property
    def found(self) -> bool:
        """Whether the clip shows a face often enough to follow (a stray hit on a landscape does not)."""
        seen = sum(centre is not None for centre in self.centres)
        return seen >= 3 and seen >= MIN_FOUND * len(self.centres)

    def to_json(self) -> dict[str, Any]:
        return {"version": _VERSION, "step_s": self.step_s, "centres": list(self.centres)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FaceTrack:
        if data.get("version") != _VERSION:
            raise ValueError("a face track of another detector version")
        centres = tuple(None if c is None else float(c) for c in data["centres"])
        return cls(float(data["step_s"]), centres)


# ---- the path ---------------------------------------------------------------------------------------------
def _filled(centres: Sequence[float | None]) -> np.ndarray:
    """Gaps (a turned head, a hand in front) bridged linearly; before the first and after the last sighting
    the crop waits where the face was."""
    values = np.array([np.nan if c is None else c for c in centres], dtype=float)
    known = np.flatnonzero(~np.isnan(values))
    filled: np.ndarray = np.interp(np.arange(len(values)), known, values[known])
    return filled


def _median(values: np.ndarray, size: int) -> np.ndarray:
    half = size // 2
    padded = np.pad(values, half, mode="edge")
    return np.array([np.median(padded[i : i + size]) for i in range(len(values))])


def _dead_zone(values: np.ndarray, zone: float) -> np.ndarray:
    """The crop moves only when the face leaves the zone around it, and then only as far as needed."""
    held = np.empty_like(values)
    current = values[0]
    for index, value in enumerate(values):
        if value - current > zone:
            current = value - zone
        elif current - value > zone:
            current = value + zone
        held[index] = current
    return held


def _low_pass(values: np.ndarray, step_s: float) -> np.ndarray:
    """A first-order low-pass run forwards and backwards: smooth, and no lag behind steady motion. The ends
    are extended by point reflection (as scipy's filtfilt does), so a face still walking when the clip
    starts or ends is not held back there by the filter's start-up."""
    alpha = 1 - np.exp(-step_s / SMOOTH_S)
    pad = min(len(values) - 1, round(3 * SMOOTH_S / step_s))
    if pad > 0:
        head = 2 * values[0] - values[pad:0:-1]
        tail = 2 * values[-1] - values[-2 : -pad - 2 : -1]
        return _low_pass_run(np.concatenate([head, values, tail]), alpha)[pad:-pad]
    return _low_pass_run(values, alpha)


def _low_pass_run(values: np.ndarray, alpha: float) -> np.ndarray:

    def one_way(seq: np.ndarray) -> np.ndarray:
        out = np.empty_like(seq)
        state = seq[0]
        for index, value in enumerate(seq):
            state += alpha * (value - state)
            out[index] = state
        return out

    return one_way(one_way(values)[::-1])[::-1]


def _speed_limited(values: np.ndarray, step: float) -> np.ndarray:
    out = values.copy()
    for index in range(1, len(out)):
        out[index] = out[index - 1] + np.clip(out[index] - out[index - 1], -step, step)
    return out


def crop_keyframes(track: FaceTrack, crop_share: float) -> Keyframes:
    """The crop centre's path (source seconds, fraction of the width), for a crop `crop_share` of the
    picture's width; empty when there is no face to follow. Centres stay where the crop fits the picture."""
    if not track.found or not 0 < crop_share < 1:
        return ()
    values = _median(_filled(track.centres), _MEDIAN)
    values = _dead_zone(values, DEAD_ZONE * crop_share)
    values = _low_pass(values, track.step_s)
    values = _speed_limited(values, MAX_PAN * crop_share * track.step_s)
    values = np.clip(values, crop_share / 2, 1 - crop_share / 2)
    times = [index * track.step_s for index in range(len(values))]
    return _simplified([(t, float(v)) for t, v in zip(times, values, strict=True)], _TOLERANCE)


def _simplified(points: list[tuple[float, float]], tolerance: float) -> Keyframes:
    """Drop keyframes the straight line between their neighbours passes close to (a held crop is two)."""
    if len(points) <= 2:
        return tuple(points)
    kept = [points[0]]
    for index in range(1, len(points) - 1):
        (t0, v0), (t1, v1), (t2, v2) = kept[-1], points[index], points[index + 1]
        between = v0 + (v2 - v0) * (t1 - t0) / (t2 - t0)
        if abs(between - v1) > tolerance:
            kept.append(points[index])
    kept.append(points[-1])
    return tuple(kept)


# ---- the crop --------------------------------------------------------------------------------------------
def _grouped(terms: list[str]) -> str:
    if len(terms) <= _TERMS_PER_GROUP:
        return "+".join(terms)
    groups = range(0, len(terms), _TERMS_PER_GROUP)
    return _grouped([f"({'+'.join(terms[at : at + _TERMS_PER_GROUP])})" for at in groups])


def x_expression(keys: Keyframes, scale_px: float, offset_s: float, speed: float) -> str:
    """The crop's left edge in pixels as an expression of the frame time `t`, where a frame at `t` shows the
    source at `offset_s + t * speed` and a keyframe's centre `c` puts the edge at `c * scale_px - half`
    (the caller folds the half width in by shifting the keyframes)."""
    local = [((at - offset_s) / speed, centre * scale_px) for at, centre in keys]
    terms = [f"{local[0][1]:.2f}"]
    for (t0, x0), (t1, x1) in itertools.pairwise(local):
        if t1 - t0 > 0 and abs(x1 - x0) >= 0.01:
            terms.append(f"{(x1 - x0) / (t1 - t0):.4f}*clip(t-{t0:.4f},0,{t1 - t0:.4f})")
    return _grouped(terms)


def follow_window(keys: Keyframes, info: MediaInfo, o: Output, offset_s: float) -> tuple[int, int, str]:
    """The crop from a wider picture (as shown) that follows the path: its width and height (the frame's
    shape at the picture's full height) and its left edge as an expression of `t`."""
    width, height = info.width, info.height
    crop_w = min(round(height * o.width / o.height / 2) * 2, width // 2 * 2)
    share = crop_w / width
    shifted = tuple((at, centre - share / 2) for at, centre in keys)  # centre -> left edge
    return crop_w, height // 2 * 2, x_expression(shifted, width, offset_s, o.speed)


def crop_share(info: MediaInfo, width: int, height: int) -> float:
    """How much of a picture's width a frame of `width`×`height` shows at full height (1: all of it, or
    the picture is not wider than the frame and there is nothing to follow)."""
    if not (info.width and info.height and width and height):
        return 1.0
    return min(info.height * width / height / info.width, 1.0)


def zoom_filter(zoom: float, o: Output) -> str:
    """A punch-in: the middle `1/zoom` of the fitted frame, scaled back to the frame ("" for none)."""
    if abs(zoom - 1.0) < 1e-3:
        return ""
    w, h = round(o.width / zoom / 2) * 2, round(o.height / zoom / 2) * 2
    return f"crop={w}:{h}:{(o.width - w) // 2}:{(o.height - h) // 2},scale={o.width}:{o.height},setsar=1,"


# ---- detection, once per source ----------------------------------------------------------------------------
def cache_path(data_dir: Path, file_id: str) -> Path:
    """Where a clip's face track is kept: outside `files/`, deleted with the clip (engine.speech)."""
    return data_dir / "faces" / f"{file_id}.json"


@dataclass(frozen=True)
class FaceFinder:
    """The render's way to face tracks: the cache, else the limited child (whose failure means "no face")."""

    data_dir: Path
    memory_bytes: int
    cpu_s: int
    timeout_s: float

    @classmethod
    def from_settings(cls, settings: EngineSettings) -> FaceFinder:
        return cls(
            settings.data_dir,
            settings.analysis_memory_bytes,
            settings.analysis_cpu_s,
            settings.analysis_timeout_s,
        )

    def track(self, info: MediaInfo) -> FaceTrack:
        """The clip's face track, detected now unless cached."""
        path = cache_path(self.data_dir, info.file_id)
        try:
            return FaceTrack.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            pass
        command = [
            sys.executable, "-m", "engine.reframe", str(self.memory_bytes), str(self.cpu_s), info.format,
            str(info.rotation), str(info.absolute(self.data_dir).resolve()),
        ]  # fmt: skip
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                timeout=self.timeout_s,
                cwd=Path(__file__).resolve().parents[1],  # where `engine` is importable from
                check=False,
            )
            reply = json.loads(done.stdout)
            track = FaceTrack.from_json(reply)
        except subprocess.TimeoutExpired:
            log.warning("face detection took too long for %s", info.file_id)
            return FaceTrack(1 / SAMPLE_FPS)
        except (ValueError, KeyError, TypeError):
            log.warning("no face detection for %s: %s", info.file_id, _reason(done.stdout, done.stderr))
            return FaceTrack(1 / SAMPLE_FPS)  # not cached: the next render tries again
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        partial.write_text(json.dumps(track.to_json()), encoding="utf-8")
        partial.replace(path)  # atomic: a reader sees no track or a whole one
        return track


def _reason(stdout: bytes, stderr: bytes) -> str:
    try:
        return str(json.loads(stdout)["error"])
    except (ValueError, KeyError, TypeError):
        lines = stderr.decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else "the detector stopped"


def face_paths(
    sources: Sequence[MediaInfo], width: int, height: int, finder: FaceFinder | None
) -> dict[str, Keyframes]:
    """The crop path of every video source wider than the frame that shows a face."""
    paths: dict[str, Keyframes] = {}
    if finder is None:
        return paths
    for info in wide_videos(sources, width, height):
        if keys := crop_keyframes(finder.track(info), crop_share(info, width, height)):
            paths[info.file_id] = keys
    return paths


def wide_videos(sources: Sequence[MediaInfo], width: int, height: int) -> list[MediaInfo]:
    """The video sources wider than a `width`x`height` frame: those a reframe follows a face in."""
    return [info for info in sources if info.kind == "video" and crop_share(info, width, height) < 0.99]


def detect_faces(path: Path, fmt: str, rotation: int) -> FaceTrack:
    """The child's work: the largest frontal face's centre on frames sampled `SAMPLE_FPS` times a second,
    on the picture as shown (turned by the display rotation), read with the demuxer the probe chose."""
    import cv2

    cv2.setNumThreads(1)
    cascades = Path(cv2.data.haarcascades)  # type: ignore[attr-defined]
    cascade = cv2.CascadeClassifier(str(cascades / "haarcascade_frontalface_default.xml"))

    def detect(picture: np.ndarray, smallest: int, largest: int) -> Sequence[Box]:
        found = cascade.detectMultiScale(  # a largest side of 0: no limit
            picture, 1.1, 5, minSize=(smallest, smallest), maxSize=(largest, largest)
        )
        return [(int(x), int(y), int(w), int(h)) for x, y, w, h in found]

    demuxer, options = pyav_options(fmt)
    step = 1 / SAMPLE_FPS
    centres: list[float | None] = []
    last: Box | None = None
    with av.open(str(path), format=demuxer, options=options, metadata_errors="ignore") as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        # frames no other frame refers to (most B-frames) are not decoded: a sample then falls a frame
        # later, and decoding, most of detection's time, halves on such footage
        stream.codec_context.skip_frame = "NONREF"
        for frame in container.decode(stream):
            if frame.time is None or frame.time + 1e-6 < len(centres) * step:
                continue
            scale = DETECT_WIDTH / max(frame.width, frame.height)
            small = frame.reformat(
                width=max(round(frame.width * scale), 16),
                height=max(round(frame.height * scale), 16),
                format="gray",
            ).to_ndarray()
            shown = np.ascontiguousarray(np.rot90(small, rotation // 90), dtype=np.uint8)
            last = find_face(detect, shown, last, full=len(centres) % FULL_SEARCH_EVERY == 0)
            while frame.time + 1e-6 >= len(centres) * step:
                if last is not None:
                    x, _, w, _ = last
                    centres.append(round(float(x + w / 2) / shown.shape[1], 4))
                else:
                    centres.append(None)
    return FaceTrack(step, tuple(centres))


def find_face(detect: Detect, shown: np.ndarray, last: Box | None, *, full: bool) -> Box | None:
    """The largest face in `shown`. Why not always the whole frame: a head moves little between samples, so
    the search starts around the last face at sizes near its own (an eighth of the cascade's work); the
    whole frame is searched when nothing is found there, and every `FULL_SEARCH_EVERY` samples anyway, so
    a larger face that walks in is still taken within two seconds."""
    if last is not None and not full:
        x0, y0, x1, y1 = near_window(last, shown.shape[1], shown.shape[0])
        w = last[2]
        near = detect(shown[y0:y1, x0:x1], round(w * NEAR_SIZES[0]), round(w * NEAR_SIZES[1]))
        if len(near):
            x, y, fw, fh = max(near, key=lambda f: f[2] * f[3])
            return (int(x) + x0, int(y) + y0, int(fw), int(fh))
    side = min(shown.shape[:2])
    faces = detect(shown, side // 10, 0)
    if not len(faces):
        return None
    x, y, fw, fh = max(faces, key=lambda f: f[2] * f[3])
    return (int(x), int(y), int(fw), int(fh))


def near_window(last: Box, width: int, height: int) -> tuple[int, int, int, int]:
    """The part of the picture (left, top, right, bottom) within `NEAR` face widths of the last face."""
    x, y, w, h = last
    reach_x, reach_y = round(w * NEAR), round(h * NEAR)
    return max(x - reach_x, 0), max(y - reach_y, 0), min(x + w + reach_x, width), min(y + h + reach_y, height)


def _main(argv: list[str]) -> int:
    memory_bytes, cpu_s, fmt, rotation, path = (
        int(argv[1]),
        int(argv[2]),
        argv[3],
        int(argv[4]),
        Path(argv[5]),
    )
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))  # past it the kernel ends the child (SIGXCPU)
    os.nice(5)  # detection yields to the HTTP process and the renders beside it
    try:
        import cv2  # noqa: F401  # loaded first, so a failure here is told apart from the clip's own
    except ModuleNotFoundError:
        print(json.dumps({"error": "OpenCV is not installed (the reframe extra)"}))
        return 0
    except (ImportError, OSError, MemoryError):  # its libraries could not be mapped: the memory limit
        print(json.dumps({"error": "OpenCV could not be loaded within the memory limit"}))
        return 0
    try:
        reply: dict[str, object] = detect_faces(path, fmt, rotation).to_json()
    except MemoryError:
        reply = {"error": "face detection needed more memory than allowed"}
    except (av.FFmpegError, IndexError, ValueError):  # damaged, or no picture at all
        reply = {"error": "the picture could not be read"}
    print(json.dumps(reply))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
