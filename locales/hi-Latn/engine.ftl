# Self-hosted engine ke jawab Hinglish mein, Roman script (engine/words.py). Key `edit.music` yahan `edit-music` hai.

turn-no_video = Pehle ek video bhejiye, phir bataiye kya badalna hai.
turn-help = Main ye kar sakta hoon: pauses hatana · koi part kaatna ya rakhna ("pehle 5 sec kaat do", "0:30-1:10 rakho") · length fit karna ("60 sec ka bana do") · background music (lo-fi, upbeat, calm, ya "mera gaana lagao") · transitions · title ("title: Mera Safar") · shape badalna (reel 9:16, square 1:1, YouTube 16:9), chehra follow karna ("mera chehra beech mein rakho") · cut pe zoom ("zoom in karo jab cut ho") ya zor wale shabdon pe ("jahan zor se bolun wahan zoom karo") · speed ya volume · mute · undo.
turn-unknown = "{ $text }" samajh nahi aaya. { turn-help }
turn-undo_alone = Maine sirf aapka pichla badlaav undo kiya. Baaki edits naye message mein dobara bhejiye.

edit-silences = { $count ->
    [one] 1 pause hata diya, video { $seconds } sec chhota ho gaya.
   *[other] { $count } pauses hata diye, video { $seconds } sec chhota ho gaya.
  }
edit-silences_none = Kaatne layak lambe pauses nahi mile.
edit-cut = { $start }–{ $end } sec kaat diya. Ab video { $total } sec ka hai.
edit-keep = { $start }–{ $end } sec rakha. Ab video { $total } sec ka hai.
edit-span_outside = Wo part video ke bahar hai, video { $total } sec ka hai.
edit-fit = { $total } sec ka kar diya.
edit-fit_already = Video pehle se { $total } sec ka hai, { $target } sec ke andar.
edit-music = Background music { $name } { $percent } % pe laga diya.
edit-music_own_missing = Pehle apna gaana audio file (mp3, m4a, wav) mein bhejiye, phir "mera gaana lagao" likhiye.
edit-music_removed = Background music hata diya.
edit-music_none = Hatane ke liye koi background music nahi hai.
edit-transitions = { $count ->
    [one] 1 cut pe { $name } transition laga diya.
   *[other] { $count } cuts pe { $name } transitions laga diye.
  }
edit-transitions_none_fit = Kisi cut ke dono taraf transition ke liye kaafi lambe clips nahi hain.
edit-transitions_removed = Transitions hata diye: ab seedhe cuts hain.
edit-title = Title "{ $text }" { $pos } laga diya, { $start } se { $end } second tak.
edit-title_replaced = Title "{ $old }" ki jagah "{ $text }" { $pos } laga diya, { $start } se { $end } second tak.
edit-title_glyphs = Title "{ $text }" nahi lagaya: mere fonts yeh akshar nahi bana sakte: { $chars }. Title sirf Devanagari mein ya sirf Roman letters mein likhiye.
edit-title_missing = Title mein kya likhna hai? Quotes mein likhiye, jaise title 'Mera Safar'.
edit-aspect = Frame { $aspect } kar diya, { $fit }.
edit-speed = Speed { $factor }x kar di. Ab video { $total } sec ka hai.
edit-volume = Volume { $percent } % kar diya.
edit-mute = Video ki apni awaaz band kar di.
edit-unmute = Video ki apni awaaz wapas aa gayi.
edit-merge = { $count ->
    [one] Abhi 1 hi clip hai. Aur bhejiye, main unhe bheje hue order mein jod doonga.
   *[other] { $count } clips bheje hue order mein jod diye, kul { $total } sec.
  }
edit-undo = Pichle badlaav se pehle wale version pe wapas ja raha hoon.

transition-fade = crossfade
transition-fadeblack = fade-to-black
transition-dissolve = dissolve
transition-wipeleft = wipe
transition-slideleft = slide
transition-circleopen = circle

music-lofi = Lo-fi
music-upbeat = Upbeat
music-calm = Calm

position-top = upar
position-center = frame ke beech mein
position-bottom = neeche

aspect-9_16 = 9:16 (reels, shorts)
aspect-1_1 = 1:1 (square post)
aspect-16_9 = 16:9 (YouTube)

fit-blur = baaki shapes blur background ke upar
fit-crop = frame bharne ke liye crop kiya
fit-face = aapka chehra follow karke (chehra na dikhe to beech se crop)
fit-auto = chehra dikhe to use follow karke, warna blur background ke upar

edit-captions = Captions lag gaye: { $count } words, { $style }, { $pos }.
edit-captions_changed = Captions ab { $style }, { $pos }.
edit-captions_removed = Captions hata diye.
edit-captions_none = Abhi koi captions nahi hain. Pehle "captions lagao" likho.
edit-captions_no_speech = Is video mein caption ke liye koi awaaz nahi suni.
edit-captions_failed = Abhi is video ki awaaz sun nahi paya. Ek minute baad phir try karo.
edit-captions_unavailable = Is server par captions available nahi hain.
edit-caption_fixed = Captions mein "{ $old }" ab "{ $new }" hai ({ $count } jagah).
edit-caption_fix_missing = Captions mein "{ $old }" kahin nahi hai.
edit-srt = Captions ki .srt file yeh rahi: { $url }

caption_style-bold = bold, bola ja raha word highlight
caption_style-plain = simple
caption_pos-bottom = neeche (app ke buttons se door)
caption_pos-top = upar
caption_pos-middle = beech mein

edit-fillers = { $count } fillers (um, uh…) kaate, video { $seconds } second chhota ho gaya.
edit-fillers_none = Kaatne layak koi filler (um, uh, matlab…) nahi mila.

edit-retakes = Dobara boli gayi lines ke { $count } pehle takes kaate (aakhri take rakha), video { $seconds } second chhota ho gaya.
edit-retakes_none = Koi line lagataar do baar boli nahi mili, isliye kaatne ko koi kharab take nahi tha.

edit-voice_clean = Awaaz saaf kar di: peeche ka shor kam, rumble hataya, awaaz ek jaisi ki.
edit-voice_raw = Awaaz ab waisi hi hai jaisi record hui thi, bina safai ke.
edit-face = Frame { $aspect } kar diya, aapka chehra follow hoga: crop usse beech mein rakhega (chehra na dikhe to beech se crop).
edit-face_off = Ab chehra follow nahi karunga: baaki shapes blur background ke upar.
edit-face_none = Main chehra follow nahi kar raha tha.
edit-zoom = Punch-in on: har doosre jump cut pe { $percent }% zoom ({ $count } abhi), taaki cut na dikhe.
edit-zoom_later = { $percent }% punch-in on hai: abhi koi jump cut nahi hai; cut bante hi dikhenge (jaise pauses hatane ke baad).
edit-zoom_off = Punch-in zoom hata diye.
edit-zoom_none = Hatane ke liye koi punch-in zoom nahi hai.
edit-zoom_emphasis = Emphasis pe punch-in on: jin shabdon pe aap zor dete ho wahan { $percent }% zoom ({ $count } abhi), kuch second mein ek se zyada nahi.
edit-zoom_emphasis_none = Mujhe koi shabd baaki vakya se saaf zor se bola hua nahi suna, isliye punch-in ki jagah nahi mili. Jin shabdon pe zor chahiye unhe thoda zor se bolo, ya "jump cuts pe zoom" bolo.
workspace-title = Aapka project
workspace-note = Editing chat mein hoti hai: badlav wahin bhejiye. Yeh project abhi jaisa hai, waisa hai.
workspace-empty = Abhi tak kuch upload nahi hua.
workspace-expired = Yeh link purana ho gaya hai ya sahi nahi hai. Chat mein bot se naya link lijiye.
edit-nothing_to_undo = Undo karne ko kuch nahi hai: yeh aapke video ka pehla version hai.
edit-undo_what = Aapka pichhla badlav wapas liya:
    { $changes }
edit-undo_removed = • hataya: { $part }
edit-undo_restored = • wapas aaya: { $part }

summary-video = { $clips ->
    [one] Video: 1 clip, 0–{ $end } sec
   *[other] Video: { $clips } clips, 0–{ $end } sec
  }
summary-video_named = Video: { $name }, 0–{ $end } sec
summary-music = Background music: { $name }, awaaz { $percent } %, { $start }–{ $end } sec
summary-own_music = aapka gaana
summary-title = Title "{ $text }", { $start }–{ $end } sec
summary-captions = Captions: { $style }, { $pos }
summary-frame = Frame: { $aspect }, { $fit }
summary-zoom = Punch-in zoom: har doosre jump cut pe { $percent } %
summary-zoom_emphasis = Punch-in zoom: zor wale shabdon pe { $percent } %
workspace-unreadable = Is project ki timeline kisi doosre editor mein bani hai ya kharab hai, isliye yahan nahi dikh sakti. Chat mein aapke edits pehle jaise kaam karte hain.
