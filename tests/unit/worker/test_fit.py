"""Re-encoding to fit WhatsApp: the bitrate from the duration, the floor, and the exact FFmpeg argv."""

from __future__ import annotations

from pathlib import Path

from worker.fit import AUDIO_KBPS, fit_argv, fit_video, video_kbps_to_fit

MB = 1024 * 1024


def test_the_bitrate_fills_the_limit_with_a_margin_for_the_container_and_audio():
    kbps = video_kbps_to_fit(16 * MB, 60.0)
    total = (kbps + AUDIO_KBPS) * 1000 / 8 * 60
    assert 0.85 * 16 * MB < total < 16 * MB


def test_nothing_fits_a_video_of_no_duration():
    assert video_kbps_to_fit(16 * MB, 0) == 0


def test_below_the_watchable_floor_it_is_not_tried(tmp_path: Path):
    # 16 MB over an hour is about 30 kbit/s of video: mush. No FFmpeg is launched (the source does not exist).
    assert fit_video(tmp_path / "missing.mp4", tmp_path / "out.mp4", 3600.0, 16 * MB, 300) is None


def test_the_argv_is_h264_main_without_b_frames_aac_and_faststart():
    argv = fit_argv("ffmpeg", Path("in.mp4"), Path("out.mp4"), 2000)
    assert argv[argv.index("-profile:v") + 1] == "main"
    assert argv[argv.index("-bf") + 1] == "0"
    assert argv[argv.index("-b:v") + 1] == argv[argv.index("-maxrate") + 1] == "2000k"
    assert argv[argv.index("-c:a") + 1] == "aac"
    assert argv[argv.index("-movflags") + 1] == "+faststart"
    assert argv[-1] == "out.mp4" and argv[argv.index("-i") + 1] == "in.mp4"
