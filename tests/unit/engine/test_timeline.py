"""The draft model: JSON round trip, positions after edits, transitions only where they fit."""

import copy

import pytest

from engine.media import MediaInfo
from engine.timeline import Timeline


def clip(file_id: str, seconds: float, width: int = 1920, height: int = 1080) -> MediaInfo:
    return MediaInfo(
        file_id,
        f"{file_id}.mp4",
        f"uploads/{file_id}.mp4",
        "video",
        "mp4",
        1000,
        duration_s=seconds,
        width=width,
        height=height,
        has_video=True,
        has_audio=True,
    )


def positions(timeline: Timeline) -> list[tuple[int, int, int, int]]:
    return [(s.in_ms, s.out_ms, s.st, s.d) for s in timeline.video]


FOREIGN = {
    "d": 10000,
    "v": 3,
    "m": {
        "width": 1920,
        "height": 1080,
        "aspect": "16:9",
        "fit": "blur",
        "loudnorm": True,
        "mute": False,
        "volume": 1.0,
        "speed": 1.0,
        "fps": 30,
    },
    "t": [
        {
            "tt": 0,
            "m": {"title": "city timelapse"},
            "id": "trk0",
            "sg": [{"src": "f1", "in": 0, "out": 10000, "st": 0, "d": 10000, "color": {"lut": "warm"}}],
        },
        {"tt": 3, "m": {"title": "stickers"}, "sg": [{"sticker": "star", "st": 0}]},
        {
            "tt": 1,
            "m": {"title": "Lo-fi"},
            "sg": [
                {
                    "src": "builtin:lofi",
                    "st": 0,
                    "d": 10000,
                    "vol": 0.35,
                    "duck": True,
                    "fi": 1000,
                    "fo": 2000,
                }
            ],
        },
    ],
}


def test_a_foreign_draft_round_trips_with_its_unknown_keys():
    draft = copy.deepcopy(FOREIGN)
    assert Timeline.from_draft(draft).to_draft() == FOREIGN


def test_edits_keep_unknown_keys_and_tracks():
    edited = Timeline.from_draft(FOREIGN).add_title("Urban Dreams").to_draft()
    assert edited["v"] == 3 and edited["m"]["fps"] == 30
    assert edited["t"][0]["sg"][0]["color"] == {"lut": "warm"}
    assert [t["tt"] for t in edited["t"]] == [0, 3, 1, 7]


def test_clips_are_joined_in_order_and_the_first_sets_the_frame():
    timeline = Timeline().append_clip(clip("a", 4, 1080, 1920)).append_clip(clip("b", 6))
    assert positions(timeline) == [(0, 4000, 0, 4000), (0, 6000, 4000, 6000)]
    assert (timeline.canvas.aspect, timeline.canvas.width, timeline.canvas.height) == ("9:16", 1080, 1920)
    assert timeline.duration_ms == 10000 and timeline.canvas.loudnorm


def test_keep_spans_removes_pauses_and_recomputes_positions():
    timeline = Timeline().append_clip(clip("a", 20)).keep_spans({"a": [(0, 5), (7, 12.5), (19.99, 20)]})
    assert positions(timeline) == [(0, 5000, 0, 5000), (7000, 12500, 5000, 5500)]
    assert timeline.duration_ms == 10500


def test_transitions_overlap_and_skip_cuts_with_a_short_neighbour():
    timeline = Timeline().append_clip(clip("a", 5)).append_clip(clip("b", 0.8)).append_clip(clip("c", 12))
    with_fades = timeline.set_transitions("dissolve", 500)
    # the 0.8 s middle clip is shorter than 2 x 0.5 s: both its cuts stay hard
    assert [s.tr for s in with_fades.video] == [None, None, None]
    longer = with_fades.set_transitions("dissolve", 300)
    assert [s.tr.type if s.tr else None for s in longer.video] == [None, "dissolve", "dissolve"]
    assert [s.st for s in longer.video] == [0, 4700, 5200] and longer.duration_ms == 17200


def test_a_transition_over_a_silence_cut_is_made_of_the_removed_silence():
    """Both neighbours extend into the cut-out pause by the transition's length: the overlap holds only
    silence, and the words on either side play whole and unblended."""
    cut = Timeline().append_clip(clip("a", 20)).keep_spans({"a": [(0, 5), (6, 6.8), (8, 20)]})
    assert [s.pause for s in cut.video] == [0, 1000, 1200]
    faded = cut.set_transitions("dissolve", 500)
    assert [(s.in_ms, s.out_ms) for s in faded.video] == [(0, 5500), (5500, 7300), (7500, 20000)]
    assert [s.tr.d if s.tr else None for s in faded.video] == [None, 500, 500]
    assert faded.duration_ms == cut.duration_ms + 2 * 500
    again = Timeline.from_draft(faded.to_draft()).set_transitions("fade", 300)
    assert [(s.in_ms, s.out_ms) for s in again.video] == [(0, 5300), (5700, 7100), (7700, 20000)]
    hard = again.set_transitions(None)
    assert [(s.in_ms, s.out_ms) for s in hard.video] == [(0, 5000), (6000, 6800), (8000, 20000)]


def test_a_short_pause_gives_a_shorter_transition_or_none():
    cut = Timeline().append_clip(clip("a", 10)).keep_spans({"a": [(0, 4), (4.4, 6), (6.05, 10)]})
    faded = cut.set_transitions("fade", 500)
    assert [s.tr.d if s.tr else None for s in faded.video] == [None, 200, None]


def test_transition_style_survives_later_cuts():
    timeline = (
        Timeline().append_clip(clip("a", 10)).append_clip(clip("b", 10)).set_transitions("wipeleft", 500)
    )
    cut = timeline.cut_span(2, 4)
    assert [s.tr.type if s.tr else None for s in cut.video] == [None, "wipeleft", "wipeleft"]


def test_cut_and_keep_spans_work_in_on_screen_time():
    timeline = Timeline().append_clip(clip("a", 10)).set_speed(2.0)
    assert timeline.duration_ms == 5000
    cut = timeline.cut_span(0, 1)  # one on-screen second is two source seconds at 2x
    assert positions(cut) == [(2000, 10000, 0, 4000)]
    kept = Timeline().append_clip(clip("a", 100)).keep_span(30, 70)
    assert positions(kept) == [(30000, 70000, 0, 40000)]


def test_fit_duration_trims_every_clip_and_never_lengthens():
    timeline = Timeline().append_clip(clip("a", 40)).append_clip(clip("b", 80))
    fitted = timeline.fit_duration(60)
    assert fitted.duration_ms == 60000
    assert [s.d for s in fitted.video] == [20000, 40000]
    assert fitted.fit_duration(90) == fitted


def test_music_spans_the_video_and_titles_are_clipped():
    timeline = (
        Timeline().append_clip(clip("a", 10)).add_title("Hi", d_ms=3000).add_music("builtin:calm", "Calm")
    )
    short = timeline.keep_span(0, 2)
    assert (short.music[0].st, short.music[0].d) == (0, 2000)
    assert short.titles[0].d == 2000
    assert short.music[0].fi + short.music[0].fo <= 2000


@pytest.mark.parametrize(("volume", "expected"), [(9.0, 4.0), (-1.0, 0.0), (0.6, 0.6)])
def test_volume_is_clamped_and_unmutes(volume, expected):
    timeline = Timeline().set_mute(True).set_volume(volume)
    assert timeline.canvas.volume == expected and not timeline.canvas.mute


def test_an_audio_upload_is_not_a_clip():
    audio = MediaInfo("s", "song.mp3", "uploads/song.mp3", "audio", "mp3", 10, duration_s=30, has_audio=True)
    with pytest.raises(ValueError, match="music"):
        Timeline().append_clip(audio)
