package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/cases"
)

// SMSInbound configures the inbound SMS webhook (docs/SMS.md).
type SMSInbound struct {
	// Secret (VIKALP_SMS_INBOUND_SECRET) is shared with the gateway, which
	// sends it in the X-Vikalp-SMS-Secret header or, when it can only be
	// given a URL, as ?token=. Empty: the webhook is not served (404).
	Secret string
	// PerHour is how many messages one sender (by the keyed hash of the
	// number) is answered per hour, after a burst of Burst; beyond it the
	// answer is empty and no SMS goes back. Defaults 20 and 5.
	PerHour float64
	Burst   int
}

// smsSecretHeader carries the shared secret; smsTokenParam is the query
// fallback for gateways that are configured with a bare URL.
const (
	smsSecretHeader = "X-Vikalp-SMS-Secret"
	smsTokenParam   = "token"
	// smsInboundBodyLimit caps a gateway's request: one SMS and its fields.
	smsInboundBodyLimit = 16 << 10
)

// Inbound body formats: the gateway that posted, known by its fields.
const (
	smsFormatGupshup   = "gupshup"   // msisdn, content, keyword (Gupshup Enterprise keyword response URL)
	smsFormatTextlocal = "textlocal" // sender, content, keyword, inNumber (Textlocal inbox forwarding)
	smsFormatJSON      = "json"      // {"from": …, "text": …}
)

var (
	errSMSSecret = &vikalp.UserError{Kind: vikalp.ErrUnauthorized, Code: "sms_secret",
		Message: "missing or wrong SMS gateway secret"}
	errSMSStaff = &vikalp.UserError{Kind: vikalp.ErrForbidden, Code: "sms_gateway_only",
		Message: "only the SMS gateway calls this webhook"}
	errSMSBody = &vikalp.UserError{Kind: vikalp.ErrInvalid, Code: "sms_body",
		Message: "send the sender and the text: msisdn and content (Gupshup), sender and content (Textlocal), or JSON {\"from\",\"text\"}"}
)

// registerSMSRoutes wires the inbound SMS webhook, outside the JSON-only
// group (gateways post forms, and Gupshup calls with a query string), and
// only when a secret is configured: never open.
func (h *Handler) registerSMSRoutes(r *gin.Engine) {
	if h.deps.SMSInbound.Secret == "" {
		return
	}
	g := r.Group("/api/v1", maxBody(smsInboundBodyLimit), h.authenticate())
	g.POST("/sms/inbound", handle(h.inboundSMS))
	g.GET("/sms/inbound", handle(h.inboundSMS))
}

// newSMSLimiter is the per-sender limit of the webhook's replies.
func newSMSLimiter(cfg SMSInbound) *clientLimiter {
	if cfg.PerHour <= 0 {
		cfg.PerHour = 20
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 5
	}
	return newClientLimiter(RateLimit{PerMinute: cfg.PerHour / 60, Burst: cfg.Burst})
}

// inboundSMS answers one SMS a gateway received: the reply goes back in
// the response, in the gateway's format (writeSMSReply). Nothing of the
// number or the text is logged.
func (h *Handler) inboundSMS(c *gin.Context) error {
	if _, staff := principalOf(c); staff {
		return errSMSStaff
	}
	if !h.smsSecretOK(c) {
		return errSMSSecret
	}
	c.Header("Cache-Control", "no-store")
	m, format, err := parseInboundSMS(c)
	if err != nil {
		return err
	}
	sender := h.deps.Cases.SMSSender(m.From)
	if ok, _ := h.smsLimiter.reserve(hex.EncodeToString(sender.Key()), time.Now()); !ok {
		writeSMSReply(c, format, "") // over the limit: no SMS goes back
		return nil
	}
	reply, err := h.deps.Cases.AnswerSMSFrom(c.Request.Context(), sender, m.Text)
	if err != nil {
		return err
	}
	writeSMSReply(c, format, reply.Text)
	return nil
}

// smsSecretOK compares the request's secret with the configured one in
// constant time (as hashes, so the length does not show either).
func (h *Handler) smsSecretOK(c *gin.Context) bool {
	given := c.GetHeader(smsSecretHeader)
	if given == "" {
		given = c.Query(smsTokenParam)
	}
	a, b := sha256.Sum256([]byte(given)), sha256.Sum256([]byte(h.deps.SMSInbound.Secret))
	return given != "" && subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// inboundJSON is the generic JSON format.
type inboundJSON struct {
	From string `json:"from"`
	Text string `json:"text"`
}

// parseInboundSMS reads the sender and the text in one of the formats. A
// gateway that sends the keyword apart from the rest of the text gets it
// put back in front.
func parseInboundSMS(c *gin.Context) (cases.InboundSMS, string, error) {
	if hasMediaType(c.Request, jsonType) {
		var in inboundJSON
		if err := decodeJSON(c, &in); err != nil || strings.TrimSpace(in.From) == "" {
			return cases.InboundSMS{}, smsFormatJSON, errSMSBody
		}
		return cases.InboundSMS{From: in.From, Text: in.Text}, smsFormatJSON, nil
	}
	if err := c.Request.ParseForm(); err != nil {
		return cases.InboundSMS{}, smsFormatTextlocal, fmt.Errorf("read sms form: %w", errSMSBody)
	}
	f := c.Request.Form
	var m cases.InboundSMS
	format := smsFormatTextlocal
	switch {
	case f.Get("msisdn") != "":
		m, format = cases.InboundSMS{From: f.Get("msisdn"), Text: f.Get("content")}, smsFormatGupshup
	case f.Get("sender") != "":
		m = cases.InboundSMS{From: f.Get("sender"), Text: f.Get("content")}
	default:
		return m, format, errSMSBody
	}
	if kw := strings.TrimSpace(f.Get("keyword")); kw != "" && !hasPrefixFold(strings.TrimSpace(m.Text), kw) {
		m.Text = kw + " " + m.Text
	}
	return m, format, nil
}

// hasPrefixFold reports whether s starts with prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// gupshupResponse is Gupshup's keyword response: each message element is
// one SMS to the sender; none sends nothing.
type gupshupResponse struct {
	XMLName  xml.Name         `xml:"response"`
	Messages []gupshupMessage `xml:"message"`
}

type gupshupMessage struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// smsReplyResponse is the JSON answer: the text to send back ("" for none).
type smsReplyResponse struct {
	Reply string `json:"reply"`
}

// writeSMSReply answers in the format the gateway posted: Gupshup's XML,
// Textlocal's plain text (Textlocal does not relay it; see docs/SMS.md),
// or JSON. An empty reply means no SMS goes back.
func writeSMSReply(c *gin.Context, format, reply string) {
	switch format {
	case smsFormatGupshup:
		out := gupshupResponse{}
		if reply != "" {
			out.Messages = []gupshupMessage{{Type: "text", Text: reply}}
		}
		c.XML(http.StatusOK, out)
	case smsFormatTextlocal:
		c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(reply))
	default:
		c.JSON(http.StatusOK, smsReplyResponse{Reply: reply})
	}
}
