package cases

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"strings"

	"github.com/vikalp/vikalp"
)

// Inbound SMS (issue 17 §6): a woman texts "STATUS VK-XXXX-XXXX" to the
// service number and, when the text comes from the number she filed with,
// gets the status and next deadline in her language. Her number is matched
// by a keyed hash (sms_phone_hash), never stored or compared in clear. Any
// other sender, and any code that does not exist, gets one generic reply:
// the same bytes, after the same database work (the code is not in the
// query). Other text gets the helplines. Nothing here logs the text or the
// number.

// InboundSMS is one message a gateway received, as the webhook read it.
type InboundSMS struct {
	From string // the sender's number as the gateway wrote it
	Text string // the whole message, keyword included
}

// SMSReplyKind says which answer an inbound message gets.
type SMSReplyKind string

// The three answers.
const (
	// SMSReplyStatus is her own complaint's status and next deadline.
	SMSReplyStatus SMSReplyKind = "status"
	// SMSReplyGeneric answers STATUS from any other number, or for a code
	// that does not exist or is mistyped: it reveals nothing.
	SMSReplyGeneric SMSReplyKind = "generic"
	// SMSReplyHelp answers any other text with the helplines.
	SMSReplyHelp SMSReplyKind = "help"
)

// SMSReply is the text to send back to the sender.
type SMSReply struct {
	Kind SMSReplyKind
	Text string
}

// smsStatusLimit bounds how many of one number's complaints a STATUS
// looks at (newest first).
const smsStatusLimit = 50

// statusKeywords start a STATUS message, in English and Hindi.
var statusKeywords = []string{"STATUS", "स्थिति"}

// The answers that do not depend on a complaint: English, then Hindi (the
// sender's language is not known). Helplines: 112 emergency, 1090 Women
// Power Line (UP), 181 Women Helpline.
const (
	smsGenericReply = "UP Police VIKALP: no details can be sent by SMS for this request. Send STATUS and your request number " +
		"from the phone number you gave, or track it online with your secret. Emergency 112, Women Power Line 1090, Women Helpline 181.\n" +
		"यूपी पुलिस विकल्प: इस अनुरोध का विवरण SMS से नहीं भेजा जा सकता। अपने दिए हुए फ़ोन नंबर से STATUS और अनुरोध संख्या भेजें, " +
		"या अपने गुप्त कोड से ऑनलाइन देखें। आपातकाल 112, वीमेन पावर लाइन 1090, महिला हेल्पलाइन 181।"
	smsHelpReply = "UP Police VIKALP: in danger now call 112. Women Power Line 1090, Women Helpline 181. " +
		"For your request's status send STATUS VK-XXXX-XXXX.\n" +
		"यूपी पुलिस विकल्प: तुरंत खतरे में 112 पर कॉल करें। वीमेन पावर लाइन 1090, महिला हेल्पलाइन 181। " +
		"अपने अनुरोध की स्थिति के लिए STATUS VK-XXXX-XXXX भेजें।"
)

// smsStatusPhrases say where a case stands, English and Hindi, without
// naming the crime, a place or an officer.
var smsStatusPhrases = map[Status][2]string{
	StatusSubmitted:        {"the police station is acting on it", "पुलिस थाना इस पर कार्रवाई कर रहा है"},
	StatusAssigned:         {"the police station is acting on it", "पुलिस थाना इस पर कार्रवाई कर रहा है"},
	StatusATRDraft:         {"the police are preparing their report", "पुलिस अपनी रिपोर्ट तैयार कर रही है"},
	StatusEscalated:        {"taken up again by senior officers; a new report is due", "वरिष्ठ अधिकारियों ने फिर से लिया है; नई रिपोर्ट देय है"},
	StatusATRPublished:     {"an update awaits you: please check it and tell us if you are satisfied", "आपके लिए नई जानकारी है: कृपया देखें और बताएं कि आप संतुष्ट हैं या नहीं"},
	StatusAwaitingFeedback: {"an update awaits you: please check it and tell us if you are satisfied", "आपके लिए नई जानकारी है: कृपया देखें और बताएं कि आप संतुष्ट हैं या नहीं"},
	StatusAdvised:          {"an answer awaits you: please check it and tell us if you are satisfied", "आपके लिए उत्तर है: कृपया देखें और बताएं कि आप संतुष्ट हैं या नहीं"},
	StatusDissatisfied:     {"under review by senior officers", "वरिष्ठ अधिकारियों की समीक्षा में"},
	StatusLegalReview:      {"under review by senior officers", "वरिष्ठ अधिकारियों की समीक्षा में"},
	StatusSatisfied:        {"closed", "बंद"},
	StatusClosed:           {"closed", "बंद"},
	StatusWithdrawn:        {"withdrawn at your request", "आपके अनुरोध पर वापस लिया गया"},
}

// AnswerSMS answers one inbound message (see the package note above). The
// error is only a database failure; every message gets a reply.
func (s *Service) AnswerSMS(ctx context.Context, m InboundSMS) (SMSReply, error) {
	return s.AnswerSMSFrom(ctx, s.SMSSender(m.From), m.Text)
}

// AnswerSMSFrom is AnswerSMS for a sender already hashed (SMSSender), so a
// caller that rate-limits by SMSSender.Key hashes the number once.
func (s *Service) AnswerSMSFrom(ctx context.Context, from SMSSender, text string) (SMSReply, error) {
	rest, ok := cutStatusKeyword(text)
	if !ok {
		return SMSReply{Kind: SMSReplyHelp, Text: smsHelpReply}, nil
	}
	code, err := ParseCode(rest, English)
	if err != nil {
		code = "" // matches nothing; the lookup still runs, so a typo costs the same
	}
	// The query names only the sender: what it finds, and how long it
	// takes, do not depend on whether code exists.
	found, err := NewComplaintStore(s.db).ByPhoneHash(ctx, from.hashes, smsStatusLimit)
	if err != nil {
		return SMSReply{}, fmt.Errorf("answer sms: %w", err)
	}
	match := -1
	for i, c := range found {
		if subtle.ConstantTimeCompare([]byte(c.Code), []byte(code)) == 1 {
			match = i
		}
	}
	if match < 0 {
		return SMSReply{Kind: SMSReplyGeneric, Text: smsGenericReply}, nil
	}
	return SMSReply{Kind: SMSReplyStatus, Text: statusReply(found[match])}, nil
}

// cutStatusKeyword reports whether text starts with a STATUS keyword (any
// case, spaces and a colon around it tolerated) and returns what follows.
func cutStatusKeyword(text string) (string, bool) {
	t := strings.TrimSpace(text)
	for _, kw := range statusKeywords {
		if len(t) >= len(kw) && strings.EqualFold(t[:len(kw)], kw) {
			return strings.TrimLeft(t[len(kw):], " \t:-"), true
		}
	}
	return "", false
}

// statusReply is her complaint's status and, while an ATR is owed, its
// deadline, in her language.
func statusReply(c SMSStatus) string {
	phrase := smsStatusPhrases[c.Status]
	if c.Language == Hindi {
		text := fmt.Sprintf("यूपी पुलिस विकल्प: आपका अनुरोध %s: %s।", c.Code, phrase[1])
		if c.Status.AwaitingATR() && c.ATRDueAt != nil {
			text += " अगली समय-सीमा: " + c.ATRDueAt.In(vikalp.IST).Format(smsTimeLayout) + "।"
		}
		return text
	}
	text := fmt.Sprintf("UP Police VIKALP: your request %s: %s.", c.Code, phrase[0])
	if c.Status.AwaitingATR() && c.ATRDueAt != nil {
		text += " Next deadline: " + c.ATRDueAt.In(vikalp.IST).Format(smsTimeLayout) + "."
	}
	return text
}

// SMSSender is an inbound sender as the service knows it: the keyed hashes
// of the number under every phone key, current first, never the number.
type SMSSender struct{ hashes [][]byte }

// Key is the sender's hash under the current key: the key of per-sender
// rate limits, so no number is kept in memory either.
func (x SMSSender) Key() []byte { return x.hashes[0] }

// SMSSender hashes an inbound sender's number. A number that does not
// normalize (a short code, a foreign number) hashes as given, marked, so it
// can match no complaint.
func (s *Service) SMSSender(from string) SMSSender {
	msg := "raw:" + from
	if p, ok := vikalp.NormalizePhone(from); ok {
		msg = p
	}
	out := make([][]byte, len(s.phoneKeys))
	for i, key := range s.phoneKeys {
		out[i] = keyedHash(key, msg)
	}
	return SMSSender{hashes: out}
}

// phoneHash is the stored keyed hash of her normalized number (current
// key): sms_phone_hash.
func (s *Service) phoneHash(phone string) []byte {
	return keyedHash(s.phoneKeys[0], phone)
}

// keyedHash is HMAC-SHA-256 of msg under key: without the key, the ten
// digits of an Indian mobile number cannot be tried one by one.
func keyedHash(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}
