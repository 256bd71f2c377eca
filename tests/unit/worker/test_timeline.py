"""Reading drafts: the summary users see and what a silent turn changed."""

from __future__ import annotations

from worker.timeline import (
    SpeechEdits,
    diff,
    duration_s,
    frame_size,
    is_exportable,
    ratio,
    speech_edits,
    summarize,
)

VIDEO = {"tt": 0, "m": {"title": "city timelapse"}, "sg": [{"st": 0, "d": 10000, "x-opaque": 1}]}
MUSIC = {"tt": 1, "m": {"title": "Lo-fi"}, "sg": [{"st": 0, "d": 10000, "vol": 0.35}]}
TITLE = {"tt": 7, "sg": [{"st": 0, "d": 3000, "text": "Urban Dreams"}]}


def test_summary_names_kind_label_span_and_volume():
    tracks = summarize({"t": [VIDEO, MUSIC, TITLE, {"tt": 0, "sg": []}]})
    assert [(t.kind, t.label, t.span) for t in tracks] == [
        ("video", "city timelapse", "0–10 s"),
        ("audio", "Lo-fi", "0–10 s"),
        ("title", "Urban Dreams", "0–3 s"),
    ]
    assert tracks[1].volume == 0.35


def test_an_empty_or_missing_draft_is_not_exportable():
    assert not is_exportable(None)
    assert not is_exportable({"t": [{"tt": 0, "sg": []}]})
    assert is_exportable({"t": [VIDEO]})


def test_diff_reports_an_added_music_track_and_a_shorter_video():
    before = {"d": 60000, "t": [VIDEO]}
    after = {"d": 42000, "t": [VIDEO, MUSIC]}
    changes = diff(before, after)
    assert [(c.what, c.track.label if c.track else None) for c in changes] == [
        ("added", "Lo-fi"),
        ("shorter", None),
    ]
    assert changes[1].seconds == 18


def test_diff_sees_an_edit_inside_a_track():
    louder = {**MUSIC, "sg": [{"st": 0, "d": 10000, "vol": 0.8}]}
    assert [c.what for c in diff({"t": [VIDEO, MUSIC]}, {"t": [VIDEO, louder]})] == ["edited"]
    assert diff({"t": [VIDEO]}, {"t": [VIDEO]}) == []


def test_duration_falls_back_to_the_last_segment_end():
    assert duration_s({"t": [VIDEO, TITLE]}) == 10


def test_cloud_style_segment_keys_are_read_too():
    cloud_music = {"tt": 1, "sg": [{"s": 2000, "d": 8000, "v": 35, "n": "Lo-fi"}]}
    [track] = summarize({"t": [cloud_music]})
    assert (track.label, track.span, track.volume) == ("Lo-fi", "2–10 s", 0.35)


def test_pauses_removed_in_the_turn_that_adds_music_still_read_as_shorter():
    long_video = {"tt": 0, "sg": [{"st": 0, "d": 60000}]}
    cut_video = {"tt": 0, "sg": [{"st": 0, "d": 41400}]}
    changes = diff({"d": 60000, "t": [long_video]}, {"d": 60000, "t": [cut_video, MUSIC]})
    assert [c.what for c in changes] == ["added", "shorter"]
    assert round(changes[1].seconds, 1) == 18.6


def test_a_change_outside_the_tracks_is_still_a_change():
    assert [
        c.what for c in diff({"t": [VIDEO], "m": {"filter": None}}, {"t": [VIDEO], "m": {"filter": "warm"}})
    ] == ["edited"]


def test_the_frame_and_its_named_ratio():
    assert frame_size({"m": {"width": 1080, "height": 1920}}) == (1080, 1920)
    assert frame_size({"m": {}}) is None and frame_size(None) is None
    assert [ratio(1080, 1920), ratio(1920, 1080), ratio(1080, 1080)] == ["9:16", "16:9", "1:1"]
    assert ratio(1918, 1080) == ""


def test_framing_reads_the_engines_face_following_and_punch_ins():
    from worker.timeline import framing

    assert framing({"m": {"fit": "face", "zoom": {"percent": 12}}}) == ("face", 12)
    assert framing({"m": {"fit": "blur"}}) == ("blur", 0)
    assert framing({"m": {"zoom": {"percent": "lots"}}}) == ("", 0) and framing(None) == ("", 0)


def test_status_tells_punch_ins_on_emphasis_from_punch_ins_on_cuts():
    from worker.timeline import zoom_follows

    assert zoom_follows({"m": {"zoom": {"percent": 10, "on": "emphasis", "at": {}}}}) == "emphasis"
    assert zoom_follows({"m": {"zoom": {"percent": 10}}}) == "cuts" and zoom_follows(None) == "cuts"


def test_speech_edits_are_read_from_the_engines_keys_and_absent_elsewhere():
    draft = {"m": {"fillers_cut": 3, "retakes_cut": 1, "voice_clean": True, "captions": {"style": "bold"}}}
    assert speech_edits(draft) == SpeechEdits(fillers=3, retakes=1, voice_clean=True, captions=True)
    assert speech_edits({"m": {"fillers_cut": "3", "voice_clean": "yes"}}) == SpeechEdits()  # not ours
    assert speech_edits(None) == SpeechEdits()
