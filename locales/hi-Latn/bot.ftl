# Bot ke messages Hinglish mein (Roman script). Code mein keys dot wali hain (`upload.too_large`), yahan dash wali (`upload-too_large`).

## start and help
start-greeting = Namaste { $name }! Main aapke videos edit karta hoon. Pehle video bhejiye ({ $limit_mb } MB tak), phir bataiye kya karna hai, jaise: "silence hata do, background music daalo, transitions lagao". Jab sab theek lage to "export" likhiye, main edit kiya hua MP4 bhej doonga.
help-text = Aise kaam karta hai:
    1. Video bhejiye (ek ya kai, ya uska link).
    2. Bataiye kya badalna hai, Hindi, English ya Hinglish mein.
    3. Final MP4 ke liye "export" likhiye.
    Aur bhi: "status" se timeline dekhiye, "credits" se balance, /new se naya project, /language se bhasha badliye.
session-new = Nayi shuruaat! Naya video bhejiye.
language-choose = Main kis bhasha mein baat karoon?
language-set = Theek hai, ab se main Hinglish mein baat karunga.

## acknowledgements and progress
ack-edit = Samajh gaya, kaam shuru kar raha hoon…
ack-upload = Video mil gaya. Editor pe upload kar raha hoon…
ack-export = Aapka video export ho raha hai…
ack-queued = Samajh gaya. Pichla kaam poora hote hi ise shuru karunga.
turn-still_working = Abhi bhi aapke edit pe kaam chal raha hai… (ab tak { $minutes } min)
progress-rendering = Video render ho raha hai… { $percent }%
progress-sent = Bhej diya ✅

## uploads
upload-done = "{ $name }" upload ho gaya ({ $duration } sec). Ab bataiye kya badalna hai.
upload-failed = Ye file upload nahi ho payi. Please dobara bhejiye.
upload-too_big_for_telegram = { $size_mb ->
        [0] Ye file { $limit_mb } MB se badi hai, aur main Telegram se sirf { $limit_mb } MB tak ki file download kar sakta hoon.
       *[other] Ye file { $size_mb } MB ki hai, par main Telegram se sirf { $limit_mb } MB tak ki file download kar sakta hoon.
    } Iski jagah link bhej dijiye (Google Drive, Dropbox ya koi bhi seedha https link), ya bot chalane wale 2000 MB tak ki files ke liye apna Telegram Bot API server chala sakte hain.
upload-refused-empty = Ye file khaali hai (0 bytes), isme edit karne ko kuch nahi hai. Video dobara bhejiye, file ya video ke roop mein.
upload-refused-pdf = Ye file video nahi hai (PDF lag rahi hai). Video khud bhejiye, file ya video ke roop mein.
upload-refused-document = Ye file video nahi hai (document ya zip archive lag rahi hai). Video khud bhejiye, file ya video ke roop mein, archive mein band karke nahi.
upload-refused-web_page = Ye file video nahi hai (web page lag rahi hai, shayad video wala page). Video khud bhejiye, ya video file ka seedha link.
upload-refused-text = Ye file video nahi hai (text lag rahi hai). Video khud bhejiye, file ya video ke roop mein.
upload-refused-photo_format = Ye photo HEIC format mein hai, jise main edit nahi kar sakta. Ise JPG ya PNG mein bhejiye (iPhone par: Settings → Camera → Formats → Most Compatible).
upload-refused-unsupported_format = { upload-unsupported }
upload-refused-truncated = Ye video adhoori hai: apne end se pehle ruk jaati hai (download ya copy beech mein kat gayi hogi). Poori file dobara bhejiye.
upload-refused-damaged = Ye file kharab hai, isliye main ise khol nahi pa raha. Video dobara bhejiye, file ya video ke roop mein.
upload-refused-no_streams = Is file mein na picture hai na awaaz, edit karne ko kuch nahi hai. Video khud bhejiye.
upload-refused-no_video = Is file mein picture nahi hai (sirf awaaz hai). Video khud bhejiye, ya awaaz chahiye to ise music ke roop mein bhejiye.
upload-refused-no_audio = Is file mein awaaz nahi hai. Awaaz wali music file bhejiye.
upload-refused-too_long = Ye video yahan edit karne ke liye bahut lambi hai. Iska chhota hissa kaat kar bhejiye.
upload-refused-frame_too_large = Is video ki picture itni badi hai ki main edit nahi kar sakta. Chhota version bhejiye, jaise 1080p.
upload-refused-too_heavy = Ye video yahan edit karne ke liye bahut bhaari hai (apni picture size ke hisaab se bahut lambi). Chhota ya halka version bhejiye.
upload-refused-unreadable = Is file ko padhne mein bahut zyada time lag raha hai (shayad kharab hai). Video dobara bhejiye, ya uska chhota version.
upload-unsupported = Is tarah ki file main edit nahi kar sakta. Video (mp4, mov, avi, webm, mkv), photo (jpg, png, gif, webp) ya music (mp3, wav, m4a, aac) bhejiye.
upload-backend_too_large = Ye file editor ke liye bahut badi hai. Ise chhota (trim) ya compress karke dobara bhejiye.
upload-how = Video message mein bhejiye (ya uska link), main upload kar doonga.
upload-done_more = Bataiye aur kya badalna hai.

## edit turns
turn-changed = Ho gaya. Ye badlaav hue:
    { $changes }
turn-no_change = Kaam poora hua, par timeline mein kuch nahi badla. Thoda saaf-saaf bataiye kya chahiye.
turn-timeout = Editor se bahut der tak koi jawab nahi aaya, isliye maine intezaar band kar diya. Kuch bhi do baar charge nahi hua. Dobara koshish ke liye "Phir se try" dabaiye.
turn-lost = Editor se connection toot gaya aur aapka edit timeline mein nahi dikha. Dobara bhejne ke liye "Phir se try" dabaiye.
turn-not_sent = Aapka edit editor tak nahi pahuncha, isliye na kuch badla na koi credit kata. Bhejne ke liye "Phir se try" dabaiye.
turn-failed = Is edit mein kuch gadbad ho gayi. Dobara koshish ke liye "Phir se try" dabaiye.
turn-need_video = Pehle ek video bhejiye, phir bataiye kya badalna hai.
change-added_track = { $kind } track joda{ $label } ({ $span })
change-removed_track = { $kind } track hataya{ $label }
change-shorter = { $seconds } sec chhota hua
change-longer = { $seconds } sec lamba hua
change-edited = { $kind } track badla

## export and delivery
export-nothing = Abhi export karne ke liye kuch nahi hai. Pehle video bhejiye.
export-failed = Render fail ho gaya. Dobara export ke liye "Phir se try" dabaiye.
export-timeout = Render kaafi der se aage nahi badha. Agar yeh poora ho gaya to video main phir bhi bhej dunga; ise dobara dekhne ke liye "Phir se try" dabaiye.
export-link = Aapka video taiyaar hai ({ $size_mb } MB). Ye yahan bhejne ke liye bahut bada hai, isliye neeche ke button se download kijiye.
delivery-caption = Aapka edit kiya hua video taiyaar hai 🎬
delivery-srt_caption = Aapke captions subtitle file (.srt) mein: kisi bhi editor mein jodiye ya video ke saath upload kijiye.
delivery-srt_too_large = Aapki subtitle file chat mein bhejne ke liye bahut badi hai: neeche diye button se download kijiye.
delivery-uncertain = Maine aapka video bhej diya, par chat app ne confirm nahi kiya ki woh pahuncha. Agar woh chat mein nahi hai, to neeche ke button se download kijiye. (Main ise dobara nahi bhejunga.)

## credits and account
credits-balance = Credits: { $available } baaki, { $frozen } use mein, total { $total }.
    Ek editing session mein lagbhag 50 credits lagte hain; export free hai.
credits-balance_free = Credits: { $available } baaki. Yeh editor self-hosted hai: edit aur export mein kuch nahi lagta.
credits-balance_priced = Credits: { $available } baaki, { $frozen } use mein, total { $total }.
    Yahan har edit mein { $cost } credits lagte hain; export free hai.
credits-out-anonymous = Aapke credits khatam ho gaye hain. Aur credits ke liye free mein register kijiye, aapka kaam aapke account se juda rahega:
credits-out-registered = Aapke credits khatam ho gaye hain. Editing jaari rakhne ke liye account top-up kijiye:
plan-required = Aapke plan mein export shaamil nahi hai. Export ke liye register kijiye ya plan upgrade kijiye.
session-reset = Editor mein ye project kho gaya, isliye maine naya shuru kiya hai: timeline reset ho gayi. Please apna video dobara bhejiye.
rate-limited = Editor abhi busy hai. Ek minute baad phir koshish kijiye.
error-generic = Meri taraf se kuch gadbad ho gayi. Please phir se koshish kijiye.

## status
status-empty = Abhi kuch upload nahi hua hai. Shuru karne ke liye video bhejiye.
status-header = Timeline ({ $count } track):
status-track = { $index }. { $kind }: { $label } ({ $span })
status-frame = Frame: { $width }×{ $height } ({ $ratio }), { $shape }
status-frame_plain = Frame: { $width }×{ $height }, { $shape }
status-face = Reframe: aapka chehra follow ho raha hai (chehra na dikhe to beech se crop)
status-auto = Reframe: chehra dikhe to use follow karta hai
status-zoom = Zoom: har doosre jump cut pe { $percent }% punch-in
status-zoom_emphasis = Zoom: zor wale shabdon pe { $percent }% punch-in
status-captions = Captions: lage hain
status-fillers = Fillers: { $count } kaate (um, uh…)
status-retakes = Kharab takes: { $count } pehle takes kaate, aakhri rakhe
status-voice_clean = Awaaz: saaf ki gayi (shor kam, awaaz ek jaisi)
shape-portrait = khada
shape-square = square
shape-landscape = aada

## input
input-empty = Kya karna hai, ye jaanne ke liye mujhe kuch shabd chahiye. Jaise likhiye: "silence hata do".
input-too_long = Ye message bahut lamba hai ({ $length } akshar). Instructions { $limit } akshar se chhote rakhiye.

## buttons
button-export = Export
button-timeline = Timeline
button-retry = Phir se try
button-edit_more = Aur edit karo
button-new_video = Naya video
button-open_web = Web editor mein kholo
button-register = Register karo
button-topup = Top-up karo
button-download = Download

## track kinds
kind-video = Video
kind-audio = Music
kind-title = Title
kind-other = Track

## command menu
command-start = Shuru karo aur dekho main kya kar sakta hoon
command-help = Mere saath video kaise edit karein
command-new = Naya project shuru karo
command-export = Edit kiya hua MP4 pao
command-credits = Aapka credit balance
command-status = Timeline dekho
command-language = Bhasha badlo

## gui
# Backend ka agent aise likhta hai jaise screen pe buttons hon; worker/guitext.py uski jagah ye baatein likhta hai.
gui-export_hint = Video paane ke liye "export" likhiye ya neeche Export button dabaiye.
gui-status_hint = Timeline dekhne ke liye "status" likhiye.
gui-edit_hint = Kya badalna hai, bas message mein likh dijiye.
gui-upload_hint = File yahin chat mein bhej dijiye.
gui-click_hint = Bas "{ $action }" likh kar bhej dijiye, baaki main kar doonga.

## groups, cancel and limits
group-by = { $name }: { $text }
group-not_admin = Ye sirf group admin kar sakte hain.
group-spend_admins_only = Is group mein sirf admin export kar sakte hain aur credits kharch kar sakte hain. Kisi admin se kahiye, ya admin /settings se ise badal sakte hain.
group-settings = Is group ke credits se kaun export aur edit kar sakta hai?
group-settings_saved = Save ho gaya: ab { $who } export kar sakte hain aur credits kharch kar sakte hain.
group-everyone = Sab log
group-admins = Sirf admin
limit-in_flight = Aapke { $count } kaam pehle se chal rahe hain. Kisi ek ke poora hone ka intezaar kijiye, ya /cancel kijiye.
cancel-done = Cancel kar diya ({ $count }).
cancel-nothing = Cancel karne ke liye aapka koi kaam nahi chal raha.
cancel-not_yours = Ise sirf wahi cancel kar sakte hain jinhone kaha tha, ya koi group admin.
button-cancel = Cancel
command-cancel = Jo kaam chal raha hai use roko
command-settings = Group settings (admin)
progress-done = Ho gaya ✅
change-settings = Video ka look ya settings badli

## confirming an unclear message (the router could not tell an action from an edit)
confirm-export = Abhi export karoon? Ya ye video mein koi badlaav hai?
confirm-credits = Kya aap apne credits dekhna chahte hain? Ya ye video mein koi badlaav hai?
confirm-status = Kya aap timeline dekhna chahte hain? Ya ye video mein koi badlaav hai?
confirm-upload = Kya aap naya video bhejna chahte hain? Ya ye video mein koi badlaav hai?
button-confirm_export = Export
button-confirm_credits = Credits
button-confirm_status = Timeline
button-confirm_upload = Video bhejo
button-its_edit = Ye edit hai
retry-how = Dobara try karne ke liye, jo message fail hua uske neeche "Phir se try" dabaiye.
retry-unavailable = Ise ab dobara nahi chala sakte: sirf wahi request, jo fail hui ho, ek baar dobara chalti hai.
retry-not_yours = Ise sirf wahi dobara chala sakte hain jinhone kaha tha, ya koi group admin.
confirm-not_yours = Iska jawab sirf wahi de sakte hain jinhone wo message likha tha, ya koi group admin.

## WhatsApp
upload-too_big_for_whatsapp = Yeh file WhatsApp ki { $limit_mb } MB ki limit se badi hai, isliye mujh tak nahi pahunch sakti. Iski jagah iska link bhej do (Google Drive, Dropbox ya koi bhi seedha https link).
delivery-caption_reencoded = Aapka edit kiya hua video ready hai 🎬 WhatsApp par video { $limit_mb } MB tak hi ja sakte hain, isliye maine ise thoda halka kar diya hai.
delivery-caption_document = Aapka edit kiya hua video ready hai 🎬 Yeh { $size_mb } MB ka hai, jo WhatsApp par video ki { $limit_mb } MB ki limit se zyada hai, isliye yeh file ki tarah aaya hai: download karke chalane ke liye is par tap karo.
whatsapp-link_line = { $label }: { $url }
whatsapp-options = Aage kya karein?
button-choose = Chuno
