package cases_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/cases"
)

// answer sends text from number to the service and fails the test on error.
func (b *bundle) answer(t *testing.T, from, text string) cases.SMSReply {
	t.Helper()
	r, err := b.svc.AnswerSMS(b.ctx, cases.InboundSMS{From: from, Text: text})
	if err != nil {
		t.Fatalf("AnswerSMS: %v", err)
	}
	return r
}

// TestAnswerSMSStatus: STATUS from the number she filed with gets the
// status and the next deadline, in her language, however she spells the
// code; never the category or her words.
func TestAnswerSMSStatus(t *testing.T) {
	b := setup(t)
	f := b.file(t, input()) // phone 98765 43210, English
	body := strings.TrimPrefix(string(f.Code), "VK-")
	due := f.ATRDueAt.In(vikalp.IST).Format("02 Jan 15:04 IST")
	for _, text := range []string{"STATUS " + string(f.Code), "status " + strings.ToLower(string(f.Code)),
		"  Status:  vk " + strings.ReplaceAll(body, "-", " ") + " ", "STATUS" + string(f.Code)} {
		for _, from := range []string{"+919876543210", "919876543210", "09876543210", "98765-43210"} {
			r := b.answer(t, from, text)
			if r.Kind != cases.SMSReplyStatus {
				t.Fatalf("%q from %s: %s reply %q; want her status", text, from, r.Kind, r.Text)
			}
			if !strings.Contains(r.Text, string(f.Code)) || !strings.Contains(r.Text, "police station is acting") ||
				!strings.Contains(r.Text, "Next deadline: "+due) {
				t.Fatalf("status reply %q; want the code, the status and the deadline %s", r.Text, due)
			}
			for _, leak := range []string{"stalk", "Stalk", "bus stop", "Asha", "Hazratganj"} {
				if strings.Contains(r.Text, leak) {
					t.Errorf("status reply %q names %q", r.Text, leak)
				}
			}
		}
	}
	// In Hindi for a complaint filed in Hindi; no deadline once none is owed.
	in := input()
	in.Language, in.Contact.Phone = "hi", "9123456789"
	hi := b.file(t, in)
	b.publish(t, hi.ID, b.stationA1)
	r := b.answer(t, "+919123456789", "स्थिति "+string(hi.Code))
	if r.Kind != cases.SMSReplyStatus || !strings.Contains(r.Text, "आपके लिए नई जानकारी है") || strings.Contains(r.Text, "समय-सीमा") {
		t.Fatalf("Hindi status reply %s %q; want the update awaiting her, no deadline", r.Kind, r.Text)
	}
}

// TestAnswerSMSRevealsNothing: any other number, an unknown code or a
// mistyped one all get the same generic reply, byte for byte: the answer
// to a stranger is the same whether or not the complaint exists.
func TestAnswerSMSRevealsNothing(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	unknown := otherCode(t, f.Code)
	generic := b.answer(t, "+919000000001", "STATUS "+string(unknown))
	if generic.Kind != cases.SMSReplyGeneric || strings.Contains(generic.Text, string(unknown)) {
		t.Fatalf("unknown code: %s %q; want the generic reply", generic.Kind, generic.Text)
	}
	for name, m := range map[string]cases.InboundSMS{
		"StrangerExistingCode":  {From: "+919000000001", Text: "STATUS " + string(f.Code)},
		"StrangerUnknownCode":   {From: "+919000000002", Text: "status " + string(unknown)},
		"OwnerUnknownCode":      {From: "+919876543210", Text: "STATUS " + string(unknown)},
		"OwnerMistypedCode":     {From: "+919876543210", Text: "STATUS VK-0000-0000"},
		"OwnerNoCode":           {From: "+919876543210", Text: "STATUS"},
		"ForeignNumber":         {From: "+447700900123", Text: "STATUS " + string(f.Code)},
		"ShortCodeSenderExists": {From: "VK-ALERT", Text: "STATUS " + string(f.Code)},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := b.svc.AnswerSMS(b.ctx, m)
			if err != nil {
				t.Fatal(err)
			}
			if r != generic {
				t.Fatalf("reply %s %q; want the generic reply, byte for byte", r.Kind, r.Text)
			}
		})
	}
}

// otherCode returns a valid code other than c that no complaint has.
func otherCode(t *testing.T, c cases.Code) cases.Code {
	t.Helper()
	for {
		code, err := cases.NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if code != c {
			return code
		}
	}
}

// TestAnswerSMSHelplines: any other text gets the helplines.
func TestAnswerSMSHelplines(t *testing.T) {
	b := setup(t)
	for _, text := range []string{"hello", "", "help me", "मदद", "STATU VK-1234-5678"} {
		r := b.answer(t, "+919876543210", text)
		if r.Kind != cases.SMSReplyHelp {
			t.Fatalf("%q: %s reply; want the helplines", text, r.Kind)
		}
		for _, line := range []string{"1090", "112", "181"} {
			if !strings.Contains(r.Text, line) {
				t.Errorf("help reply %q lacks %s", r.Text, line)
			}
		}
	}
}

// TestNoSMSChoice: she chose no SMS (a shared phone): no message is queued
// to her at filing, on the ATR or on escalation, no hash of her number is
// kept, and STATUS from it gets the generic reply.
func TestNoSMSChoice(t *testing.T) {
	b := setup(t)
	in := input()
	in.NoSMS = true
	f := b.file(t, in)
	b.publish(t, f.ID, b.stationA1)
	if _, err := b.svc.Rate(b.ctx, string(f.Code), string(f.Secret), cases.RatingDissatisfied, "nothing changed", cases.English); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.LegalDecision(b.ctx, b.legal, f.ID, cases.DecisionPursue, "pursue", cases.English); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM sms_outbox WHERE complaint_id = $1 AND to_kind = 'complainant'`, f.ID); n != 0 {
		t.Fatalf("%d SMS queued to her; she chose none", n)
	}
	if n := b.count(t, `SELECT count(*) FROM sms_outbox WHERE complaint_id = $1`, f.ID); n < 3 {
		t.Fatalf("%d officer SMS; the officers are still told", n)
	}
	if n := b.count(t, `SELECT count(*) FROM complaints WHERE id = $1 AND sms_opt_out AND sms_phone_hash IS NULL AND has_phone`, f.ID); n != 1 {
		t.Fatal("the no-SMS choice is not stored, or her number's hash is kept")
	}
	if r := b.answer(t, "+919876543210", "STATUS "+string(f.Code)); r.Kind != cases.SMSReplyGeneric {
		t.Fatalf("STATUS for a no-SMS complaint: %s; want the generic reply", r.Kind)
	}
	// With a phone and SMS allowed, the hash is kept (never the number).
	g := b.file(t, input())
	var hash []byte
	if err := b.db.QueryRow(b.ctx, `SELECT sms_phone_hash FROM complaints WHERE id = $1`, g.ID).Scan(&hash); err != nil || len(hash) != 32 {
		t.Fatalf("sms_phone_hash %x, %v; want 32 bytes", hash, err)
	}
}

// TestComplainantSMSWaitsForHerWindow: an SMS to her is scheduled to the
// next time inside her callback window in IST (one over midnight too),
// while the officers' go at once; the drain sends hers only then.
func TestComplainantSMSWaitsForHerWindow(t *testing.T) {
	b := setup(t) // the clock starts at 10:00 UTC, 15:30 IST
	for _, tc := range []struct {
		window string
		due    time.Time
	}{
		{"10:00-13:00", time.Date(2025, 11, 27, 4, 30, 0, 0, time.UTC)},  // tomorrow 10:00 IST
		{"22:00-06:00", time.Date(2025, 11, 26, 16, 30, 0, 0, time.UTC)}, // tonight 22:00 IST
		{"15:00-16:00", start}, // now: inside it
	} {
		in := input()
		in.CallbackWindow = tc.window
		f := b.file(t, in)
		var due time.Time
		if err := b.db.QueryRow(b.ctx, `SELECT greatest(next_attempt_at, created_at) FROM sms_outbox WHERE complaint_id = $1 AND to_kind = 'complainant'`,
			f.ID).Scan(&due); err != nil {
			t.Fatal(err)
		}
		if !due.Equal(tc.due) {
			t.Errorf("window %s: her SMS due %v; want %v", tc.window, due.UTC(), tc.due)
		}
	}
	if n, err := b.drain.DrainSMS(b.ctx); err != nil || n != 7 {
		t.Fatalf("first drain sent %d, %v; want the 6 officer SMS and hers inside her window", n, err)
	}
	b.clock.Set(time.Date(2025, 11, 26, 16, 30, 0, 0, time.UTC))
	if n, err := b.drain.DrainSMS(b.ctx); err != nil || n != 1 {
		t.Fatalf("drain at 22:00 IST sent %d, %v; want the one waiting for 22:00", n, err)
	}
	b.clock.Set(time.Date(2025, 11, 27, 4, 29, 0, 0, time.UTC))
	if n, err := b.drain.DrainSMS(b.ctx); err != nil || n != 0 {
		t.Fatalf("drain before 10:00 IST sent %d, %v; want none", n, err)
	}
	b.clock.Advance(time.Minute)
	if n, err := b.drain.DrainSMS(b.ctx); err != nil || n != 1 {
		t.Fatalf("drain at 10:00 IST sent %d, %v; want hers", n, err)
	}
}

// TestEscalationSMSToHer: when MSP legal pursues her dissatisfaction she is
// told by SMS that her case was taken up again and when the new report is
// due, in her language, never why or what about.
func TestEscalationSMSToHer(t *testing.T) {
	b := setup(t)
	in := input()
	in.Language = "hi"
	f := b.file(t, in)
	b.publish(t, f.ID, b.stationA1)
	if _, err := b.svc.Rate(b.ctx, string(f.Code), string(f.Secret), cases.RatingDissatisfied, "nothing changed", cases.English); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.LegalDecision(b.ctx, b.legal, f.ID, cases.DecisionPursue, "the warning was not enough", cases.English); err != nil {
		t.Fatal(err)
	}
	var body string
	if err := b.db.QueryRow(b.ctx, `SELECT body FROM sms_outbox WHERE complaint_id = $1 AND to_kind = 'complainant'
		AND template = $2`, f.ID, cases.TemplateEscalatedComplainant).Scan(&body); err != nil {
		t.Fatalf("no escalation SMS to her: %v", err)
	}
	if !strings.Contains(body, string(f.Code)) || !strings.Contains(body, "फिर से") || strings.Contains(body, "warning") {
		t.Fatalf("escalation SMS %q; want her code, in Hindi, without the reason", body)
	}
	if n := b.count(t, `SELECT count(*) FROM sms_outbox WHERE complaint_id = $1 AND to_kind = 'complainant'`, f.ID); n != 3 {
		t.Fatalf("%d SMS to her; want the receipt, the ATR and the escalation", n)
	}
}

// TestComplainantSMSRetryWaitsForHerWindow: a failed SMS to her is tried
// again inside her window, never after it closes; the officers' rows keep
// the plain backoff.
func TestComplainantSMSRetryWaitsForHerWindow(t *testing.T) {
	b := setup(t) // 15:30 IST
	in := input()
	in.CallbackWindow = "15:00-15:31"
	f := b.file(t, in)
	b.clock.Advance(45 * time.Second) // 15:30:45 IST: the 30 s backoff ends after 15:31
	if _, err := b.drainer(failingProvider{}).DrainSMS(b.ctx); err != nil {
		t.Fatal(err)
	}
	var herRetry, officerRetry time.Time
	if err := b.db.QueryRow(b.ctx, `SELECT max(next_attempt_at) FILTER (WHERE to_kind = 'complainant'),
		max(next_attempt_at) FILTER (WHERE to_kind <> 'complainant') FROM sms_outbox WHERE complaint_id = $1 AND attempts = 1`,
		f.ID).Scan(&herRetry, &officerRetry); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 11, 27, 9, 30, 0, 0, time.UTC); !herRetry.Equal(want) { // tomorrow 15:00 IST
		t.Errorf("her retry at %v; want %v, the next opening of her window", herRetry.UTC(), want)
	}
	if want := b.clock.Now().Add(30 * time.Second); !officerRetry.Equal(want) {
		t.Errorf("officers' retry at %v; want %v", officerRetry.UTC(), want)
	}
}
