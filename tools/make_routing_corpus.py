"""Generate the templated part of the routing corpus: bot/data/corpus/routing_generated.tsv.

Run from the project root: `python -m tools.make_routing_corpus`. Templates × vocabularies × typing noise,
with a fixed seed, so the file changes only when this script does. Each row has the route (export, credits,
status, upload, edit) and the writing style (en, hi = Devanagari, hi-Latn = romanized Hinglish). The edits
deliberately contain route words ("export ke pehle music add karo", "remove the part where I say
download", "make the export 9:16"), because those are the messages a keyword router gets wrong. The
hand-written rows live in routing_handwritten.tsv; the held-out set (tests/data/routing_heldout.tsv) is
written by hand too and never generated or trained on.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bot" / "data" / "corpus" / "routing_generated.tsv"
# Variants per template: more for templates with more slots, which have more ways to be filled.
PER_SLOT = 4
MAX_VARIANTS = 14

# Slots shared by templates: {x} picks one entry of VOCAB[x].
VOCAB: dict[str, list[str]] = {
    # English
    "video": ["video", "vid", "edit", "clip", "reel", "final video", "edited video", "final cut", "mp4",
              "short", "vlog", "output", "file", "final file", "project"],
    "pls": ["", "", "please", "pls", "plz", "now", "asap", "bro", "thanks", "thx"],
    "lead": ["", "", "", "ok ", "okay ", "great, ", "perfect. ", "cool ", "nice! ", "alright ", "hey ",
             "looks good, ", "done. ", "that's it, ", "awesome ", "hmm ", "so "],
    "thing": ["music", "background music", "the song", "subtitles", "captions", "a title", "my logo",
              "transitions", "a fade", "an intro", "an outro", "a watermark", "sound effects", "a filter",
              "text", "emojis", "a sticker", "zoom effects", "b-roll", "the beat drop", "a countdown",
              "slow motion", "a voiceover", "stickers", "a border", "a lower third"],
    "verb": ["add", "put", "insert", "remove", "delete", "cut", "trim", "change", "fix", "replace", "move",
             "drop", "mute", "blur", "speed up", "slow down", "crop", "boost", "lower", "increase"],
    "part": ["the first 5 seconds", "the last 10 sec", "the intro", "the ending", "the middle part",
             "0:10 to 0:20", "the silent parts", "the pauses", "where I cough", "the boring part",
             "the part where I stumble", "the bit at 1:05", "the last clip", "the second clip", "the awkward pause",
             "the first clip", "the outro", "every 'umm'"],
    "route_word": ["download", "export", "status", "credits", "upload", "render", "send", "price",
                   "balance", "progress", "timeline", "free"],
    "ratio": ["9:16", "16:9", "1:1", "4:5", "vertical", "square", "portrait", "landscape", "reel size",
              "shorts format"],
    "platform": ["instagram", "insta", "youtube", "yt shorts", "tiktok", "whatsapp status", "facebook",
                 "reels", "moj", "josh"],
    "song": ["Kesariya", "Tum Hi Ho", "lofi beats", "something upbeat", "a calm track", "Believer",
             "a bollywood song", "Chaiyya Chaiyya", "some chill music"],
    "secs": ["5", "10", "15", "30", "45", "60", "90", "3", "2"],
    "color": ["yellow", "red", "white", "black", "blue", "pink", "gold"],
    # Hinglish (Roman)
    "hvideo": ["video", "vdo", "reel", "clip", "edit", "final video", "mp4", "vlog", "wala video",
               "final wala", "edited video", "output", "file", "project"],
    "hpls": ["", "", "please", "plz", "pls", "bhai", "yaar", "jaldi", "abhi", "na", "bro", "ji"],
    "hlead": ["", "", "", "acha ", "accha ", "thik hai ", "theek hai ", "ok ", "haan ", "bas ", "chalo ",
              "badhiya, ", "sahi hai ", "hanji ", "arre ", "bhai ", "ab "],
    "hthing": ["music", "background music", "gaana", "song", "subtitle", "caption", "title", "logo",
               "transition", "fade", "intro", "outro", "watermark", "effect", "filter", "text", "emoji",
               "sticker", "zoom", "slow motion", "voiceover", "border", "awaaz", "beat"],
    "hverb": ["laga do", "lagao", "lagwao", "daal do", "daalo", "dalo", "hata do", "hatao", "hatwa do",
              "add karo", "add kar do", "remove karo", "delete kar do", "kaat do", "kaato", "badal do",
              "change karo", "thik karo", "theek kar do", "jod do", "bajao", "chalao", "set karo",
              "kam karo", "badhao", "fit karo", "replace kar do", "daaldo", "laga dena", "hata dena"],
    "hpart": ["pehle 5 second", "last ke 10 sec", "shuru wala part", "end wala part", "beech ka hissa",
              "0:10 se 0:20 tak", "jaha main chup hoon", "pauses", "silence", "jaha main khaansta hoon",
              "boring part", "last clip", "dusra clip", "starting ke 3 sec", "ending", "umm wale parts"],
    "hroute_word": ["download", "export", "status", "credits", "upload", "render", "bhejo", "paise",
                    "balance", "timeline", "free"],
    # Devanagari
    "dvideo": ["वीडियो", "रील", "क्लिप", "फ़ाइनल वीडियो", "फाइनल वीडियो", "एडिट", "वीडियो फ़ाइल", "प्रोजेक्ट"],
    "dpls": ["", "", "कृपया", "प्लीज़", "जल्दी", "अभी", "भाई", "जी"],
    "dlead": ["", "", "ठीक है ", "अच्छा ", "बस ", "हाँ ", "चलो ", "बढ़िया, ", "अब "],
    "dthing": ["म्यूज़िक", "बैकग्राउंड म्यूज़िक", "गाना", "सबटाइटल", "कैप्शन", "टाइटल", "लोगो", "ट्रांज़िशन",
               "फ़ेड", "इंट्रो", "आउट्रो", "वॉटरमार्क", "इफ़ेक्ट", "फ़िल्टर", "टेक्स्ट", "स्टिकर", "आवाज़", "संगीत"],
    "dverb": ["लगाओ", "लगा दो", "डालो", "डाल दो", "हटाओ", "हटा दो", "जोड़ो", "जोड़ दो", "बदलो", "बदल दो",
              "काटो", "काट दो", "कम करो", "बढ़ाओ", "ठीक करो", "बजाओ", "सेट करो"],
    "dpart": ["पहले 5 सेकंड", "आख़िरी 10 सेकंड", "शुरू का हिस्सा", "आख़िर का हिस्सा", "बीच का हिस्सा",
              "चुप वाले हिस्से", "ठहराव", "खाँसी वाला हिस्सा", "आख़िरी क्लिप", "दूसरी क्लिप"],
    "droute_word": ["डाउनलोड", "एक्सपोर्ट", "स्टेटस", "क्रेडिट", "अपलोड", "रेंडर", "भेजो", "पैसे", "टाइमलाइन"],
}

TEMPLATES: dict[tuple[str, str], list[str]] = {
    ("export", "en"): [
        "{lead}export {pls}", "{lead}export the {video} {pls}", "{lead}send me the {video} {pls}",
        "{lead}give me the {video}", "{lead}i want the {video} now", "{lead}can i get the {video}?",
        "{lead}render it {pls}", "{lead}download {pls}", "{lead}i'm done, send it over",
        "{lead}finalize it", "{lead}that's all, export", "{lead}let me download the {video}",
        "{lead}share the {video} with me", "{lead}send it here {pls}", "{lead}where can i download it? send it",
        "{lead}ready to post, give me the {video}", "{lead}make the final {video} {pls}",
        "{lead}i need the {video} for {platform}, send it", "{lead}wrap it up and send",
        "{lead}finish it and send me the mp4", "{lead}export in 1080p", "{lead}send the final version",
        "{lead}can you send the {video} now?", "{lead}ship it", "{lead}deliver the {video} {pls}",
        "{lead}all good, export it", "{lead}give me the file", "{lead}i'd like to download my {video}",
        "{lead}send over the {video}", "{lead}just export what we have", "{lead}export it as is",
        "{lead}no more changes, send it", "{lead}happy with it, export", "{lead}save and send me the {video}",
    ],
    ("export", "hi-Latn"): [
        "{hlead}export kar do {hpls}", "{hlead}export karo", "{hlead}{hvideo} bhej do {hpls}",
        "{hlead}{hvideo} bhejo", "{hlead}{hvideo} de do", "{hlead}mujhe {hvideo} chahiye ab",
        "{hlead}final kar do {hpls}", "{hlead}bas itna hi, final kar do", "{hlead}download karna hai",
        "{hlead}{hvideo} bhej dena", "{hlead}render kar do", "{hlead}ho gaya, ab bhej do",
        "{hlead}ab {hvideo} do {hpls}", "{hlead}{hvideo} send karo", "{hlead}mp4 bhej dena",
        "{hlead}final wala bhejo", "{hlead}{hvideo} download karke do", "{hlead}ab export kardo",
        "{hlead}bhai {hvideo} de do jaldi", "{hlead}post karna hai, {hvideo} bhejo", "{hlead}isko export karo",
        "{hlead}aur kuch nahi, bhej do", "{hlead}sab sahi hai, final bhejo", "{hlead}{hvideo} ready karke bhejo",
        "{hlead}ab {hvideo} nikaal do", "{hlead}{hvideo} mujhe bhej do {hpls}", "{hlead}export krdo",
        "{hlead}save karke bhej do", "{hlead}jaisa hai waisa export kar do", "{hlead}final output do",
    ],
    ("export", "hi"): [
        "{dlead}एक्सपोर्ट करो {dpls}", "{dlead}एक्सपोर्ट कर दो", "{dlead}{dvideo} भेज दो {dpls}",
        "{dlead}{dvideo} भेजो", "{dlead}{dvideo} दे दो", "{dlead}मुझे {dvideo} चाहिए", "{dlead}फ़ाइनल कर दो",
        "{dlead}बस इतना ही, फाइनल कर दो", "{dlead}डाउनलोड करना है", "{dlead}रेंडर कर दो",
        "{dlead}हो गया, अब भेज दो", "{dlead}अब {dvideo} दो", "{dlead}{dvideo} भेज दीजिए {dpls}",
        "{dlead}सब ठीक है, भेज दो", "{dlead}पोस्ट करना है, {dvideo} भेजो", "{dlead}इसे एक्सपोर्ट करो",
    ],
    ("credits", "en"): [
        "{lead}how many credits do i have", "{lead}credits {pls}", "{lead}check my balance",
        "{lead}what's my balance?", "{lead}how much does it cost?", "{lead}is it free?", "{lead}is this free",
        "{lead}how much do you charge", "{lead}what's the price", "{lead}do i need to pay?",
        "{lead}how many edits can i still do", "{lead}how many credits left", "{lead}credits left?",
        "{lead}how do i top up", "{lead}recharge my account", "{lead}am i out of credits?",
        "{lead}how much is one {video}", "{lead}what does an export cost", "{lead}pricing?",
        "{lead}is there a free plan", "{lead}how much money do i have left", "{lead}do edits cost money",
        "{lead}can i buy more credits", "{lead}how many free edits do i get", "{lead}what are the plans",
        "{lead}show my credits", "{lead}remaining credits?", "{lead}is it paid?", "{lead}any charges?",
    ],
    ("credits", "hi-Latn"): [
        "{hlead}kitne credits bache hai", "{hlead}credit kitna hai", "{hlead}balance batao",
        "{hlead}kitne rupay lagte hain", "{hlead}kitne paise lagenge", "{hlead}free hai kya?",
        "{hlead}ye free hai?", "{hlead}paisa lagta hai kya", "{hlead}kitna charge hai",
        "{hlead}mera balance kitna hai", "{hlead}recharge kaise kare", "{hlead}credits khatam ho gaye kya",
        "{hlead}kitna kharcha hoga", "{hlead}ek {hvideo} ka kitna lagega", "{hlead}paise dene padenge kya",
        "{hlead}aur credits kaise milenge", "{hlead}kitne edit aur kar sakta hu", "{hlead}top up kaise hota hai",
        "{hlead}muft hai kya", "{hlead}price kya hai", "{hlead}kitne credit hai mere paas",
        "{hlead}paisa kitna katega", "{hlead}kitna bacha hai balance", "{hlead}plan kitne ka hai",
    ],
    ("credits", "hi"): [
        "{dlead}कितने क्रेडिट बचे हैं", "{dlead}बैलेंस बताओ", "{dlead}कितने पैसे लगेंगे", "{dlead}क्या ये मुफ़्त है?",
        "{dlead}कितना खर्च होगा", "{dlead}मेरा बैलेंस कितना है", "{dlead}रिचार्ज कैसे करें", "{dlead}क्रेडिट खत्म हो गए क्या",
        "{dlead}कितने रुपये लगते हैं", "{dlead}पैसे देने पड़ेंगे क्या", "{dlead}कितना चार्ज है", "{dlead}फ्री है क्या",
    ],
    ("status", "en"): [
        "{lead}status", "{lead}status {pls}", "{lead}what's the status", "{lead}any update?",
        "{lead}is it done?", "{lead}is my {video} ready?", "{lead}how long will it take", "{lead}progress?",
        "{lead}what's on the timeline right now", "{lead}show me the timeline", "{lead}what have you done so far",
        "{lead}where is my {video}", "{lead}still working?", "{lead}how much longer", "{lead}are you done yet",
        "{lead}what's happening with my {video}", "{lead}what did you change so far", "{lead}show the tracks",
        "{lead}what tracks are there", "{lead}is the export finished", "{lead}eta?", "{lead}how far along is it",
        "{lead}anything yet?", "{lead}what's in my project", "{lead}what does the edit look like now",
        "{lead}did it work?", "{lead}is it processing", "{lead}hello? any news", "{lead}how's it going",
        "{lead}what's taking so long", "{lead}list the clips in my project",
    ],
    ("status", "hi-Latn"): [
        "{hlead}kya hua mere {hvideo} ka?", "{hlead}status kya hai", "{hlead}status batao",
        "{hlead}kitna time lagega", "{hlead}kab tak hoga", "{hlead}ho gaya kya?", "{hlead}hua kya",
        "{hlead}kab milega {hvideo}", "{hlead}abhi kitna baaki hai", "{hlead}timeline dikhao",
        "{hlead}ab tak kya kiya", "{hlead}{hvideo} ready hua kya", "{hlead}kaha tak pahuncha",
        "{hlead}kitni der aur", "{hlead}abhi tak nahi hua?", "{hlead}kuch update?", "{hlead}kya chal raha hai",
        "{hlead}{hvideo} kaha hai", "{hlead}kitna hua", "{hlead}tracks dikhao", "{hlead}kya kya add hua hai",
        "{hlead}ban gaya kya", "{hlead}processing ho rahi hai kya", "{hlead}kab tak bhejoge",
        "{hlead}itna time kyu lag raha", "{hlead}project me abhi kya hai",
    ],
    ("status", "hi"): [
        "{dlead}क्या हुआ मेरे {dvideo} का?", "{dlead}स्टेटस बताओ", "{dlead}कितना समय लगेगा", "{dlead}कब तक होगा",
        "{dlead}हो गया क्या?", "{dlead}अभी कितना बाकी है", "{dlead}टाइमलाइन दिखाओ", "{dlead}अब तक क्या किया",
        "{dlead}{dvideo} तैयार हुआ क्या", "{dlead}कितनी देर और", "{dlead}कब मिलेगा", "{dlead}कुछ अपडेट?",
        "{dlead}अभी क्या चल रहा है",
    ],
    ("upload", "en"): [
        "{lead}how do I send you my clips?", "{lead}how do i upload", "{lead}where do i upload the {video}",
        "{lead}can i send a video?", "{lead}i want to upload a new {video}", "{lead}how to send footage",
        "{lead}i have another clip to add, how do i send it", "{lead}can i upload from google drive",
        "{lead}uploading a file", "{lead}let me upload my {video}", "{lead}how do i give you my video",
        "{lead}i'll send the clip now", "{lead}sending the raw footage", "{lead}how can i share my clips with you",
        "{lead}can i send a link instead", "{lead}where do i put my files", "{lead}upload",
    ],
    ("upload", "hi-Latn"): [
        "{hlead}naya video dalna hai", "{hlead}video kaise bheju", "{hlead}upload kaise kare",
        "{hlead}clip kaha bhejna hai", "{hlead}mera video kaise doon", "{hlead}ek aur clip bhejna hai",
        "{hlead}drive link bhej sakta hu kya", "{hlead}upload karna hai", "{hlead}video bhejna hai",
        "{hlead}file kaise share karu", "{hlead}raw footage bhej raha hu", "{hlead}main clip bhejta hu abhi",
        "{hlead}naya clip dalna hai kaise", "{hlead}video upload karna hai",
    ],
    ("upload", "hi"): [
        "{dlead}नया वीडियो डालना है", "{dlead}वीडियो कैसे भेजूँ", "{dlead}अपलोड कैसे करें", "{dlead}क्लिप कहाँ भेजनी है",
        "{dlead}एक और क्लिप भेजनी है", "{dlead}वीडियो अपलोड करना है", "{dlead}फ़ाइल कैसे भेजूँ",
    ],
    ("edit", "en"): [
        "{verb} {thing} {pls}", "{lead}{verb} {thing}", "{lead}{verb} {part}", "{lead}cut {part}",
        "{lead}remove {part}", "{lead}add {thing} at the start", "{lead}add {thing} at the end",
        "{lead}make it {ratio}", "{lead}make it {secs} seconds", "{lead}make the export {ratio}",
        "{lead}before you export, add {thing}", "{lead}add {thing} before the export",
        "{lead}remove the part where i say {route_word}", "{lead}cut the bit where i say {route_word}",
        "{lead}add a {route_word} button animation", "{lead}put the word '{route_word}' on screen",
        "{lead}add text saying {route_word} now", "{lead}add end credits", "{lead}make the credits roll at the end",
        "{lead}add a progress bar", "{lead}add a subscribe and {route_word} reminder",
        "{lead}use {song} as background music", "{lead}play {song}", "{lead}make the text {color}",
        "{lead}speed it up to 1.5x", "{lead}make it shorter for {platform}", "{lead}fit it to {secs} sec",
        "{lead}don't export yet, {verb} {thing}", "{lead}not yet, first {verb} {thing}",
        "{lead}the music is too loud", "{lead}my voice is too low", "{lead}the intro is boring, trim it",
        "{lead}make it look cinematic", "{lead}add subtitles in hindi", "{lead}translate the captions",
        "{lead}add a title 'my trip'", "{lead}title: {song}", "{lead}zoom in on my face at 0:12",
        "{lead}make the {video} {ratio} for {platform}", "{lead}blur the background", "{lead}mute the first clip",
        "{lead}add transitions between the clips", "{lead}remove the silences", "{lead}trim the pauses",
        "{lead}the export should be {ratio}", "{lead}change the status text to {color}",
        "{lead}make the video about {secs} seconds long", "{lead}i want {thing} in the {video}",
        "{lead}can you {verb} {thing}?", "{lead}could you {verb} {part}?", "{lead}please {verb} {part}",
        "{lead}{thing} is off, fix it", "{lead}undo that", "{lead}undo the last change", "{lead}go back",
        "{lead}make it pop", "{lead}make it more energetic", "{lead}add captions like mrbeast",
        "{lead}put my logo top right", "{lead}reverse the last clip", "{lead}loop the intro twice",
        "{lead}lower the music when i talk", "{lead}add a thumbnail frame", "{lead}rotate it",
        "{lead}show my instagram handle at the end", "{lead}add a 'download the app' text at the end",
        "{lead}remove background noise", "{lead}the {video} should start with the drone shot",
        "{lead}use the upload from yesterday as intro", "{lead}swap the first and second clip",
    ],
    ("edit", "hi-Latn"): [
        "{hthing} {hverb} {hpls}", "{hlead}{hthing} {hverb}", "{hlead}{hpart} {hverb}", "{hlead}{hpart} kaat do",
        "{hlead}{hpart} hata do", "{hlead}shuru me {hthing} {hverb}", "{hlead}end me {hthing} {hverb}",
        "{hlead}{ratio} kar do", "{hlead}{secs} second ka bana do", "{hlead}export ke pehle {hthing} add karo",
        "{hlead}export se pehle {hthing} {hverb}", "{hlead}jaha main {hroute_word} bolta hu wo part hata do",
        "{hlead}{hroute_word} wala part kaat do", "{hlead}{hroute_word} ka button animation lagao",
        "{hlead}screen pe '{hroute_word}' likh do", "{hlead}end me credits daal do", "{hlead}progress bar lagao",
        "{hlead}{song} background me bajao", "{hlead}song bajao", "{hlead}subtitle lagwao", "{hlead}hatwa do ye part",
        "{hlead}text {color} kar do", "{hlead}speed thodi badha do", "{hlead}{platform} ke liye chhota kar do",
        "{hlead}abhi export mat karo, pehle {hthing} {hverb}", "{hlead}ruko mat, {hthing} {hverb}",
        "{hlead}music bahut loud hai", "{hlead}meri awaaz kam aa rahi hai", "{hlead}intro boring hai, chhota karo",
        "{hlead}cinematic bana do", "{hlead}hindi me subtitle chahiye", "{hlead}title daalo 'mera safar'",
        "{hlead}0:12 pe face pe zoom karo", "{hlead}{platform} ke liye {ratio} bana do", "{hlead}background blur karo",
        "{hlead}pehla clip mute kar do", "{hlead}clips ke beech transition lagao", "{hlead}silence hata do",
        "{hlead}pauses nikaal do", "{hlead}export {ratio} me hona chahiye", "{hlead}music add karo at the start",
        "{hlead}add music at the start karo", "{hlead}{hthing} chahiye {hvideo} me", "{hlead}kya tum {hthing} {hverb} sakte ho?",
        "{hlead}{hthing} sahi nahi hai, thik karo", "{hlead}undo karo", "{hlead}pichla change hatao",
        "{hlead}wapas pehle jaisa karo", "{hlead}thoda energetic bana do", "{hlead}logo upar right me lagao",
        "{hlead}last clip ulta chala do", "{hlead}jab main bolu tab music dheema karo", "{hlead}ghuma do video",
        "{hlead}end me mera insta handle dikhao", "{hlead}noise hata do", "{hlead}pehla aur dusra clip swap karo",
        "{hlead}isme koi accha sa gaana daal do", "{hlead}{hthing} thoda {color} karo", "{hlead}video ko {secs} sec ka karo",
        "{hlead}mera naam intro me likho", "{hlead}free wala music lagao", "{hlead}status wala text bada karo",
    ],
    ("edit", "hi"): [
        "{dthing} {dverb} {dpls}", "{dlead}{dthing} {dverb}", "{dlead}{dpart} {dverb}", "{dlead}{dpart} काट दो",
        "{dlead}{dpart} हटा दो", "{dlead}शुरू में {dthing} {dverb}", "{dlead}आख़िर में {dthing} {dverb}",
        "{dlead}{ratio} कर दो", "{dlead}{secs} सेकंड का बना दो", "{dlead}एक्सपोर्ट से पहले {dthing} {dverb}",
        "{dlead}जहाँ मैं {droute_word} बोलता हूँ वो हिस्सा हटा दो", "{dlead}{droute_word} वाला हिस्सा काट दो",
        "{dlead}{droute_word} का बटन एनीमेशन लगाओ", "{dlead}स्क्रीन पर '{droute_word}' लिख दो", "{dlead}आख़िर में क्रेडिट डालो",
        "{dlead}अभी एक्सपोर्ट मत करो, पहले {dthing} {dverb}", "{dlead}म्यूज़िक बहुत तेज़ है", "{dlead}मेरी आवाज़ कम है",
        "{dlead}हिंदी में सबटाइटल चाहिए", "{dlead}टाइटल डालो 'मेरा सफ़र'", "{dlead}साइलेंस हटाओ", "{dlead}ठहराव हटा दो",
        "{dlead}बैकग्राउंड धुंधला करो", "{dlead}पहली क्लिप म्यूट करो", "{dlead}क्लिप के बीच ट्रांज़िशन लगाओ",
        "{dlead}{dthing} ठीक नहीं है, सुधारो", "{dlead}पिछला बदलाव वापस लो", "{dlead}वीडियो को {secs} सेकंड का करो",
        "{dlead}एक्सपोर्ट {ratio} में होना चाहिए", "{dlead}स्टेटस वाला टेक्स्ट बड़ा करो",
    ],
}

# Keyboard neighbours for typos (QWERTY, lowercase letters only).
_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_NEAR = {
    c: "".join(r[j] for j in (i - 1, i + 1) if 0 <= j < len(r)) for r in _ROWS for i, c in enumerate(r)
}
_SLOT = re.compile(r"\{(\w+)\}")
_ENDINGS = ["", "", "", "", "?", "!", ".", "!!", " 🙏", " 👍", " 😊", "??", " 🔥"]


def _fill(template: str, rng: random.Random) -> str:
    return _SLOT.sub(lambda m: rng.choice(VOCAB[m.group(1)]), template)


def _typo(word: str, rng: random.Random) -> str:
    """One slip of the thumb in a Latin word: a neighbour key, a dropped, doubled or swapped letter."""
    if len(word) < 4 or not word.isascii() or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0 and word[i] in _NEAR:
        return word[:i] + rng.choice(_NEAR[word[i]]) + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _noise(text: str, rng: random.Random) -> str:
    """How people type: case, missing punctuation, a typo or two, an emoji or a doubled '?'."""
    words = text.split()
    words = [_typo(w, rng) if rng.random() < 0.08 else w for w in words]
    text = " ".join(words)
    roll = rng.random()
    if roll < 0.15:
        text = text.capitalize()
    elif roll < 0.2:
        text = text.upper()
    if rng.random() < 0.5:
        text = text.rstrip("?.!")
    return (text + rng.choice(_ENDINGS)).strip()


def generate(seed: int = 12) -> list[tuple[str, str, str]]:
    """(route, style, text) rows, unique texts, in a stable order."""
    rng = random.Random(seed)
    seen: set[str] = set()
    rows: list[tuple[str, str, str]] = []
    for (route, style), templates in TEMPLATES.items():
        for template in templates:
            for _ in range(min(MAX_VARIANTS, PER_SLOT * (1 + len(_SLOT.findall(template))))):
                text = _noise(" ".join(_fill(template, rng).split()), rng)
                if text.lower() not in seen:
                    seen.add(text.lower())
                    rows.append((route, style, text))
    return rows


def main() -> None:
    """Write the generated file."""
    rows = generate()
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        handle.write("# Generated by tools/make_routing_corpus.py: do not edit by hand.\n")
        handle.write("route\tstyle\ttext\n")
        for route, style, text in rows:
            handle.write(f"{route}\t{style}\t{text}\n")
    print(f"{len(rows)} rows → {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
