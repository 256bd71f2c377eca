# The bot's words in English. Keys are dotted in code (`upload.too_large`) and dashed here (`upload-too_large`).

## start and help
start-greeting = Hi { $name }! I edit your videos. Send me a video (up to { $limit_mb } MB), then tell me what you want, for example: "remove the silences, add background music, add transitions". Type "export" when you're happy and I'll send you the edited MP4.
help-text = How it works:
    1. Send a video (or several, or a link to one).
    2. Tell me what to change, in English, Hindi or Hinglish.
    3. Type "export" to get the final MP4.
    Also: "status" shows the timeline, "credits" your balance, /new starts over, /language switches language.
session-new = Fresh start. Send me a new video.
language-choose = Which language should I use?
language-set = OK, I'll talk in English from now on.

## acknowledgements and progress
ack-edit = Got it, working on it…
ack-upload = Video received. Uploading it to the editor…
ack-export = Exporting your video…
ack-queued = Got it. I'll start as soon as your previous request is done.
turn-still_working = Still working on your edit… ({ $minutes } min so far)
progress-rendering = Rendering your video… { $percent }%
progress-sent = Sent ✅

## uploads
upload-done = Uploaded "{ $name }" ({ $duration } s). Now tell me what to change.
upload-failed = I couldn't upload that file. Please send it again.
upload-too_big_for_telegram = { $size_mb ->
        [0] This file is bigger than the { $limit_mb } MB I can download from Telegram.
       *[other] This file is { $size_mb } MB, but I can only download files up to { $limit_mb } MB from Telegram.
    } You can send me a link to it instead (Google Drive, Dropbox or any direct https link), or the bot's operator can run a self-hosted Telegram Bot API server for files up to 2000 MB.
upload-refused-empty = This file is empty (0 bytes), so there is nothing to edit. Send the video again, as a file or a video.
upload-refused-pdf = This file isn't a video (it looks like a PDF). Send the video itself, as a file or a video.
upload-refused-document = This file isn't a video (it looks like a document or a zip archive). Send the video itself, as a file or a video, not packed in an archive.
upload-refused-web_page = This file isn't a video (it looks like a web page, perhaps the page around the video). Send the video itself, or a direct link to the video file.
upload-refused-text = This file isn't a video (it looks like text). Send the video itself, as a file or a video.
upload-refused-photo_format = This photo is in HEIC format, which I can't edit. Send it as JPG or PNG (on an iPhone: Settings → Camera → Formats → Most Compatible).
upload-refused-unsupported_format = { upload-unsupported }
upload-refused-truncated = This video is incomplete: it stops before its end (the download or copy was probably cut off). Send the whole file again.
upload-refused-damaged = This file is damaged, so I can't open it. Send the video again, as a file or a video.
upload-refused-no_streams = This file holds no picture and no sound, so there is nothing to edit. Send the video itself.
upload-refused-no_video = This file has no picture (only sound). Send the video itself, or send it as music if you meant the sound.
upload-refused-no_audio = This file has no sound. Send a music file with sound in it.
upload-refused-too_long = This video is too long to edit here. Trim it to a shorter part and send that.
upload-refused-frame_too_large = This video's picture is larger than I can edit. Send a smaller version, for example 1080p.
upload-refused-too_heavy = This video is too big to edit here (too long for its picture size). Send a shorter or smaller version.
upload-refused-unreadable = This file takes too much to read (it may be damaged). Send the video again, or a smaller version of it.
upload-unsupported = I can't edit this kind of file. Send a video (mp4, mov, avi, webm, mkv), a picture (jpg, png, gif, webp) or music (mp3, wav, m4a, aac).
upload-backend_too_large = This file is too large for the editor. Please trim it or compress it and send it again.
upload-how = Send me the video as a message (or a link to it), and I'll upload it.
upload-done_more = Tell me what else to change.

## edit turns
turn-changed = Done. Here's what changed:
    { $changes }
turn-no_change = I finished, but the timeline didn't change. Tell me more precisely what you'd like.
turn-timeout = The editor has been silent for too long, so I stopped waiting. Nothing was charged twice. Tap Retry to try again.
turn-lost = I lost the connection to the editor and your edit didn't show up in the timeline. Tap Retry to send it again.
turn-not_sent = Your edit didn't reach the editor, so nothing was changed or charged. Tap Retry to send it.
turn-failed = Something went wrong with this edit. Tap Retry to try again.
turn-need_video = Send me a video first, then tell me what to change.
change-added_track = added { $kind } track{ $label } ({ $span })
change-removed_track = removed { $kind } track{ $label }
change-shorter = { $seconds } s shorter
change-longer = { $seconds } s longer
change-edited = { $kind } track changed

## export and delivery
export-nothing = There's nothing to export yet. Send me a video first.
export-failed = The render failed. Tap Retry to export again.
export-timeout = The render has not moved for a long while. I will still send the video if it finishes; tap Retry to follow it again.
export-link = Your video is ready ({ $size_mb } MB). It's too large to send here, so download it with the button below.
delivery-caption = Your edited video is ready 🎬
delivery-srt_caption = Your captions as a subtitles file (.srt): add it in any editor or upload it with your video.
delivery-srt_too_large = Your subtitles file is too large to send in the chat: download it with the button below.
delivery-uncertain = I sent your video, but the chat app didn't confirm it arrived. If it isn't in the chat, download it with the button below. (I won't send it twice.)

## credits and account
credits-balance = Credits: { $available } available, { $frozen } in use, { $total } in total.
    An editing session costs about 50 credits; exporting is free.
credits-balance_free = Credits: { $available } available. This editor is self-hosted: editing and exporting cost nothing.
credits-balance_priced = Credits: { $available } available, { $frozen } in use, { $total } in total.
    Each edit costs { $cost } credits here; exporting is free.
credits-out-anonymous = You're out of credits. Register for free to get more, and your work stays linked to you:
credits-out-registered = You're out of credits. Top up your account to keep editing:
plan-required = Your plan doesn't include exporting. Register or upgrade your plan to unlock export.
session-reset = The editor lost this project, so I started a new one: the timeline was reset. Please send your video again.
rate-limited = The editor is busy right now. Please try again in a minute.
error-generic = Something went wrong on my side. Please try again.

## status
status-empty = Nothing uploaded yet. Send me a video to start.
status-header = Timeline ({ $count ->
        [one] 1 track
       *[other] { $count } tracks
    }):
status-track = { $index }. { $kind }: { $label } ({ $span })
status-frame = Frame: { $width }×{ $height } ({ $ratio }), { $shape }
status-frame_plain = Frame: { $width }×{ $height }, { $shape }
status-face = Reframe: following your face (a centre crop where none is seen)
status-auto = Reframe: following your face where one is seen
status-zoom = Zoom: { $percent }% punch-ins on alternate jump cuts
status-zoom_emphasis = Zoom: { $percent }% punch-ins on the words you stress
status-captions = Captions: on
status-fillers = { $count ->
    [one] Fillers: 1 cut out (um, uh…)
   *[other] Fillers: { $count } cut out (um, uh…)
  }
status-retakes = { $count ->
    [one] Bad takes: 1 earlier take cut out, the last one kept
   *[other] Bad takes: { $count } earlier takes cut out, the last ones kept
  }
status-voice_clean = Voice: cleaned up (noise reduced, level evened out)
shape-portrait = portrait
shape-square = square
shape-landscape = landscape

## input
input-empty = I need a few words to know what to do. Tell me what to change, for example "remove the silences".
input-too_long = That message is too long ({ $length } characters). Please keep instructions under { $limit } characters.

## buttons
button-export = Export
button-timeline = Timeline
button-retry = Retry
button-edit_more = Edit more
button-new_video = New video
button-open_web = Open in web editor
button-register = Register
button-topup = Top up
button-download = Download

## track kinds
kind-video = Video
kind-audio = Music
kind-title = Title
kind-other = Track

## command menu
command-start = Start and see what I can do
command-help = How to edit a video with me
command-new = Start a new project
command-export = Get the edited MP4
command-credits = Your credit balance
command-status = Show the timeline
command-language = Change the language

## gui
# The backend's agent writes as if a GUI existed; worker/guitext.py replaces its GUI instructions with these.
gui-export_hint = Type "export" or tap the Export button below to get your video.
gui-status_hint = Type "status" to see the timeline.
gui-edit_hint = Just tell me in a message what to change.
gui-upload_hint = Send the file to me here in the chat.
gui-click_hint = Just reply "{ $action }" and I'll do it.

## groups, cancel and limits
group-by = { $name }: { $text }
group-not_admin = Only group admins can do that.
group-spend_admins_only = In this group only admins can export and spend credits. Ask an admin, or an admin can change it with /settings.
group-settings = Who may export and spend this group's credits?
group-settings_saved = Saved: { $who } may export and spend credits.
group-everyone = Everyone
group-admins = Admins only
limit-in_flight = You already have { $count } requests in progress. Wait for one to finish, or /cancel.
cancel-done = Cancelled ({ $count }).
cancel-nothing = There's nothing of yours to cancel.
cancel-not_yours = Only the person who asked, or a group admin, can cancel this.
retry-unavailable = This can no longer be retried: only a request that failed can be retried, once.
retry-not_yours = Only the person who asked, or a group admin, can retry this.
button-cancel = Cancel
command-cancel = Stop what I'm working on
command-settings = Group settings (admins)
progress-done = Done ✅
change-settings = the look or settings of the video changed

## confirming an unclear message (the router could not tell an action from an edit)
confirm-export = Export now? Or is this a change to make to the video?
confirm-credits = Do you want to see your credits? Or is this a change to make to the video?
confirm-status = Do you want to see the timeline? Or is this a change to make to the video?
confirm-upload = Do you want to send a new video? Or is this a change to make to the video?
button-confirm_export = Export
button-confirm_credits = Credits
button-confirm_status = Timeline
button-confirm_upload = Send a video
button-its_edit = It's an edit
retry-how = To try again, press "Retry" under the message that failed.
confirm-not_yours = Only the person who wrote that message, or a group admin, can answer this.

## WhatsApp
upload-too_big_for_whatsapp = This file is over the { $limit_mb } MB WhatsApp lets me receive. Send me a link to it instead (Google Drive, Dropbox or any direct https link).
delivery-caption_reencoded = Your edited video is ready 🎬 I made it a little lighter so it fits WhatsApp's { $limit_mb } MB limit for videos.
delivery-caption_document = Your edited video is ready 🎬 At { $size_mb } MB it is over WhatsApp's { $limit_mb } MB limit for videos, so it comes as a file: tap it to download and play.
whatsapp-link_line = { $label }: { $url }
whatsapp-options = What next?
button-choose = Choose
