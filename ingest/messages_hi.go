package ingest

// hindiMessages word the refusals of public intake (hotspot reports and
// trafficking tips) in Hindi, by "field:code" or, failing that, by code.
// Package ingest makes its errors in English; package api answers with these
// when the request asks for Hindi (?lang=hi, Accept-Language: hi). They are
// the one wording of these refusals: Vikalp's web app shows the server's
// message as it comes (web/src/intake.ts).
var hindiMessages = map[string]string{
	"location_required":     "बताएँ कि जगह कहाँ है: नक्शे पर पिन लगाएँ, अपनी जगह का उपयोग करें, या ऐसी फ़ोटो जोड़ें जिसमें उसकी जगह दर्ज हो।",
	"partial_location":      "बताएँ कि जगह कहाँ है: अक्षांश और देशांतर दोनों दें, या कोई नहीं।",
	"outside_up":            "यह जगह उत्तर प्रदेश के बाहर है। कृपया पिन खिसकाएँ।",
	"out_of_range":          "यह जगह उत्तर प्रदेश के बाहर है। कृपया पिन खिसकाएँ।",
	"photo_count":           "1 से 3 फ़ोटो जोड़ें (सूचना के लिए 5 तक)।",
	"photo_empty":           "एक फ़ोटो का उपयोग नहीं हो सका। जेपीईजी, पीएनजी या वेबपी फ़ोटो भेजें।",
	"photo_type":            "एक फ़ोटो का उपयोग नहीं हो सका। जेपीईजी, पीएनजी या वेबपी फ़ोटो भेजें।",
	"photo_corrupt":         "एक फ़ोटो का उपयोग नहीं हो सका। जेपीईजी, पीएनजी या वेबपी फ़ोटो भेजें।",
	"photo_too_large":       "एक फ़ोटो बहुत बड़ी है। कृपया छोटी फ़ोटो चुनें।",
	"photo_too_many_pixels": "एक फ़ोटो बहुत बड़ी है। कृपया छोटी फ़ोटो चुनें।",
	"upload_too_large":      "एक फ़ोटो बहुत बड़ी है। कृपया छोटी फ़ोटो चुनें।",
	"too_long":              "कुछ लिखा हुआ बहुत लंबा है। कृपया छोटा करें।",
	"too_many":              "बहुत अधिक प्रविष्टियाँ हैं। कृपया कुछ हटाएँ।",
	"place_count":           "कम से कम एक जगह जोड़ें (अधिकतम 10)।",
	"contact_required":      "संपर्क के लिए, आप तक पहुँचने का कम से कम एक तरीका दें।",
	"unknown_category":      "चुनें कि यह किस तरह की जगह है।",
	"category:required":     "चुनें कि यह किस तरह की जगह है।",
	"text:required":         "कृपया लिखें कि क्या हुआ।",
	"bad_time":              "समय पिछले एक वर्ष के भीतर होना चाहिए, भविष्य का नहीं।",
	"phone_invalid":         "मोबाइल नंबर 10 अंकों का होना चाहिए और 6, 7, 8 या 9 से शुरू होना चाहिए।",
	"unknown_attribute":     "यह प्रश्न इस श्रेणी का नहीं है।",
	"bad_code":              "इस कोड में टाइपिंग की गलती है; कृपया इसे जांचें।",
}

// HindiMessage returns the Hindi wording of an intake refusal with code on
// field, if there is one.
func HindiMessage(field, code string) (string, bool) {
	if m, ok := hindiMessages[field+":"+code]; ok {
		return m, true
	}
	m, ok := hindiMessages[code]
	return m, ok
}
