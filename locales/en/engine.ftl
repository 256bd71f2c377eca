# The self-hosted engine's replies (engine/words.py). Key `edit.music` is stored as `edit-music`.

turn-no_video = Send me a video first, then tell me what to change.
turn-help = I can: remove pauses · cut or keep a part ("cut the first 5 seconds", "keep 0:30-1:10") · fit a length ("make it 60 seconds") · add background music (lo-fi, upbeat, calm, or "use my song") · add transitions · add a title ("title: My Trip") · change the shape (reel 9:16, square 1:1, YouTube 16:9), following your face ("keep my face in the centre") · zoom in on cuts ("punch in on cuts") or on the words you stress ("zoom on emphasis") · change speed or volume · mute · undo.
turn-unknown = I couldn't work out "{ $text }". { turn-help }
turn-undo_alone = I only undid your last change. Send the other edits again as a new message.

edit-silences = { $count ->
    [one] Removed 1 pause, { $seconds } s shorter.
   *[other] Removed { $count } pauses, { $seconds } s shorter.
  }
edit-silences_none = I found no pauses long enough to cut.
edit-cut = Cut { $start }–{ $end } s. The video is now { $total } s.
edit-keep = Kept { $start }–{ $end } s. The video is now { $total } s.
edit-span_outside = That part is outside the video, which is { $total } s long.
edit-fit = Shortened to { $total } s.
edit-fit_already = It is already { $total } s, within { $target } s.
edit-music = Added background music { $name } at { $percent } %.
edit-music_own_missing = Send me your song as an audio file (mp3, m4a, wav) first, then say "use my song".
edit-music_removed = Removed the background music.
edit-music_none = There is no background music to remove.
edit-transitions = { $count ->
    [one] Added a { $name } transition on 1 cut.
   *[other] Added { $name } transitions on { $count } cuts.
  }
edit-transitions_none_fit = No cut has clips long enough on both sides for a transition.
edit-transitions_removed = Transitions removed: plain cuts now.
edit-title = Added the title "{ $text }" { $pos }, from { $start } to { $end } s.
edit-title_replaced = Replaced the title "{ $old }" with "{ $text }" { $pos }, from { $start } to { $end } s.
edit-title_glyphs = I did not add the title "{ $text }": my fonts cannot draw these characters: { $chars }. Write it in Hindi (Devanagari) or in Latin letters only.
edit-title_missing = What should the title say? Put it in quotes, e.g. title 'My Trip'.
edit-aspect = Frame set to { $aspect }, { $fit }.
edit-speed = Speed set to { $factor }x. The video is now { $total } s.
edit-volume = Volume set to { $percent } %.
edit-mute = Muted the video's own sound.
edit-unmute = The video's own sound is back.
edit-merge = { $count ->
    [one] There is 1 clip so far. Send more and I'll join them in the order you sent them.
   *[other] Joined { $count } clips in the order you sent them, { $total } s in all.
  }
edit-undo = Going back to the version before your last change.

transition-fade = crossfade
transition-fadeblack = fade-to-black
transition-dissolve = dissolve
transition-wipeleft = wipe
transition-slideleft = slide
transition-circleopen = circle

music-lofi = Lo-fi
music-upbeat = Upbeat
music-calm = Calm

position-top = at the top
position-center = in the middle of the frame
position-bottom = at the bottom

aspect-9_16 = 9:16 (reels, shorts)
aspect-1_1 = 1:1 (square post)
aspect-16_9 = 16:9 (YouTube)

fit-blur = other shapes over a blurred fill
fit-crop = cropped to fill the frame
fit-face = following your face (a centre crop where no face is seen)
fit-auto = following your face where one is seen, else over a blurred fill

edit-captions = { $count ->
    [one] Captions on: 1 word, { $style }, { $pos }.
   *[other] Captions on: { $count } words, { $style }, { $pos }.
  }
edit-captions_changed = Captions now { $style }, { $pos }.
edit-captions_removed = Captions removed.
edit-captions_none = There are no captions yet. Say "add captions" first.
edit-captions_no_speech = I heard no speech to caption in this video.
edit-captions_failed = I couldn't listen to the speech in this video just now. Please try again in a minute.
edit-captions_unavailable = Captions are not available on this server.
edit-caption_fixed = { $count ->
    [one] In the captions, "{ $old }" is now "{ $new }".
   *[other] In the captions, "{ $old }" is now "{ $new }" ({ $count } places).
  }
edit-caption_fix_missing = The captions don't say "{ $old }" anywhere.
edit-srt = Here are the captions as an .srt file: { $url }

caption_style-bold = bold, the spoken word highlighted
caption_style-plain = plain
caption_pos-bottom = at the bottom (clear of the app's buttons)
caption_pos-top = at the top
caption_pos-middle = in the middle

edit-fillers = { $count ->
    [one] Cut 1 filler (um, uh…), { $seconds } s shorter.
   *[other] Cut { $count } fillers (um, uh…), { $seconds } s shorter.
  }
edit-fillers_none = I found no fillers (um, uh, matlab…) to cut.

edit-retakes = { $count ->
    [one] Cut 1 earlier take of a line you said again (the last take stays), { $seconds } s shorter.
   *[other] Cut { $count } earlier takes of lines you said again (the last takes stay), { $seconds } s shorter.
  }
edit-retakes_none = I found no line said twice in a row, so there was no bad take to cut.

edit-voice_clean = Cleaned up the voice: background noise reduced, rumble cut, level evened out.
edit-voice_raw = The sound now plays as recorded, without clean-up.
edit-face = Frame set to { $aspect }, following your face: the crop pans to keep it in the middle (a centre crop where no face is seen).
edit-face_off = I'll stop following your face: other shapes now go over a blurred fill.
edit-face_none = I wasn't following a face.
edit-zoom = Punch-ins on: every other jump cut zooms in { $percent }% ({ $count } now), to hide the cuts.
edit-zoom_later = Punch-ins of { $percent }% are on: there is no jump cut yet; they show once cuts are made (for example after removing pauses).
edit-zoom_off = Punch-in zooms removed.
edit-zoom_none = There are no punch-in zooms to remove.
edit-zoom_emphasis = Punch-ins on emphasis: the picture zooms in { $percent }% on the words you stress ({ $count } now), at most one every few seconds.
edit-zoom_emphasis_none = I didn't hear any word said clearly louder than the rest of its sentence, so there is nothing to punch in on. Say the words you want stressed a little louder, or ask for "zoom on jump cuts".
workspace-title = Your project
workspace-note = Editing happens in the chat: send your changes there. This is the project as it stands now.
workspace-empty = Nothing uploaded yet.
workspace-expired = This link has expired or is not valid. Ask the bot for a new one in the chat.
edit-nothing_to_undo = Nothing to undo: this is the first version of your video.
edit-undo_what = Undid your last change:
    { $changes }
edit-undo_removed = • taken off: { $part }
edit-undo_restored = • back again: { $part }

summary-video = { $clips ->
    [one] Video: 1 clip, 0–{ $end } s
   *[other] Video: { $clips } clips, 0–{ $end } s
  }
summary-video_named = Video: { $name }, 0–{ $end } s
summary-music = Background music: { $name } at { $percent } %, { $start }–{ $end } s
summary-own_music = your song
summary-title = Title "{ $text }", { $start }–{ $end } s
summary-captions = Captions: { $style }, { $pos }
summary-frame = Frame: { $aspect }, { $fit }
summary-zoom = Punch-in zoom: { $percent } % on every other jump cut
summary-zoom_emphasis = Punch-in zoom: { $percent } % on the words you stress
workspace-unreadable = This project's timeline was made by another editor or is damaged, so it cannot be shown here. Your edits in the chat still work.
