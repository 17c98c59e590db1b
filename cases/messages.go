package cases

import "github.com/vikalp/vikalp"

// Stable codes of user-facing errors. They reach clients as the "code" of an
// error response, so they never change once released.
const (
	CodeUnknownCategory       = "unknown_category"
	CodeDescriptionRequired   = "description_required"
	CodeDescriptionTooLong    = "description_too_long"
	CodeInvalidLanguage       = "invalid_language"
	CodeIncidentTimeInvalid   = "incident_time_invalid"
	CodeIncidentTimeFuture    = "incident_time_future"
	CodeLocationRequired      = "location_required"
	CodeLocationInvalid       = "location_invalid"
	CodeOutsideUP             = "outside_up"
	CodeUnknownDistrict       = "unknown_district"
	CodePhoneInvalid          = "phone_invalid"
	CodeNameTooLong           = "name_too_long"
	CodeAddressTooLong        = "address_too_long"
	CodeFiledByInvalid        = "filed_by_invalid"
	CodeRelationRequired      = "relation_required"
	CodeRelationTooLong       = "relation_too_long"
	CodeCallbackWindowInvalid = "callback_window_invalid"
	CodeIdempotencyKeyInvalid = "idempotency_key_invalid"
	CodeIdempotencyKeyReused  = "idempotency_key_reused"
	CodeBadComplaintCode      = "complaint_code_invalid"
	CodeRatingInvalid         = "rating_invalid"
	CodeReasonRequired        = "reason_required"
	CodeReasonTooLong         = "reason_too_long"
	CodeATRTextRequired       = "atr_text_required"
	CodeATRTextTooLong        = "atr_text_too_long"
	CodeActionTakenRequired   = "action_taken_required"
	CodeNoteTooLong           = "note_too_long"
	CodeDecisionInvalid       = "decision_invalid"
	CodeCallOutcomeInvalid    = "call_outcome_invalid"
	CodeIllegalTransition     = "illegal_transition"
	CodeMalformedBody         = "malformed_json"
	CodeBodyTooLarge          = "body_too_large"
	CodeFIRInvalid            = "fir_invalid"
	CodeFIRStationUnknown     = "fir_station_unknown"
	CodeFIRYearInvalid        = "fir_year_invalid"
	CodeFIRSerialInvalid      = "fir_serial_invalid"
)

// Codes of the supervision errors (directions and transfers, issue 22).
const (
	CodeDirectionRequired     = "direction_required"
	CodeDirectionTooLong      = "direction_too_long"
	CodeDirectionToInvalid    = "direction_to_invalid"
	CodeDirectionToSelf       = "direction_to_self"
	CodeDirectionDueFuture    = "direction_due_future"
	CodeDirectionDueTooLate   = "direction_due_too_late"
	CodeDirectionAnswered     = "direction_answered"
	CodeDirectionNotAddressee = "direction_not_addressee"
	CodeAnswerRequired        = "answer_required"
	CodeAnswerTooLong         = "answer_too_long"
	CodeComplaintNotOpen      = "complaint_not_open"
	CodeUnknownStation        = "unknown_station"
	CodeStationRequired       = "station_required"
	CodeTransferSameStation   = "transfer_same_station"
	CodeTransferSameDistrict  = "transfer_same_district"
	CodeTransferOtherDistrict = "transfer_other_district"
	CodeTransferWrongDistrict = "transfer_wrong_district"
	CodeTransferATRVetting    = "transfer_atr_vetting"
	CodeTransferPending       = "transfer_pending"
	CodeTransferDecided       = "transfer_decided"
	CodeTransferStale         = "transfer_stale"
	CodeRestartMSPOnly        = "restart_msp_only"
	CodeRestartReason         = "restart_reason_required"
	CodeRestartNotOwed        = "restart_not_owed"
)

// messages holds every user-facing text in English and Hindi, by code.
var messages = map[string][2]string{
	// Supervision: directions and transfers.
	CodeDirectionRequired:     {"please write the direction", "कृपया निर्देश लिखें"},
	CodeDirectionTooLong:      {"the direction is too long (at most 2000 characters)", "निर्देश बहुत लंबा है (अधिकतम 2000 अक्षर)"},
	CodeDirectionToInvalid:    {"a direction goes to the police station, the nodal officer or the SP", "निर्देश थाने, नोडल अधिकारी या पुलिस अधीक्षक को ही दिया जा सकता है"},
	CodeDirectionToSelf:       {"the SP may direct the police station or the nodal officer", "पुलिस अधीक्षक थाने या नोडल अधिकारी को निर्देश दे सकते हैं"},
	CodeDirectionDueFuture:    {"the new deadline must be in the future", "नई समय-सीमा भविष्य में होनी चाहिए"},
	CodeDirectionDueTooLate:   {"the new deadline cannot be later than the next escalation of this complaint", "नई समय-सीमा इस शिकायत के अगले एस्केलेशन से बाद की नहीं हो सकती"},
	CodeDirectionAnswered:     {"this direction has already been answered", "इस निर्देश का उत्तर पहले ही दिया जा चुका है"},
	CodeDirectionNotAddressee: {"only the officer this direction is addressed to may answer it", "इस निर्देश का उत्तर केवल वही अधिकारी दे सकते हैं जिन्हें यह दिया गया है"},
	CodeAnswerRequired:        {"please write your report", "कृपया अपनी रिपोर्ट लिखें"},
	CodeAnswerTooLong:         {"the report is too long (at most 2000 characters)", "रिपोर्ट बहुत लंबी है (अधिकतम 2000 अक्षर)"},
	CodeComplaintNotOpen:      {"this complaint is closed or withdrawn", "यह शिकायत बंद हो चुकी है या वापस ले ली गई है"},
	CodeUnknownStation:        {"please choose a police station from the list", "कृपया सूची में से एक थाना चुनें"},
	CodeStationRequired:       {"please choose the police station that will take the complaint", "कृपया वह थाना चुनें जो शिकायत लेगा"},
	CodeTransferSameStation:   {"the complaint is already with this police station", "शिकायत पहले से इसी थाने के पास है"},
	CodeTransferSameDistrict:  {"the complaint is already in this district; transfer it to a station directly", "शिकायत पहले से इसी जनपद में है; इसे सीधे किसी थाने को स्थानांतरित करें"},
	CodeTransferOtherDistrict: {"this police station is in another district; request a transfer to that district instead", "यह थाना दूसरे जनपद में है; उस जनपद को स्थानांतरण का अनुरोध करें"},
	CodeTransferWrongDistrict: {"this police station is not in the district the complaint goes to", "यह थाना उस जनपद में नहीं है जहां शिकायत जा रही है"},
	CodeTransferATRVetting:    {"an action taken report is waiting for vetting; vet it before moving the complaint", "एक कार्रवाई रिपोर्ट जांच की प्रतीक्षा में है; शिकायत स्थानांतरित करने से पहले उसकी जांच करें"},
	CodeTransferPending:       {"a transfer of this complaint is already waiting for a decision", "इस शिकायत का एक स्थानांतरण पहले से निर्णय की प्रतीक्षा में है"},
	CodeTransferDecided:       {"this transfer request has already been decided", "इस स्थानांतरण अनुरोध पर पहले ही निर्णय हो चुका है"},
	CodeTransferStale:         {"the complaint has moved since this request was made", "यह अनुरोध किए जाने के बाद शिकायत स्थानांतरित हो चुकी है"},
	CodeRestartMSPOnly:        {"only the Mahila Samman Prakoshth may restart the deadline", "केवल महिला सम्मान प्रकोष्ठ ही समय-सीमा फिर से शुरू कर सकता है"},
	CodeRestartReason:         {"please give the reason for restarting the deadline", "कृपया समय-सीमा फिर से शुरू करने का कारण बताएं"},
	CodeRestartNotOwed:        {"no action taken report is owed now, so there is no deadline to restart", "अभी कोई कार्रवाई रिपोर्ट देय नहीं है, इसलिए फिर से शुरू करने के लिए कोई समय-सीमा नहीं है"},
	CodeUnknownCategory:       {"please choose a category from the list", "कृपया सूची में से एक श्रेणी चुनें"},
	CodeDescriptionRequired:   {"please describe what happened", "कृपया बताएं कि क्या हुआ"},
	CodeDescriptionTooLong:    {"the description is too long (at most 5000 characters)", "विवरण बहुत लंबा है (अधिकतम 5000 अक्षर)"},
	CodeInvalidLanguage:       {"the language must be English (en) or Hindi (hi)", "भाषा अंग्रेज़ी (en) या हिंदी (hi) होनी चाहिए"},
	CodeIncidentTimeInvalid:   {"the incident time is not a valid date and time", "घटना का समय मान्य दिनांक और समय नहीं है"},
	CodeIncidentTimeFuture:    {"the incident time cannot be in the future", "घटना का समय भविष्य में नहीं हो सकता"},
	CodeLocationRequired:      {"please mark the place on the map or choose a district", "कृपया मानचित्र पर स्थान चिह्नित करें या जनपद चुनें"},
	CodeLocationInvalid:       {"the location is not a valid latitude and longitude", "स्थान मान्य अक्षांश और देशांतर नहीं है"},
	CodeOutsideUP:             {"this location is outside Uttar Pradesh", "यह स्थान उत्तर प्रदेश के बाहर है"},
	CodeUnknownDistrict:       {"please choose a district of Uttar Pradesh from the list", "कृपया सूची में से उत्तर प्रदेश का एक जनपद चुनें"},
	CodePhoneInvalid:          {"the phone number must be a 10-digit Indian mobile number starting with 6, 7, 8 or 9", "फ़ोन नंबर 6, 7, 8 या 9 से शुरू होने वाला 10 अंकों का भारतीय मोबाइल नंबर होना चाहिए"},
	CodeNameTooLong:           {"the name is too long (at most 100 characters)", "नाम बहुत लंबा है (अधिकतम 100 अक्षर)"},
	CodeAddressTooLong:        {"the address is too long (at most 500 characters)", "पता बहुत लंबा है (अधिकतम 500 अक्षर)"},
	CodeFiledByInvalid:        {"please say whether you are filing for yourself or on someone's behalf", "कृपया बताएं कि आप अपने लिए शिकायत कर रही हैं या किसी और की ओर से"},
	CodeRelationRequired:      {"please say how you are related to the woman you are filing for", "कृपया बताएं कि जिनकी ओर से आप शिकायत कर रहे हैं, उनसे आपका क्या संबंध है"},
	CodeRelationTooLong:       {"the relation is too long (at most 100 characters)", "संबंध बहुत लंबा है (अधिकतम 100 अक्षर)"},
	CodeCallbackWindowInvalid: {"the safe time to call must look like 10:00-13:00", "कॉल करने का सुरक्षित समय 10:00-13:00 जैसा होना चाहिए"},
	CodeIdempotencyKeyInvalid: {"the Idempotency-Key must be 16 to 128 letters, digits, '-', '_', ':' or '.' (a random value, new for each submission)", "आइडेम्पोटेंसी कुंजी 16 से 128 अक्षर, अंक, '-', '_', ':' या '.' होनी चाहिए (हर बार भेजने के लिए नया यादृच्छिक मान)"},
	CodeIdempotencyKeyReused:  {"this idempotency key was already used for a different complaint", "यह आइडेम्पोटेंसी कुंजी किसी अन्य शिकायत के लिए पहले ही उपयोग हो चुकी है"},
	CodeBadComplaintCode:      {"this complaint code has a typing mistake; please check it", "इस शिकायत कोड में टाइपिंग की गलती है; कृपया इसे जांचें"},
	CodeRatingInvalid:         {"the rating must be SATISFIED or DISSATISFIED", "मूल्यांकन SATISFIED या DISSATISFIED होना चाहिए"},
	CodeReasonRequired:        {"please give a reason", "कृपया कारण बताएं"},
	CodeReasonTooLong:         {"the reason is too long (at most 2000 characters)", "कारण बहुत लंबा है (अधिकतम 2000 अक्षर)"},
	CodeATRTextRequired:       {"the action taken report needs a text", "कार्रवाई रिपोर्ट में विवरण आवश्यक है"},
	CodeATRTextTooLong:        {"the action taken report is too long (at most 5000 characters)", "कार्रवाई रिपोर्ट बहुत लंबी है (अधिकतम 5000 अक्षर)"},
	CodeActionTakenRequired:   {"please state the action taken", "कृपया की गई कार्रवाई बताएं"},
	CodeNoteTooLong:           {"the note is too long (at most 2000 characters)", "टिप्पणी बहुत लंबी है (अधिकतम 2000 अक्षर)"},
	CodeDecisionInvalid:       {"the decision must be pursue or advise", "निर्णय pursue या advise होना चाहिए"},
	CodeCallOutcomeInvalid:    {"the call outcome must be reached, unsafe_to_talk, unreachable or wrong_number", "कॉल का परिणाम reached, unsafe_to_talk, unreachable या wrong_number होना चाहिए"},
	CodeIllegalTransition:     {"this step is not possible in the complaint's current state", "शिकायत की वर्तमान स्थिति में यह कदम संभव नहीं है"},
	CodeMalformedBody:         {"the request could not be read; send the form as JSON", "अनुरोध पढ़ा नहीं जा सका; कृपया फ़ॉर्म JSON में भेजें"},
	CodeBodyTooLarge:          {"the request is too large", "अनुरोध बहुत बड़ा है"},
	CodeFIRInvalid:            {"an FIR number is the police station code, the year and the serial number, like UP/118/AGR-MT/2026/00123 or 123/2026", "एफआईआर संख्या थाना कोड, वर्ष और क्रमांक होती है, जैसे UP/118/AGR-MT/2026/00123 या 123/2026"},
	CodeFIRStationUnknown:     {"no police station of Uttar Pradesh has this code", "उत्तर प्रदेश के किसी थाने का यह कोड नहीं है"},
	CodeFIRYearInvalid:        {"the FIR year must lie between the complaint's year and this year", "एफआईआर का वर्ष शिकायत के वर्ष और इस वर्ष के बीच होना चाहिए"},
	CodeFIRSerialInvalid:      {"the FIR serial number must be between 1 and 99999", "एफआईआर क्रमांक 1 से 99999 के बीच होना चाहिए"},
}

// Message returns the user-facing text for code in lang (English when lang
// is not Hindi), or "" for an unknown code.
func Message(code string, lang Language) string {
	m, ok := messages[code]
	if !ok {
		return ""
	}
	if lang == Hindi {
		return m[1]
	}
	return m[0]
}

// conflictField returns a vikalp ErrConflict about field with code's text in
// lang.
func conflictField(lang Language, field, code string) error {
	return &vikalp.UserError{Kind: vikalp.ErrConflict, Field: field, Code: code,
		Message: Message(code, lang.orEnglish())}
}

// invalid returns a vikalp.InvalidField for field with code's text in lang.
func invalid(lang Language, field, code string) error {
	return vikalp.InvalidField(field, code, Message(code, lang.orEnglish()))
}
