# सेल्फ़-होस्टेड इंजन के जवाब (engine/words.py)। कुंजी `edit.music` यहाँ `edit-music` लिखी जाती है।

turn-no_video = पहले वीडियो भेजिए, फिर बताइए क्या बदलना है।
turn-help = मैं ये कर सकता हूँ: बीच के ठहराव (पॉज़) हटाना · कोई हिस्सा काटना या रखना («पहले 5 सेकंड काटो», «0:30-1:10 रखो») · लंबाई तय करना («60 सेकंड का बना दो») · बैकग्राउंड म्यूज़िक (लो-फ़ाई, अपबीट, शांत या «मेरा गाना लगाओ») · ट्रांज़िशन · टाइटल («टाइटल डालो: मेरा सफ़र») · फ़्रेम बदलना (रील 9:16, स्क्वेयर 1:1, यूट्यूब 16:9), चेहरा फ़ॉलो करना («चेहरा बीच में रखो») · कट पर ज़ूम («जंप कट पर ज़ूम करो») · स्पीड या आवाज़ बदलना · म्यूट · पिछला बदलाव वापस लेना।
turn-unknown = «{ $text }» — यह मैं समझ नहीं पाया। { turn-help }
turn-undo_alone = अभी सिर्फ़ पिछला बदलाव वापस लिया है। बाकी बदलाव एक नए मैसेज में दोबारा भेजिए।

edit-silences = { $count ->
    [one] 1 ठहराव हटाया, वीडियो { $seconds } सेकंड छोटा हो गया।
   *[other] { $count } ठहराव हटाए, वीडियो { $seconds } सेकंड छोटा हो गया।
  }
edit-silences_none = काटने लायक कोई लंबा ठहराव नहीं मिला।
edit-cut = { $start }–{ $end } सेकंड वाला हिस्सा काट दिया। अब वीडियो { $total } सेकंड का है।
edit-keep = सिर्फ़ { $start }–{ $end } सेकंड वाला हिस्सा रखा। अब वीडियो { $total } सेकंड का है।
edit-span_outside = यह हिस्सा वीडियो में है ही नहीं — पूरा वीडियो { $total } सेकंड का है।
edit-fit = वीडियो छोटा करके { $total } सेकंड का कर दिया।
edit-fit_already = वीडियो पहले से { $total } सेकंड का है, यानी { $target } सेकंड के अंदर ही।
edit-music = बैकग्राउंड म्यूज़िक { $name } लगा दिया, आवाज़ { $percent }% पर।
edit-music_own_missing = पहले अपना गाना ऑडियो फ़ाइल (mp3, m4a, wav) में भेजिए, फिर लिखिए «मेरा गाना लगाओ»।
edit-music_removed = बैकग्राउंड म्यूज़िक हटा दिया।
edit-music_none = हटाने के लिए कोई बैकग्राउंड म्यूज़िक है ही नहीं।
edit-transitions = { $count ->
    [one] 1 कट पर { $name } ट्रांज़िशन लगा दिया।
   *[other] { $count } कट पर { $name } ट्रांज़िशन लगा दिए।
  }
edit-transitions_none_fit = किसी भी कट के दोनों तरफ़ की क्लिप ट्रांज़िशन के लिए काफ़ी लंबी नहीं है।
edit-transitions_removed = ट्रांज़िशन हटा दिए, अब सीधे कट हैं।
edit-title = टाइटल «{ $text }» { $pos } लगा दिया, { $start } से { $end } सेकंड तक।
edit-title_replaced = टाइटल «{ $old }» की जगह «{ $text }» { $pos } लगा दिया, { $start } से { $end } सेकंड तक।
edit-title_glyphs = टाइटल «{ $text }» नहीं लगाया: मेरे फ़ॉन्ट ये अक्षर नहीं बना सकते: { $chars }। टाइटल सिर्फ़ देवनागरी में या सिर्फ़ रोमन अक्षरों में लिखिए।
edit-title_missing = टाइटल में क्या लिखना है? कोट्स में लिखिए, जैसे: टाइटल 'मेरा सफ़र'।
edit-aspect = फ़्रेम { $aspect } कर दिया, { $fit }।
edit-speed = स्पीड { $factor }x कर दी। अब वीडियो { $total } सेकंड का है।
edit-volume = आवाज़ { $percent }% कर दी।
edit-mute = वीडियो की अपनी आवाज़ बंद कर दी।
edit-unmute = वीडियो की अपनी आवाज़ वापस चालू कर दी।
edit-merge = { $count ->
    [one] अभी 1 ही क्लिप है। और क्लिप भेजिए, मैं उन्हें भेजे गए क्रम में जोड़ दूँगा।
   *[other] { $count } क्लिप भेजे गए क्रम में जोड़ दीं, कुल { $total } सेकंड।
  }
edit-undo = आपका पिछला बदलाव वापस ले रहा हूँ।

transition-fade = क्रॉसफ़ेड
transition-fadeblack = फ़ेड-टू-ब्लैक
transition-dissolve = डिज़ॉल्व
transition-wipeleft = वाइप
transition-slideleft = स्लाइड
transition-circleopen = सर्कल

music-lofi = लो-फ़ाई
music-upbeat = अपबीट
music-calm = शांत

position-top = ऊपर
position-center = फ़्रेम के बीच में
position-bottom = नीचे

aspect-9_16 = 9:16 (रील, शॉर्ट्स)
aspect-1_1 = 1:1 (स्क्वेयर पोस्ट)
aspect-16_9 = 16:9 (यूट्यूब)

fit-blur = बाकी जगह धुंधले बैकग्राउंड से भरी
fit-crop = फ़्रेम भरने के लिए क्रॉप किया
fit-face = आपका चेहरा फ़ॉलो करके (चेहरा न दिखे तो बीच से क्रॉप)
fit-auto = चेहरा दिखे तो उसे फ़ॉलो करके, वरना धुंधले बैकग्राउंड के ऊपर

edit-captions = कैप्शन लग गए: { $count } शब्द, { $style }, { $pos }।
edit-captions_changed = कैप्शन अब { $style }, { $pos }।
edit-captions_removed = कैप्शन हटा दिए।
edit-captions_none = अभी कोई कैप्शन नहीं है। पहले "कैप्शन लगाओ" लिखें।
edit-captions_no_speech = इस वीडियो में कैप्शन के लिए कोई बोली नहीं सुनाई दी।
edit-captions_failed = अभी इस वीडियो की आवाज़ सुन नहीं पाया। एक मिनट बाद फिर कोशिश करें।
edit-captions_unavailable = इस सर्वर पर कैप्शन उपलब्ध नहीं हैं।
edit-caption_fixed = कैप्शन में «{ $old }» अब «{ $new }» है ({ $count } जगह)।
edit-caption_fix_missing = कैप्शन में «{ $old }» कहीं नहीं है।
edit-srt = कैप्शन की .srt फ़ाइल यह रही: { $url }

caption_style-bold = मोटे अक्षर, बोला जा रहा शब्द हाइलाइट
caption_style-plain = सादे
caption_pos-bottom = नीचे (ऐप के बटनों से दूर)
caption_pos-top = ऊपर
caption_pos-middle = बीच में

edit-fillers = { $count } फ़िलर (अं, उम…) काटे, वीडियो { $seconds } सेकंड छोटा हो गया।
edit-fillers_none = काटने लायक कोई फ़िलर (अं, उम, मतलब…) नहीं मिला।

edit-retakes = दोबारा बोली गई लाइनों के { $count } पहले टेक काटे (आख़िरी टेक रखा), वीडियो { $seconds } सेकंड छोटा हो गया।
edit-retakes_none = कोई लाइन लगातार दो बार बोली नहीं मिली, इसलिए काटने को कोई ख़राब टेक नहीं था।

edit-voice_clean = आवाज़ साफ़ कर दी: पीछे का शोर कम, गड़गड़ाहट हटाई, आवाज़ एक-सी की।
edit-voice_raw = आवाज़ अब वैसी ही है जैसी रिकॉर्ड हुई थी, बिना सफ़ाई के।
edit-face = फ़्रेम { $aspect } कर दिया, आपका चेहरा फ़ॉलो होगा: क्रॉप उसे बीच में रखेगा (चेहरा न दिखे तो बीच से क्रॉप)।
edit-face_off = अब चेहरा फ़ॉलो नहीं करूँगा: बाकी शेप धुंधले बैकग्राउंड के ऊपर।
edit-face_none = मैं चेहरा फ़ॉलो नहीं कर रहा था।
edit-zoom = पंच-इन चालू: हर दूसरे जंप कट पर { $percent }% ज़ूम (अभी { $count }), ताकि कट न दिखे।
edit-zoom_later = { $percent }% पंच-इन चालू है: अभी कोई जंप कट नहीं है; कट बनते ही दिखेंगे (जैसे ठहराव हटाने के बाद)।
edit-zoom_off = पंच-इन ज़ूम हटा दिए।
edit-zoom_none = हटाने के लिए कोई पंच-इन ज़ूम नहीं है।
edit-zoom_emphasis = ज़ोर वाले शब्दों पर पंच-इन चालू: जिन शब्दों पर आप ज़ोर देते हैं वहाँ { $percent }% ज़ूम (अभी { $count }), कुछ सेकंड में एक से ज़्यादा नहीं।
edit-zoom_emphasis_none = मुझे कोई शब्द बाकी वाक्य से साफ़ ज़ोर से बोला हुआ नहीं सुनाई दिया, इसलिए पंच-इन की जगह नहीं मिली। जिन शब्दों पर ज़ोर चाहिए उन्हें थोड़ा ज़ोर से बोलें, या "जंप कट पर ज़ूम" कहें।
workspace-title = आपका प्रोजेक्ट
workspace-note = एडिटिंग चैट में होती है: बदलाव वहीं भेजिए। यह प्रोजेक्ट अभी जैसा है, वैसा है।
workspace-empty = अभी तक कुछ अपलोड नहीं हुआ।
workspace-expired = यह लिंक पुराना हो गया है या सही नहीं है। चैट में बॉट से नया लिंक लीजिए।
edit-nothing_to_undo = पूर्ववत करने को कुछ नहीं है: यह आपके वीडियो का पहला रूप है।
edit-undo_what = आपका पिछला बदलाव वापस लिया:
    { $changes }
edit-undo_removed = • हटाया: { $part }
edit-undo_restored = • वापस आया: { $part }

summary-video = { $clips ->
    [one] वीडियो: 1 क्लिप, 0–{ $end } सेकंड
   *[other] वीडियो: { $clips } क्लिप, 0–{ $end } सेकंड
  }
summary-video_named = वीडियो: { $name }, 0–{ $end } सेकंड
summary-music = बैकग्राउंड म्यूज़िक: { $name }, आवाज़ { $percent }%, { $start }–{ $end } सेकंड
summary-own_music = आपका गाना
summary-title = टाइटल "{ $text }", { $start }–{ $end } सेकंड
summary-captions = कैप्शन: { $style }, { $pos }
summary-frame = फ़्रेम: { $aspect }, { $fit }
summary-zoom = पंच-इन ज़ूम: हर दूसरे जंप कट पर { $percent }%
summary-zoom_emphasis = पंच-इन ज़ूम: ज़ोर वाले शब्दों पर { $percent }%
workspace-unreadable = इस प्रोजेक्ट की टाइमलाइन किसी दूसरे एडिटर में बनी है या खराब है, इसलिए यहाँ नहीं दिख सकती। चैट में आपके बदलाव पहले की तरह काम करते हैं।
