"""The frame family through a whole turn: face following and punch-ins reach the draft, the reply, the
summary undo and status use, and the zoom lands on every other jump cut."""

from dataclasses import replace

from engine.operations.frame import segment_zooms
from engine.summary import summary_lines
from engine.timeline import Timeline
from tests.unit.engine.test_turn import CLIP_A, CLIP_B, final_draft, texts, turn


def test_reels_and_face_in_one_message_is_one_vertical_face_following_edit():
    events, _ = turn("reels ke liye vertical karo, mera chehra beech mein rakho", "hi", media=(CLIP_B,))
    timeline = final_draft(events)
    assert (timeline.canvas.aspect, timeline.canvas.fit) == ("9:16", "face")
    assert (timeline.canvas.width, timeline.canvas.height) == (1080, 1920)
    (reply,) = texts(events)
    assert "chehra follow hoga" in reply and "9:16" in reply
    frame_line = "फ़्रेम: 9:16 (रील, शॉर्ट्स), आपका चेहरा फ़ॉलो करके (चेहरा न दिखे तो बीच से क्रॉप)"
    assert frame_line in summary_lines(timeline, "hi")


def test_face_follow_alone_on_a_landscape_frame_makes_it_vertical():
    events, _ = turn("face follow karo", "hi", media=(CLIP_B,))
    assert final_draft(events).canvas.aspect == "9:16"
    square, _ = turn(
        "keep my face in the centre",
        draft=Timeline().append_clip(CLIP_B).set_aspect("1:1").to_draft(),
        media=(CLIP_B,),
    )
    assert final_draft(square).canvas.aspect == "1:1"  # a frame narrower than the clip already: kept


def test_plain_vertical_follows_a_face_where_seen_and_says_so():
    events, _ = turn("make it vertical", media=(CLIP_B,))
    assert final_draft(events).canvas.fit == "auto"
    assert "following your face where one is seen" in texts(events)[0]
    blur, _ = turn("make it vertical with blur", media=(CLIP_B,))
    assert final_draft(blur).canvas.fit == "blur"


def test_devanagari_face_request_is_answered_in_hindi():
    events, _ = turn("चेहरा बीच में रखो", "hi", media=(CLIP_B,))
    assert final_draft(events).canvas.fit == "face" and "चेहरा फ़ॉलो" in texts(events)[0]


def test_stopping_the_face_following_goes_back_to_the_blurred_fill():
    following = final_draft(turn("face follow karo", media=(CLIP_B,))[0])
    events, _ = turn("stop following my face", draft=following.to_draft(), media=(CLIP_B,))
    assert final_draft(events).canvas.fit == "blur"
    nothing, _ = turn("stop following my face", media=(CLIP_B,))
    assert "wasn't following" in texts(nothing)[0]


def test_punch_ins_alternate_on_jump_cuts_and_reset_on_a_new_clip():
    base = Timeline().append_clip(CLIP_A).keep_spans({"a": [(0, 10), (12, 30), (33, 50), (52, 60)]})
    base = base.append_clip(CLIP_B)
    events, _ = turn("jump cuts pe zoom", "hi", draft=base.to_draft(), media=(CLIP_A, CLIP_B))
    timeline = final_draft(events)
    assert segment_zooms(timeline) == [1.0, 1.1, 1.0, 1.1, 1.0]
    assert "10% ज़ूम (अभी 2)" in texts(events)[0]
    assert "Punch-in zoom: 10 % on every other jump cut" in summary_lines(timeline, "en")
    off, _ = turn("zoom hatao", draft=timeline.to_draft(), media=(CLIP_A, CLIP_B))
    assert segment_zooms(final_draft(off)) == [1.0] * 5


def test_punch_ins_asked_before_any_cut_wait_for_the_cuts():
    events, _ = turn("punch in 12% on cuts")
    timeline = final_draft(events)
    assert segment_zooms(timeline) == [1.0] and "there is no jump cut yet" in texts(events)[0]
    cut = timeline.keep_spans({"a": [(0, 10), (12, 60)]})
    assert segment_zooms(cut) == [1.0, 1.12]  # the setting stays; the silence cut brings the zoom


def test_a_transition_is_not_a_jump_cut():
    base = Timeline().append_clip(CLIP_A).keep_spans({"a": [(0, 10), (12, 60)]}).set_transitions("fade")
    zoomed = final_draft(turn("punch in on cuts", draft=base.to_draft())[0])
    assert segment_zooms(zoomed) == [1.0, 1.0]
    assert segment_zooms(replace(zoomed, canvas=replace(zoomed.canvas, extra={"zoom": "x"}))) == [1.0, 1.0]
