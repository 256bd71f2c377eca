# बॉट के संदेश हिंदी में। कोड में कुंजियाँ बिंदु वाली हैं (`upload.too_large`), यहाँ डैश वाली (`upload-too_large`)।

## start and help
start-greeting = नमस्ते { $name }! मैं आपके वीडियो एडिट करता हूँ। पहले वीडियो भेजिए ({ $limit_mb } MB तक), फिर बताइए क्या करना है, जैसे: "साइलेंस हटाओ, बैकग्राउंड म्यूज़िक डालो, ट्रांज़िशन लगाओ"। जब सब ठीक लगे तो "export" लिखिए, मैं एडिट किया हुआ MP4 भेज दूँगा।
help-text = ऐसे काम करता है:
    1. वीडियो भेजिए (एक या कई, या उसका लिंक)।
    2. बताइए क्या बदलना है, हिंदी, हिंग्लिश या अंग्रेज़ी में।
    3. फ़ाइनल MP4 के लिए "export" लिखिए।
    और भी: "status" से टाइमलाइन देखिए, "credits" से बैलेंस, /new से नया प्रोजेक्ट, /language से भाषा बदलिए।
session-new = नई शुरुआत! नया वीडियो भेजिए।
language-choose = मैं किस भाषा में बात करूँ?
language-set = ठीक है, अब से मैं हिंदी में बात करूँगा।

## acknowledgements and progress
ack-edit = समझ गया, काम शुरू कर रहा हूँ…
ack-upload = वीडियो मिल गया। एडिटर पर अपलोड कर रहा हूँ…
ack-export = आपका वीडियो एक्सपोर्ट हो रहा है…
ack-queued = समझ गया। पिछला काम पूरा होते ही इसे शुरू करूँगा।
turn-still_working = अभी भी आपके एडिट पर काम चल रहा है… (अब तक { $minutes } मिनट)
progress-rendering = वीडियो रेंडर हो रहा है… { $percent }%
progress-sent = भेज दिया ✅

## uploads
upload-done = "{ $name }" अपलोड हो गया ({ $duration } सेकंड)। अब बताइए क्या बदलना है।
upload-failed = यह फ़ाइल अपलोड नहीं हो पाई। कृपया दोबारा भेजिए।
upload-too_big_for_telegram = यह फ़ाइल { $size_mb } MB की है, पर मैं Telegram से सिर्फ़ { $limit_mb } MB तक की फ़ाइल डाउनलोड कर सकता हूँ। इसकी जगह लिंक भेज दीजिए (Google Drive, Dropbox या कोई भी सीधा https लिंक), या बॉट चलाने वाले 2000 MB तक की फ़ाइलों के लिए अपना Telegram Bot API सर्वर चला सकते हैं।
upload-refused = एडिटर इस फ़ाइल को इस्तेमाल नहीं कर सका: { $reason }
    { upload-unsupported }
upload-unsupported = इस तरह की फ़ाइल मैं एडिट नहीं कर सकता। वीडियो (mp4, mov, avi, webm, mkv), फ़ोटो (jpg, png, gif, webp) या म्यूज़िक (mp3, wav, m4a, aac) भेजिए।
upload-backend_too_large = यह फ़ाइल एडिटर के लिए बहुत बड़ी है। इसे छोटा (ट्रिम) या कंप्रेस करके दोबारा भेजिए।
upload-how = वीडियो मैसेज में भेजिए (या उसका लिंक), मैं अपलोड कर दूँगा।
upload-done_more = बताइए और क्या बदलना है।

## edit turns
turn-changed = हो गया। ये बदलाव हुए:
    { $changes }
turn-no_change = काम पूरा हुआ, पर टाइमलाइन में कुछ नहीं बदला। थोड़ा साफ़-साफ़ बताइए कि क्या चाहिए।
turn-timeout = एडिटर से बहुत देर तक कोई जवाब नहीं आया, इसलिए मैंने इंतज़ार बंद कर दिया। कुछ भी दो बार चार्ज नहीं हुआ। दोबारा कोशिश के लिए "फिर से कोशिश" दबाइए।
turn-lost = एडिटर से कनेक्शन टूट गया और आपका एडिट टाइमलाइन में नहीं दिखा। दोबारा भेजने के लिए "फिर से कोशिश" दबाइए।
turn-not_sent = आपका एडिट एडिटर तक नहीं पहुँचा, इसलिए न कुछ बदला न कोई क्रेडिट कटा। भेजने के लिए "फिर से कोशिश" दबाइए।
turn-failed = इस एडिट में कुछ गड़बड़ हो गई। दोबारा कोशिश के लिए "फिर से कोशिश" दबाइए।
turn-need_video = पहले एक वीडियो भेजिए, फिर बताइए क्या बदलना है।
change-added_track = { $kind } ट्रैक जोड़ा{ $label } ({ $span })
change-removed_track = { $kind } ट्रैक हटाया{ $label }
change-shorter = { $seconds } सेकंड छोटा हुआ
change-longer = { $seconds } सेकंड लंबा हुआ
change-edited = { $kind } ट्रैक बदला

## export and delivery
export-nothing = अभी एक्सपोर्ट करने के लिए कुछ नहीं है। पहले वीडियो भेजिए।
export-failed = रेंडर फ़ेल हो गया। दोबारा एक्सपोर्ट के लिए "फिर से कोशिश" दबाइए।
export-timeout = रेंडर काफ़ी देर से आगे नहीं बढ़ा। अगर यह पूरा हो गया तो वीडियो मैं फिर भी भेज दूँगा; इसे दोबारा देखने के लिए "फिर से कोशिश" दबाइए।
export-link = आपका वीडियो तैयार है ({ $size_mb } MB)। यह यहाँ भेजने के लिए बहुत बड़ा है, इसलिए नीचे के बटन से डाउनलोड कीजिए।
delivery-caption = आपका एडिट किया हुआ वीडियो तैयार है 🎬
delivery-uncertain = मैंने आपका वीडियो भेज दिया, पर चैट ऐप ने पुष्टि नहीं की कि वह पहुँचा। अगर वह चैट में नहीं है, तो नीचे के बटन से डाउनलोड कीजिए। (मैं इसे दोबारा नहीं भेजूँगा।)

## credits and account
credits-balance = क्रेडिट: { $available } बाक़ी, { $frozen } इस्तेमाल में, कुल { $total }।
    एक एडिटिंग सेशन में लगभग 50 क्रेडिट लगते हैं; एक्सपोर्ट मुफ़्त है।
credits-balance_free = क्रेडिट: { $available } बाक़ी। यह एडिटर आपका अपना (सेल्फ़-होस्टेड) है: एडिट और एक्सपोर्ट में कुछ नहीं लगता।
credits-balance_priced = क्रेडिट: { $available } बाक़ी, { $frozen } इस्तेमाल में, कुल { $total }।
    यहाँ हर एडिट में { $cost } क्रेडिट लगते हैं; एक्सपोर्ट मुफ़्त है।
credits-out-anonymous = आपके क्रेडिट ख़त्म हो गए हैं। और क्रेडिट पाने के लिए मुफ़्त में रजिस्टर कीजिए, आपका काम आपके अकाउंट से जुड़ा रहेगा:
credits-out-registered = आपके क्रेडिट ख़त्म हो गए हैं। एडिटिंग जारी रखने के लिए अकाउंट टॉप-अप कीजिए:
plan-required = आपके प्लान में एक्सपोर्ट शामिल नहीं है। एक्सपोर्ट के लिए रजिस्टर कीजिए या प्लान अपग्रेड कीजिए।
session-reset = एडिटर में यह प्रोजेक्ट खो गया, इसलिए मैंने नया शुरू किया है: टाइमलाइन रीसेट हो गई। कृपया अपना वीडियो दोबारा भेजिए।
rate-limited = एडिटर अभी व्यस्त है। एक मिनट बाद फिर कोशिश कीजिए।
error-generic = मेरी तरफ़ से कुछ गड़बड़ हो गई। कृपया फिर से कोशिश कीजिए।

## status
status-empty = अभी कुछ अपलोड नहीं हुआ है। शुरू करने के लिए वीडियो भेजिए।
status-header = टाइमलाइन ({ $count } ट्रैक):
status-track = { $index }. { $kind }: { $label } ({ $span })
status-frame = फ़्रेम: { $width }×{ $height } ({ $ratio }), { $shape }
status-frame_plain = फ़्रेम: { $width }×{ $height }, { $shape }
status-face = रीफ़्रेम: आपका चेहरा फ़ॉलो हो रहा है (चेहरा न दिखे तो बीच से क्रॉप)
status-auto = रीफ़्रेम: चेहरा दिखे तो उसे फ़ॉलो करता है
status-zoom = ज़ूम: हर दूसरे जंप कट पर { $percent }% पंच-इन
shape-portrait = खड़ा
shape-square = चौकोर
shape-landscape = आड़ा

## input
input-empty = क्या करना है, यह जानने के लिए मुझे कुछ शब्द चाहिए। जैसे लिखिए: "साइलेंस हटाओ"।
input-too_long = यह मैसेज बहुत लंबा है ({ $length } अक्षर)। निर्देश { $limit } अक्षरों से छोटे रखिए।

## buttons
button-export = एक्सपोर्ट
button-timeline = टाइमलाइन
button-retry = फिर से कोशिश
button-edit_more = और एडिट करें
button-new_video = नया वीडियो
button-open_web = वेब एडिटर में खोलें
button-register = रजिस्टर करें
button-topup = टॉप-अप करें
button-download = डाउनलोड

## track kinds
kind-video = वीडियो
kind-audio = म्यूज़िक
kind-title = टाइटल
kind-other = ट्रैक

## command menu
command-start = शुरू करें और देखें मैं क्या कर सकता हूँ
command-help = मेरे साथ वीडियो कैसे एडिट करें
command-new = नया प्रोजेक्ट शुरू करें
command-export = एडिट किया हुआ MP4 पाएँ
command-credits = आपका क्रेडिट बैलेंस
command-status = टाइमलाइन देखें
command-language = भाषा बदलें

## gui
# बैकएंड का एजेंट ऐसे लिखता है जैसे स्क्रीन पर बटन हों; worker/guitext.py उसकी जगह ये बातें लिखता है।
gui-export_hint = वीडियो पाने के लिए "export" लिखिए या नीचे एक्सपोर्ट बटन दबाइए।
gui-status_hint = टाइमलाइन देखने के लिए "status" लिखिए।
gui-edit_hint = क्या बदलना है, बस मैसेज में लिख दीजिए।
gui-upload_hint = फ़ाइल यहीं चैट में भेज दीजिए।
gui-click_hint = बस "{ $action }" लिखकर भेज दीजिए, बाकी मैं कर दूँगा।

## groups, cancel and limits
group-by = { $name }: { $text }
group-not_admin = यह सिर्फ़ ग्रुप एडमिन कर सकते हैं।
group-spend_admins_only = इस ग्रुप में सिर्फ़ एडमिन एक्सपोर्ट कर सकते हैं और क्रेडिट खर्च कर सकते हैं। किसी एडमिन से कहिए, या एडमिन /settings से इसे बदल सकते हैं।
group-settings = इस ग्रुप के क्रेडिट से कौन एक्सपोर्ट और एडिट कर सकता है?
group-settings_saved = सेव हो गया: अब { $who } एक्सपोर्ट कर सकते हैं और क्रेडिट खर्च कर सकते हैं।
group-everyone = सभी
group-admins = सिर्फ़ एडमिन
limit-in_flight = आपके { $count } काम पहले से चल रहे हैं। किसी एक के पूरा होने का इंतज़ार कीजिए, या /cancel कीजिए।
cancel-done = रद्द कर दिया ({ $count })।
cancel-nothing = रद्द करने के लिए आपका कोई काम नहीं चल रहा।
cancel-not_yours = इसे सिर्फ़ वही रद्द कर सकते हैं जिन्होंने कहा था, या कोई ग्रुप एडमिन।
retry-unavailable = इसे अब दोबारा नहीं चलाया जा सकता: सिर्फ़ वही अनुरोध, जो नाकाम हुआ हो, एक बार दोबारा चलता है।
retry-not_yours = इसे सिर्फ़ वही दोबारा चला सकते हैं जिन्होंने कहा था, या कोई ग्रुप एडमिन।
button-cancel = रद्द करें
upload-damaged = यह फ़ाइल खाली या ख़राब लग रही है, इसलिए मैं इसे खोल नहीं पा रहा। कृपया दोबारा भेजिए (वीडियो के रूप में)।
command-cancel = जो काम चल रहा है उसे रोकें
command-settings = ग्रुप सेटिंग्स (एडमिन)
progress-done = हो गया ✅
change-settings = वीडियो का लुक या सेटिंग्स बदलीं

## confirming an unclear message (the router could not tell an action from an edit)
confirm-export = अभी एक्सपोर्ट करूँ? या यह वीडियो में कोई बदलाव है?
confirm-credits = क्या आप अपने क्रेडिट देखना चाहते हैं? या यह वीडियो में कोई बदलाव है?
confirm-status = क्या आप टाइमलाइन देखना चाहते हैं? या यह वीडियो में कोई बदलाव है?
confirm-upload = क्या आप नया वीडियो भेजना चाहते हैं? या यह वीडियो में कोई बदलाव है?
button-confirm_export = एक्सपोर्ट
button-confirm_credits = क्रेडिट
button-confirm_status = टाइमलाइन
button-confirm_upload = वीडियो भेजें
button-its_edit = यह एडिट है
retry-how = दोबारा कोशिश के लिए, जो मैसेज फ़ेल हुआ उसके नीचे "फिर से कोशिश" दबाइए।
confirm-not_yours = इसका जवाब सिर्फ़ वही दे सकते हैं जिन्होंने वह मैसेज लिखा था, या कोई ग्रुप एडमिन।

## WhatsApp
upload-too_big_for_whatsapp = यह फ़ाइल WhatsApp की { $limit_mb } MB की सीमा से बड़ी है, इसलिए मुझ तक नहीं पहुँच सकती। इसकी जगह इसका लिंक भेज दीजिए (Google Drive, Dropbox या कोई भी सीधा https लिंक)।
delivery-caption_reencoded = आपका एडिट किया हुआ वीडियो तैयार है 🎬 WhatsApp पर वीडियो { $limit_mb } MB तक ही जा सकते हैं, इसलिए मैंने इसे थोड़ा हल्का कर दिया है।
delivery-caption_document = आपका एडिट किया हुआ वीडियो तैयार है 🎬 यह { $size_mb } MB का है, जो WhatsApp पर वीडियो की { $limit_mb } MB की सीमा से ज़्यादा है, इसलिए यह फ़ाइल के रूप में आया है: डाउनलोड करके चलाने के लिए इस पर टैप कीजिए।
whatsapp-link_line = { $label }: { $url }
whatsapp-options = आगे क्या करें?
button-choose = चुनिए
