package api_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/jurisdiction"
)

// smsFixture is a test server with one complaint filed from herPhone.
type smsFixture struct {
	srv  *apitest.Server
	logs *syncBuffer
	code string
	id   int64
}

// herPhone is the number the fixture's complaint was filed with.
const herPhone = "9123400001"

func setupSMS(t *testing.T) *smsFixture {
	t.Helper()
	logs := &syncBuffer{}
	srv := apitest.StartWith(t, "sms-password-1", func(*jurisdiction.Service) []auth.DemoUser { return nil },
		apitest.Options{Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	var filed struct{ Code string }
	post(t, srv, "/api/v1/complaints", `{"category":"stalking","description":"a man follows me from the bus stop",
		"language":"hi","district_id":162,"contact":{"phone":"`+herPhone+`"}}`, &filed)
	f := &smsFixture{srv: srv, logs: logs, code: filed.Code}
	must(t, srv.Pool.QueryRow(context.Background(), `SELECT id FROM complaints WHERE code = $1`, filed.Code).Scan(&f.id))
	return f
}

// smsCall sends one inbound request and returns status, content type and body.
func smsCall(t *testing.T, srv *apitest.Server, method, query, contentType, body string, headers ...string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+"/api/v1/sms/inbound"+query, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(data)
}

const (
	formType    = "application/x-www-form-urlencoded"
	secretParam = "?token=" + apitest.SMSSecret
)

// gupshup, textlocal and jsonSMS send text from number in each gateway's
// format, with the secret, and return the body of a 200.
func gupshup(t *testing.T, srv *apitest.Server, from, text string) string {
	t.Helper()
	kw, rest, _ := strings.Cut(text, " ")
	q := url.Values{"token": {apitest.SMSSecret}, "msisdn": {from}, "keyword": {kw}, "content": {rest},
		"phonecode": {"9220092200"}, "location": {"Lucknow"}, "carrier": {"Jio"}, "timestamp": {"1733568000000"}}
	status, ct, body := smsCall(t, srv, http.MethodGet, "?"+q.Encode(), "", "")
	if status != http.StatusOK || !strings.HasPrefix(ct, "application/xml") {
		t.Fatalf("Gupshup: %d %s %s", status, ct, body)
	}
	return body
}

func textlocal(t *testing.T, srv *apitest.Server, from, text string) string {
	t.Helper()
	form := url.Values{"sender": {from}, "content": {text}, "inNumber": {"919220092200"}, "keyword": {"STATUS"},
		"comments": {""}, "credits": {"100"}}
	status, ct, body := smsCall(t, srv, http.MethodPost, secretParam, formType, form.Encode())
	if status != http.StatusOK || !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("Textlocal: %d %s %s", status, ct, body)
	}
	return body
}

func jsonSMS(t *testing.T, srv *apitest.Server, from, text string) string {
	t.Helper()
	status, ct, body := smsCall(t, srv, http.MethodPost, "", "application/json",
		`{"from":`+quote(from)+`,"text":`+quote(text)+`}`, "X-Vikalp-SMS-Secret", apitest.SMSSecret)
	if status != http.StatusOK || !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("JSON: %d %s %s", status, ct, body)
	}
	return body
}

func quote(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	b.WriteString(strings.NewReplacer(`"`, `\"`, `\`, `\\`).Replace(s))
	b.WriteByte('"')
	return b.String()
}

// TestSMSInboundStatus: STATUS from her number, in each gateway's format,
// is answered with her status and deadline in Hindi (her language), and
// nothing of the message or the number reaches the log.
func TestSMSInboundStatus(t *testing.T) {
	f := setupSMS(t)
	for name, send := range map[string]func(*testing.T, *apitest.Server, string, string) string{
		"Gupshup": gupshup, "Textlocal": textlocal, "JSON": jsonSMS,
	} {
		t.Run(name, func(t *testing.T) {
			body := send(t, f.srv, "91"+herPhone, "STATUS "+f.code)
			if !strings.Contains(body, f.code) || !strings.Contains(body, "पुलिस थाना इस पर कार्रवाई कर रहा है") ||
				!strings.Contains(body, "अगली समय-सीमा") {
				t.Fatalf("reply %s; want her code, status and deadline in Hindi", body)
			}
			if strings.Contains(body, "stalk") || strings.Contains(body, "bus stop") {
				t.Fatalf("reply %s names the complaint", body)
			}
		})
	}
	if xml := f.gupshupXML(t); !strings.HasPrefix(xml, `<response><message type="text">`) {
		t.Fatalf("Gupshup reply %s; want a <response><message> document", xml)
	}
	logs := string(f.logs.Bytes())
	for _, leak := range []string{herPhone, "STATUS", f.code, apitest.SMSSecret} {
		if strings.Contains(logs, leak) {
			t.Errorf("the log contains %q", leak)
		}
	}
}

// gupshupXML is the Gupshup answer to her STATUS, for its shape.
func (f *smsFixture) gupshupXML(t *testing.T) string {
	t.Helper()
	return gupshup(t, f.srv, herPhone, "STATUS "+f.code)
}

// TestSMSInboundRevealsNothing is the non-interference check: the answer
// to a sender who is not her is byte-identical whether the code exists or
// not, in every format, and the same as for a mistyped code.
func TestSMSInboundRevealsNothing(t *testing.T) {
	f := setupSMS(t)
	code := f.code
	for code == f.code { // a valid code that no complaint has
		c, err := cases.NewCode()
		if err != nil {
			t.Fatal(err)
		}
		code = string(c)
	}
	for name, send := range map[string]func(*testing.T, *apitest.Server, string, string) string{
		"Gupshup": gupshup, "Textlocal": textlocal, "JSON": jsonSMS,
	} {
		t.Run(name, func(t *testing.T) {
			exists := send(t, f.srv, "9123400099", "STATUS "+f.code)
			missing := send(t, f.srv, "9123400098", "STATUS "+code)
			typo := send(t, f.srv, "9123400097", "STATUS VK-0000-0000")
			if exists != missing || missing != typo {
				t.Fatalf("a stranger's replies differ:\nexisting code %q\nunknown code %q\nmistyped %q", exists, missing, typo)
			}
			if strings.Contains(exists, f.code) || !strings.Contains(exists, "181") {
				t.Fatalf("generic reply %q", exists)
			}
		})
	}
}

// TestSMSInboundHelplines: other text gets the helplines.
func TestSMSInboundHelplines(t *testing.T) {
	f := setupSMS(t)
	body := jsonSMS(t, f.srv, herPhone, "help please")
	for _, line := range []string{"1090", "112", "181"} {
		if !strings.Contains(body, line) {
			t.Errorf("help reply %s lacks %s", body, line)
		}
	}
}

// TestSMSInboundSecret: without the right secret the webhook answers 401,
// to staff 403, and without a configured secret it does not exist.
func TestSMSInboundSecret(t *testing.T) {
	f := setupSMS(t)
	form := url.Values{"sender": {herPhone}, "content": {"STATUS " + f.code}}.Encode()
	for name, tc := range map[string]struct{ query, header string }{
		"Missing":     {},
		"WrongHeader": {header: "not-the-secret"},
		"WrongToken":  {query: "?token=not-the-secret"},
		"EmptyToken":  {query: "?token="},
		"Prefix":      {header: apitest.SMSSecret[:10]},
	} {
		t.Run(name, func(t *testing.T) {
			var h []string
			if tc.header != "" {
				h = []string{"X-Vikalp-SMS-Secret", tc.header}
			}
			status, _, body := smsCall(t, f.srv, http.MethodPost, tc.query, formType, form, h...)
			if status != http.StatusUnauthorized || strings.Contains(body, f.code) {
				t.Fatalf("%d %s; want 401", status, body)
			}
		})
	}
	// Not served without a secret: a 404 like any unknown path.
	deps := f.srv.Services.APIDeps()
	deps.SMSInbound = api.SMSInbound{}
	h := apitest.Router(t, deps)
	if rec := serve(h, http.MethodPost, "/api/v1/sms/inbound?token=x", strings.NewReader(form), "Content-Type", formType); rec.Code != http.StatusNotFound {
		t.Fatalf("without a configured secret: %d; want 404", rec.Code)
	}
}

// TestSMSInboundRateLimit: one sender is answered a burst of five, then
// gets an empty answer (no SMS goes back); others are not held up.
func TestSMSInboundRateLimit(t *testing.T) {
	f := setupSMS(t)
	for i := range 5 {
		if body := jsonSMS(t, f.srv, "9123400050", "hello"); !strings.Contains(body, "181") {
			t.Fatalf("message %d: %s; want the helplines", i+1, body)
		}
	}
	if body := jsonSMS(t, f.srv, "+91 91234 00050", "hello"); body != `{"reply":""}` {
		t.Fatalf("sixth message: %s; want an empty reply", body)
	}
	if body := gupshup(t, f.srv, "919123400050", "STATUS "+f.code); body != "<response></response>" {
		t.Fatalf("sixth message to Gupshup: %s; want no message element", body)
	}
	if body := jsonSMS(t, f.srv, "9123400051", "hello"); !strings.Contains(body, "181") {
		t.Fatalf("another sender: %s; want the helplines", body)
	}
}

// TestFileComplaintNoSMS: the filing form's "no SMS" choice stores no hash
// and queues nothing to her, while the officers are told.
func TestFileComplaintNoSMS(t *testing.T) {
	f := setupSMS(t)
	var filed struct{ Code string }
	post(t, f.srv, "/api/v1/complaints", `{"category":"stalking","description":"a man follows me",
		"language":"en","district_id":162,"no_sms":true,"contact":{"phone":"9123400002"}}`, &filed)
	var toHer, all int
	must(t, f.srv.Pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE o.to_kind = 'complainant'), count(*)
		FROM sms_outbox o JOIN complaints c ON c.id = o.complaint_id WHERE c.code = $1 AND c.sms_opt_out`, filed.Code).Scan(&toHer, &all))
	if toHer != 0 || all != 2 {
		t.Fatalf("%d SMS to her, %d in all; want none to her and the officers' two", toHer, all)
	}
	if body := jsonSMS(t, f.srv, "9123400002", "STATUS "+filed.Code); strings.Contains(body, filed.Code) {
		t.Fatalf("STATUS for a no-SMS complaint answered %s", body)
	}
}
