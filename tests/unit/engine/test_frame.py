"""The frame family through a whole turn: face following and punch-ins reach the draft, the reply, the
summary undo and status use, and the zoom lands on every other jump cut or on the stressed words."""

from collections.abc import Generator, Sequence
from dataclasses import replace

from engine.ffargs import plan_pieces
from engine.media import MediaInfo
from engine.operations.frame import emphasis_frames, segment_zooms
from engine.speech import Segment, Transcript, Word
from engine.summary import summary_lines
from engine.timeline import Timeline
from engine.turn import NewDraft, TurnEvent, run_turn
from tests.unit.engine.test_turn import CLIP_A, CLIP_B, DATA, FakeAnalysis, final_draft, texts, turn


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
    events, _ = turn("जंप कट पर ज़ूम करो", "hi", draft=base.to_draft(), media=(CLIP_A, CLIP_B))
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


def test_hinglish_typed_in_a_devanagari_session_is_answered_in_roman_letters():
    base = Timeline().append_clip(CLIP_A).keep_spans({"a": [(0, 10), (12, 30)]})
    events, _ = turn("jump cuts pe zoom", "hi", draft=base.to_draft())
    assert texts(events) == ["Punch-in on: har doosre jump cut pe 10% zoom (1 abhi), taaki cut na dikhe."]


class Stressed:
    """The speech tools with one clip's sentence: "this is REALLY good", then "you will LOVE it" at 10 s."""

    def follow(
        self, info: MediaInfo, language: str = "", deadline: float | None = None
    ) -> Generator[int, None, Transcript]:
        yield 100
        return self.transcript(info)

    def transcript(self, info: MediaInfo) -> Transcript:
        def said(start: float, *texts_db: tuple[str, float]) -> Segment:
            words = tuple(Word(t, start + 0.4 * i, start + 0.4 * i + 0.3, loudness_db=db)
                          for i, (t, db) in enumerate(texts_db))  # fmt: skip
            return Segment(words[0].start_s, words[-1].end_s, "en", words)

        first = said(1.0, ("this", -30), ("is", -31), ("really", -20), ("good", -30), ("food", -29))
        second = said(10.0, ("you", -30), ("will", -30), ("love", -21), ("it", -31))
        return Transcript("en", info.duration_s, (first, second))

    def find_faces(self, sources: Sequence[MediaInfo], width: int, height: int) -> None:
        pass  # emphasis zooms follow no face

    def publish(self, source: MediaInfo, text: str) -> str:
        return source.file_id


def stressed_turn(text: str, lang: str = "en", draft: Timeline | None = None) -> list[TurnEvent]:
    start = (draft or Timeline().append_clip(CLIP_A)).to_draft()
    return list(run_turn(text, lang, start, (CLIP_A,), DATA, FakeAnalysis(), Stressed()))


def test_punch_ins_on_emphasis_land_on_the_stressed_words_and_are_described():
    events = stressed_turn("zoom on emphasis")
    timeline = final_draft(events)
    assert timeline.canvas.extra["zoom"]["at"] == {"a": [[1800, 2500], [10800, 11500]]}
    assert texts(events) == [
        "Punch-ins on emphasis: the picture zooms in 10% on the words you stress (2 now), "
        "at most one every few seconds."
    ]
    assert segment_zooms(timeline) == [1.0]  # not on cuts
    assert "Punch-in zoom: 10 % on the words you stress" in summary_lines(timeline, "en")
    hinglish = stressed_turn("jahan zor se bolun wahan zoom karo", "hi")
    assert "jin shabdon pe aap zor dete ho wahan 10% zoom (2 abhi)" in texts(hinglish)[0]
    hindi = stressed_turn("ज़ोर वाले शब्दों पर ज़ूम करो", "hi")
    assert "ज़ोर वाले शब्दों पर पंच-इन चालू" in texts(hindi)[0]


def test_stressed_words_map_through_cuts_and_split_the_render_pieces():
    cut = Timeline().append_clip(CLIP_A).keep_spans({"a": [(0, 2), (8, 60)]})
    timeline = final_draft(stressed_turn("punch in 12% on the words I stress", draft=cut))
    # "really" (1.8-2.5 s) is cut at 2.0 s; "love" (10.8 s) plays 6 s earlier, after the cut
    assert emphasis_frames(timeline, 30) == [[(54, 60)], [(144, 165)]]
    pieces = plan_pieces(timeline, 30)
    assert [(p.start_frame, p.frames, p.a.zoom) for p in pieces] == [
        (0, 54, 1.0), (54, 6, 1.12), (60, 84, 1.0), (144, 21, 1.12), (165, pieces[-1].frames, 1.0),
    ]  # fmt: skip
    assert pieces[3].a.start_s == 10.8 and not pieces[3].guard_in and not pieces[3].guard_out
    assert pieces[0].guard_in and pieces[1].guard_out and pieces[2].guard_in and pieces[-1].guard_out


def test_no_stressed_word_means_no_punch_ins_and_a_clear_word():
    events = list(run_turn("zoom on emphasis", "en", {}, (CLIP_A,), DATA, FakeAnalysis(), FlatSpeech()))
    assert not any(isinstance(e, NewDraft) for e in events)
    assert "didn't hear any word said clearly louder" in texts(events)[0]


def test_a_client_draft_cannot_smuggle_bad_stress_spans():
    timeline = Timeline().append_clip(CLIP_A)
    bad = {
        "percent": 10,
        "on": "emphasis",
        "at": {"a": [[1, "x"], [5, 1], [float("inf"), 3], "no", [100, 400]]},
    }
    smuggled = replace(timeline, canvas=replace(timeline.canvas, extra={"zoom": bad}))
    assert emphasis_frames(smuggled, 1000) == [[(100, 400)]]


class FlatSpeech(Stressed):
    def transcript(self, info: MediaInfo) -> Transcript:
        words = tuple(Word(f"w{i}", i * 0.4, i * 0.4 + 0.3, loudness_db=-30.0) for i in range(6))
        return Transcript("en", info.duration_s, (Segment(0.0, 2.3, "en", words),))
