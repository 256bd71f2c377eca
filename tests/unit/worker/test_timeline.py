"""Reading drafts: the summary users see and what a silent turn changed."""

from __future__ import annotations

from worker.timeline import diff, duration_s, is_exportable, summarize

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
