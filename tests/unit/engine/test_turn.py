"""One edit turn end to end, with a fake silence analysis: events, texts in the session language, drafts."""

from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

from fluent.syntax import FluentParser, ast
from fluent.syntax.visitor import Visitor

from engine.fonts import SHIPPED
from engine.media import MediaInfo
from engine.speech import Segment, SpeechError, Transcript, Word
from engine.summary import summary_lines
from engine.timeline import Timeline
from engine.turn import (
    REST_OF_TURN_S,
    TRANSCRIBE_TOOL,
    Heartbeat,
    NewDraft,
    TextOut,
    ToolCall,
    ToolResult,
    TurnEvent,
    UndoRequest,
    run_turn,
)
from engine.words import CATALOG, LOCALES_DIR, say

DATA = Path("/data")
CLIP_A = MediaInfo(
    "a",
    "a.mp4",
    "uploads/a.mp4",
    "video",
    "mp4",
    1000,
    duration_s=60,
    width=1080,
    height=1920,
    has_video=True,
    has_audio=True,
)
CLIP_B = MediaInfo(
    "b",
    "b.mp4",
    "uploads/b.mp4",
    "video",
    "mp4",
    1000,
    duration_s=20,
    width=1920,
    height=1080,
    has_video=True,
    has_audio=True,
)
SONG = MediaInfo("s", "Tum Hi Ho.mp3", "uploads/s.mp3", "audio", "mp3", 500, duration_s=200, has_audio=True)
PAUSES = {"a": [(0.0, 10.0), (12.0, 30.0), (33.0, 60.0)], "b": [(0.0, 20.0)]}


class FakeAnalysis:
    """Keep-spans per file, recording which files were analysed."""

    def __init__(self) -> None:
        self.paths: list[Path] = []

    def __call__(self, path: Path) -> list[tuple[float, float]]:
        self.paths.append(path)
        return PAUSES[path.stem]


def turn(
    text: str, lang: str = "en", draft: dict[str, Any] | None = None, media: tuple[MediaInfo, ...] = (CLIP_A,)
) -> tuple[list[TurnEvent], FakeAnalysis]:
    analysis = FakeAnalysis()
    events = list(run_turn(text, lang, draft or {}, media, DATA, analysis))
    return events, analysis


def texts(events: list[TurnEvent]) -> list[str]:
    return [e.text for e in events if isinstance(e, TextOut)]


def final_draft(events: list[TurnEvent]) -> Timeline:
    drafts = [e.draft for e in events if isinstance(e, NewDraft)]
    assert len(drafts) == 1 and isinstance(events[-1], NewDraft)
    return Timeline.from_draft(drafts[0])


def test_three_edits_in_hinglish_are_applied_and_reported_with_figures():
    events, analysis = turn("silence hata do, background music daalo, transitions lagao")
    assert [e.name for e in events if isinstance(e, ToolCall)] == [
        "remove_silences",
        "add_music",
        "set_transitions",
    ]
    assert analysis.paths == [DATA / "uploads/a.mp4"]
    assert events.index(Heartbeat()) < next(i for i, e in enumerate(events) if isinstance(e, ToolResult))
    # Hinglish is answered in Hinglish, in Roman script, even in a session created in English.
    assert texts(events)[0] == "2 pauses hata diye, video 5 sec chhota ho gaya."
    assert len(texts(events)) == 3
    timeline = final_draft(events)
    # 55 s after the cuts, plus the two 0.5 s transitions made of the removed silence
    assert timeline.duration_ms == 56000 and timeline.music[0].src == "builtin:lofi"


def test_hindi_session_gets_hindi_texts():
    events, _ = turn("साइलेंस हटाओ और म्यूज़िक डालो", lang="hi")
    assert texts(events) == [
        "2 ठहराव हटाए, वीडियो 5 सेकंड छोटा हो गया।",
        "बैकग्राउंड म्यूज़िक लो-फ़ाई लगा दिया, आवाज़ 35% पर।",
    ]


def test_a_heartbeat_precedes_each_clip_analysis():
    events, analysis = turn("remove the pauses", media=(CLIP_A, CLIP_B))
    assert len(analysis.paths) == 2 and events.count(Heartbeat()) == 2
    assert texts(events) == ["Removed 2 pauses, 5 s shorter."]
    assert final_draft(events).sources == ["a", "b"]


def test_cuts_count_from_the_end_of_the_current_draft():
    draft = Timeline().append_clip(CLIP_A).to_draft()
    events, _ = turn("cut the last 10 sec", draft=draft)
    assert texts(events) == ["Cut 50–60 s. The video is now 50 s."]
    assert final_draft(events).duration_ms == 50000


def test_unknown_instruction_lists_what_the_engine_can_do_and_changes_nothing():
    events, _ = turn("make it pop", lang="hi")
    (text,) = texts(events)
    assert text.startswith("«make it pop» — यह मैं समझ नहीं पाया।") and "म्यूज़िक" in text
    assert not any(isinstance(e, NewDraft | ToolCall) for e in events)


def test_undo_asks_the_store_and_defers_other_edits():
    events, _ = turn("undo that and add music")
    assert UndoRequest("en") in events and not any(isinstance(e, NewDraft) for e in events)
    assert texts(events) == ["I only undid your last change. Send the other edits again as a new message."]


def test_without_a_video_the_user_is_told_to_send_one():
    events, _ = turn("add music", media=(SONG,))
    assert texts(events) == ["Send me a video first, then tell me what to change."]
    assert not any(isinstance(e, NewDraft) for e in events)


def test_own_song_uses_the_last_audio_upload_or_asks_for_it():
    events, _ = turn("use my song", media=(CLIP_A, SONG))
    assert texts(events) == ["Added background music Tum Hi Ho at 35 %."]
    assert final_draft(events).music[0].src == "s"
    missing, _ = turn("use my song")
    assert texts(missing) == [
        'Send me your song as an audio file (mp3, m4a, wav) first, then say "use my song".'
    ]
    assert not any(isinstance(e, NewDraft) for e in missing)


def test_title_in_quotes_reaches_the_draft_and_the_reply():
    events, _ = turn("टाइटल डालो: मेरा सफ़र", lang="hi")
    assert texts(events) == ["टाइटल «मेरा सफ़र» फ़्रेम के बीच में लगा दिया, 0 से 3 सेकंड तक।"]
    assert final_draft(events).titles[0].text == "मेरा सफ़र"


def test_a_second_title_in_the_same_place_says_which_one_it_replaced():
    first, _ = turn("add the title 'Day one'")
    events, _ = turn("add the title 'Day two'", draft=final_draft(first).to_draft())
    assert texts(events) == [
        'Replaced the title "Day one" with "Day two" in the middle of the frame, from 0 to 3 s.'
    ]
    assert [t.text for t in final_draft(events).titles] == ["Day two"]


def test_a_title_the_fonts_cannot_draw_is_refused_not_shown_as_boxes():
    events, _ = turn("add the title '東京 trip'")
    assert texts(events) == [
        'I did not add the title "東京 trip": my fonts cannot draw these characters: 東 京. '
        "Write it in Hindi (Devanagari) or in Latin letters only."
    ]
    assert not any(isinstance(e, NewDraft) for e in events)


def test_the_fonts_are_looked_for_where_the_engine_is_told(tmp_path: Path):
    """ENGINE_FONT_DIRS reaches the title check: with only a Latin font there, a Hindi title is refused."""
    latin = tmp_path / "fonts"
    latin.mkdir()
    (latin / "NotoSans-Bold.ttf").write_bytes((SHIPPED / "NotoSans-Bold.ttf").read_bytes())
    events = list(
        run_turn("add the title 'मेरा सफ़र'", "en", {}, (CLIP_A,), DATA, FakeAnalysis(), None, (latin,))
    )
    assert not any(isinstance(e, NewDraft) for e in events)
    assert "मेरे फ़ॉन्ट ये अक्षर नहीं बना सकते: म े र ा" in texts(events)[0]  # the reply follows the script
    events = list(
        run_turn("add the title 'Day one'", "en", {}, (CLIP_A,), DATA, FakeAnalysis(), None, (latin,))
    )
    assert final_draft(events).titles[0].text == "Day one"


def test_reel_volume_and_speed_change_the_canvas():
    events, _ = turn("reel ke liye bana do aur crop karo, awaaz badhao, speed 2x")
    canvas = final_draft(events).canvas
    assert (canvas.aspect, canvas.fit, canvas.volume, canvas.speed) == ("9:16", "crop", 1.5, 2.0)
    assert "Speed 2x kar di. Ab video 30 sec ka hai." in texts(events)  # Hinglish typed in Roman script


def test_hinglish_in_roman_script_is_answered_in_roman_script_in_a_hindi_session():
    events, _ = turn("silence hata do", lang="hi")
    assert texts(events) == ["2 pauses hata diye, video 5 sec chhota ho gaya."]


def test_an_english_instruction_keeps_the_session_language():
    events, _ = turn("add background music", lang="hi")
    assert texts(events) == ["बैकग्राउंड म्यूज़िक लो-फ़ाई लगा दिया, आवाज़ 35% पर।"]


class _Variables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_VariableReference(self, node):
        self.names.add(node.id.name)
        self.generic_visit(node)


def catalog(lang) -> dict[str, set[str]]:
    """Each message of a language's engine catalog with the variables it uses."""
    resource = FluentParser().parse((LOCALES_DIR / lang / CATALOG).read_text(encoding="utf-8"))
    assert not [entry for entry in resource.body if isinstance(entry, ast.Junk)]
    found = {}
    for entry in resource.body:
        if isinstance(entry, ast.Message):
            variables = _Variables()
            variables.visit(entry)
            found[entry.id.name] = variables.names
    return found


def test_every_key_exists_in_both_languages_with_the_same_variables():
    english = catalog("en")
    assert catalog("hi") == english
    assert catalog("hi-Latn") == english
    assert english["edit-silences"] == {"count", "seconds"}


class FakeSpeech:
    """Transcripts per clip as the speech queue would return them; records what was asked and published."""

    def __init__(
        self,
        words: dict[str, list[tuple[str, float, float]]],
        fail: bool = False,
        progress: Sequence[int] = (),
    ) -> None:
        self.words, self.fail, self.progress = words, fail, progress
        self.asked: list[str] = []
        self.published: dict[str, str] = {}
        self.faces: list[tuple[list[str], int, int]] = []  # face detections started: clips, frame size
        self.deadlines: list[float | None] = []  # until when each wait was allowed to last
        self.order: list[str] = []  # "words" and "faces", as they were asked for

    def follow(
        self, info: MediaInfo, language: str = "", deadline: float | None = None
    ) -> Generator[int, None, Transcript]:
        self.asked.append(info.file_id)
        self.deadlines.append(deadline)
        self.order.append("words")
        yield from self.progress
        if self.fail:
            raise SpeechError("transcription took too long")
        spoken = tuple(Word(t, a, b) for t, a, b in self.words.get(info.file_id, []))
        segments = (Segment(spoken[0].start_s, spoken[-1].end_s, "en", spoken),) if spoken else ()
        return Transcript("en", info.duration_s, segments)

    def find_faces(self, sources: Sequence[MediaInfo], width: int, height: int) -> None:
        self.faces.append(([info.file_id for info in sources], width, height))
        self.order.append("faces")

    def publish(self, source: MediaInfo, text: str) -> str:
        name = f"{source.file_id}-{len(self.published)}.srt"
        self.published[name] = text
        return f"http://engine/files/captions/{name}"


SPOKEN = {"a": [("hello", 1.0, 1.4), ("Dilli", 1.5, 1.9), ("friends", 2.0, 2.4)]}


def speech_turn(text: str, speech: FakeSpeech, lang: str = "en", draft: dict[str, Any] | None = None):
    return list(run_turn(text, lang, draft or {}, (CLIP_A,), DATA, FakeAnalysis(), speech))


def test_captions_are_added_from_the_transcript_and_described():
    speech = FakeSpeech(SPOKEN)
    events = speech_turn("add captions", speech)
    assert speech.asked == ["a"] and Heartbeat() in events
    assert texts(events) == [
        "Captions on: 3 words, bold, the spoken word highlighted, at the bottom (clear of the app's buttons)."
    ]
    assert "Captions: bold, the spoken word highlighted, at the bottom (clear of the app's buttons)" in (
        summary_lines(final_draft(events), "en")
    )


def test_a_turn_waiting_on_a_transcription_streams_its_progress():
    """Minutes of transcription are not minutes of bare heartbeats, after which a client gives up."""
    speech = FakeSpeech(SPOKEN, progress=[5, 40, 90])
    events = speech_turn("add captions", speech)
    steps = [e.result["progress"] for e in events if isinstance(e, ToolResult) and e.name == TRANSCRIBE_TOOL]
    assert steps == [5, 40, 90]
    assert events.index(Heartbeat()) < events.index(ToolResult(TRANSCRIBE_TOOL, {"progress": 5}))
    assert texts(events)[0].startswith("Captions on: 3 words")


def test_pauses_cut_by_voice_stream_the_transcriptions_progress_and_fall_back_if_it_fails():
    speech = FakeSpeech(SPOKEN, progress=[50])
    events = list(run_turn("remove the pauses", "en", {}, (CLIP_A,), DATA, FakeAnalysis(), speech))
    assert ToolResult(TRANSCRIBE_TOOL, {"progress": 50}) in events and speech.asked == ["a"]
    failing = FakeSpeech(SPOKEN, fail=True)
    events = list(run_turn("remove the pauses", "en", {}, (CLIP_A,), DATA, FakeAnalysis(), failing))
    assert any(isinstance(e, NewDraft) for e in events)  # the keep-spans function still cut the pauses


def test_a_failed_transcription_is_waited_for_once_in_a_turn_and_said_once():
    """ "remove the pauses and add captions": the pause cut waits for the words, falls back to loudness when
    they fail; the captions do not wait for them a second time, and say once that there are none."""
    failing, analysis = FakeSpeech(SPOKEN, fail=True), FakeAnalysis()
    events = list(
        run_turn(
            "remove the pauses and add captions", "en", {}, (CLIP_A,), DATA, analysis, failing, deadline=90.0
        )
    )
    assert failing.asked == ["a"] and failing.deadlines == [90.0 - REST_OF_TURN_S]
    assert [path.stem for path in analysis.paths] == ["a"]  # the loudness fallback, once
    assert texts(events).count(say("en", "edit.captions_failed")) == 1
    assert any(isinstance(e, NewDraft) for e in events)  # the pauses were still cut


def test_pauses_are_cut_by_voice_when_the_words_are_heard():
    speech, analysis = FakeSpeech(SPOKEN), FakeAnalysis()
    list(run_turn("remove the pauses", "en", {}, (CLIP_A,), DATA, analysis, speech))
    assert speech.asked == ["a"] and analysis.paths == []  # the loudness analysis was not needed


def test_hinglish_captions_are_moved_fixed_and_removed_by_chat():
    speech = FakeSpeech(SPOKEN)
    draft = final_draft(speech_turn("captions lagao", speech, "hi")).to_draft()
    assert draft["m"]["captions"]["script"] == "latin"  # asked in Roman letters: Roman captions
    moved = final_draft(speech_turn("captions upar karo", speech, "hi", draft))
    assert moved.canvas.extra["captions"]["pos"] == "top"
    events = speech_turn("caption mein Dilli ko Delhi karo", speech, "hi", moved.to_draft())
    assert texts(events) == ['Captions mein "Dilli" ab "Delhi" hai (1 jagah).']  # Hinglish in, Hinglish out
    fixed = final_draft(events).to_draft()
    events = speech_turn("captions hatao", speech, "hi", fixed)
    assert "captions" not in final_draft(events).canvas.extra


def test_a_fix_of_a_word_nobody_said_changes_nothing():
    speech = FakeSpeech(SPOKEN)
    draft = final_draft(speech_turn("add captions", speech)).to_draft()
    events = speech_turn("in the captions change Mumbai to Bombay", speech, draft=draft)
    assert texts(events) == ['The captions don\'t say "Mumbai" anywhere.']
    assert not any(isinstance(e, NewDraft) for e in events)


def test_srt_on_request_is_a_link_to_the_file():
    speech = FakeSpeech(SPOKEN)
    events = speech_turn("captions की srt फ़ाइल भेजो", speech, "hi")
    ((name, text),) = speech.published.items()
    assert name.endswith(".srt") and "hello Dilli friends" in text
    assert texts(events) == [f"कैप्शन की .srt फ़ाइल यह रही: http://engine/files/captions/{name}"]


def test_a_failed_transcription_is_told_and_keeps_the_draft():
    events = speech_turn("कैप्शन लगाओ", FakeSpeech(SPOKEN, fail=True), "hi")
    assert texts(events) == ["अभी इस वीडियो की आवाज़ सुन नहीं पाया। एक मिनट बाद फिर कोशिश करें।"]
    assert not any(isinstance(e, NewDraft) for e in events)


def test_a_silent_clip_gets_no_captions():
    events = speech_turn("add captions", FakeSpeech({}))
    assert texts(events) == ["I heard no speech to caption in this video."]


def test_a_turn_that_makes_the_frame_follow_faces_starts_their_detection_before_the_export():
    speech = FakeSpeech({})
    media = (CLIP_A, CLIP_B)
    events = list(run_turn("reels ke liye vertical karo, mera chehra beech mein rakho", "hi", {}, media,
                           DATA, FakeAnalysis(), speech))  # fmt: skip
    assert final_draft(events).canvas.fit == "face"
    assert speech.faces == [(["a", "b"], 1080, 1920)]  # which of them are wide is the queue's to decide
    draft = final_draft(events).to_draft()
    list(run_turn("add music", "en", draft, media, DATA, FakeAnalysis(), speech))
    list(run_turn("stop following my face", "en", draft, media, DATA, FakeAnalysis(), speech))
    assert len(speech.faces) == 1  # the frame did not change, or no longer follows a face: nothing more


def test_faces_are_looked_for_before_the_turn_waits_for_words():
    """ "captions lagao, reels ke liye vertical karo": the face detection runs while the transcription does
    (side by side on the speech workers), not after it."""
    speech = FakeSpeech(SPOKEN)
    text = "add captions and make it vertical 9:16"
    events = list(run_turn(text, "en", {}, (CLIP_A,), DATA, FakeAnalysis(), speech))
    assert final_draft(events).canvas.height == 1920
    assert speech.order == ["faces", "words"]
