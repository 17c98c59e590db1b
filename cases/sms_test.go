package cases_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/cases/casestest"
)

// TestSMSNeverNamesHerOrTheCrime runs the whole lifecycle plus the SLA
// ladder and checks every queued body.
func TestSMSNeverNamesHerOrTheCrime(t *testing.T) {
	b := setup(t)
	for _, lang := range []string{"en", "hi"} {
		in := input()
		in.Language = lang
		in.Category = "dowry_harassment"
		f := b.file(t, in)
		b.clock.Set(f.ATRDueAt.Add(24 * time.Hour))
		for _, r := range []int{1, 2, 3} {
			if _, err := b.svc.CheckSLA(b.ctx, cases.SLACheckArgs{ComplaintID: f.ID, DueAt: f.ATRDueAt, Rung: r}); err != nil {
				t.Fatal(err)
			}
		}
		b.publish(t, f.ID, b.stationA1)
		if _, err := b.svc.Rate(b.ctx, string(f.Code), string(f.Secret), cases.RatingDissatisfied, "no", cases.English); err != nil {
			t.Fatal(err)
		}
		if err := b.svc.LegalDecision(b.ctx, b.legal, f.ID, cases.DecisionPursue, "pursue", cases.English); err != nil {
			t.Fatal(err)
		}
	}
	rows, _ := b.db.Query(b.ctx, `SELECT body FROM sms_outbox`)
	bodies, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(bodies) < 16 {
		t.Fatalf("only %d SMS queued", len(bodies))
	}
	forbidden := []string{"Asha", "Verma", "9876543210", "98765", "Park Road", "bus stop",
		"harass", "dowry", "violence", "stalk", "traffick", "sexual", "दहेज", "उत्पीड़न", "हिंसा", "तस्करी", "पीछा"}
	for _, c := range cases.Categories() {
		forbidden = append(forbidden, string(c.Code), c.LabelEN, c.LabelHI)
	}
	for _, body := range bodies {
		for _, word := range forbidden {
			if strings.Contains(strings.ToLower(body), strings.ToLower(word)) {
				t.Errorf("SMS %q contains %q", body, word)
			}
		}
	}
}

func TestDeliverSMS(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	rows, _ := b.db.Query(b.ctx, `SELECT id FROM sms_outbox WHERE complaint_id = $1 ORDER BY id`, f.ID)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(ids) != 3 {
		t.Fatalf("outbox ids %v, %v", ids, err)
	}
	var phoneSealed []byte
	if err := b.db.QueryRow(b.ctx, `SELECT phone_sealed FROM sms_outbox WHERE to_kind = 'complainant'`).Scan(&phoneSealed); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(phoneSealed), "9876543210") {
		t.Fatal("complainant phone stored in clear in the outbox")
	}
	// The filing queued one job for its three rows: work it as River would.
	var args cases.SMSDeliverArgs
	if err := b.db.QueryRow(b.ctx, `SELECT args FROM river_job WHERE kind = 'cases.sms_deliver'`).Scan(&args); err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(slices.Values(args.OutboxIDs)); !slices.Equal(got, ids) {
		t.Fatalf("delivery job rows %v; want %v", got, ids)
	}
	w := &cases.SMSDeliverWorker{Service: b.svc}
	if err := w.Work(b.ctx, &river.Job[cases.SMSDeliverArgs]{JobRow: &rivertype.JobRow{Attempt: 1}, Args: args}); err != nil {
		t.Fatal(err)
	}
	// A job queued before rows were grouped names one row; already sent, it is a no-op.
	if err := w.Work(b.ctx, &river.Job[cases.SMSDeliverArgs]{JobRow: &rivertype.JobRow{Attempt: 1},
		Args: cases.SMSDeliverArgs{OutboxID: ids[0]}}); err != nil {
		t.Fatal(err)
	}
	sent := b.sms.Sent()
	if len(sent) != 3 {
		t.Fatalf("provider got %d messages; want 3", len(sent))
	}
	var toHer *cases.SMS
	for i := range sent {
		if sent[i].ToKind == cases.SMSToComplainant {
			toHer = &sent[i]
		}
	}
	if toHer == nil || toHer.Phone != "+919876543210" || !strings.Contains(toHer.Body, string(f.Code)) {
		t.Fatalf("SMS to her = %+v; want her number and her code", toHer)
	}
	if n := b.count(t, `SELECT count(*) FROM sms_outbox WHERE status = 'sent' AND provider = 'recording' AND sent_at IS NOT NULL`); n != 3 {
		t.Fatalf("%d rows marked sent; want 3", n)
	}
	if n := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'sms.phone_decrypted' AND object_id = $1`, f.ID); n != 1 {
		t.Fatalf("%d audit rows for opening her number; want 1", n)
	}
}

// mspDownProvider fails every SMS to the MSP and records the others.
type mspDownProvider struct{ cases.RecordingProvider }

func (p *mspDownProvider) Send(ctx context.Context, m cases.SMS) error {
	if m.ToKind == cases.SMSToMSP {
		return errors.New("gateway refused")
	}
	return p.RecordingProvider.Send(ctx, m)
}

// TestDeliverSMSPartialFailure: one row of a job failing fails the job (so
// River retries it) without holding back the others, and the retry sends
// only what is still queued.
func TestDeliverSMSPartialFailure(t *testing.T) {
	b := setup(t)
	b.file(t, input())
	var args cases.SMSDeliverArgs
	if err := b.db.QueryRow(b.ctx, `SELECT args FROM river_job WHERE kind = 'cases.sms_deliver'`).Scan(&args); err != nil {
		t.Fatal(err)
	}
	down := &mspDownProvider{}
	svc := cases.NewService(b.db, cases.Deps{Keyring: casestest.Keyring(t), Provider: down, Clock: b.clock})
	job := &river.Job[cases.SMSDeliverArgs]{JobRow: &rivertype.JobRow{Attempt: 1}, Args: args}
	if err := (&cases.SMSDeliverWorker{Service: svc}).Work(b.ctx, job); err == nil {
		t.Fatal("a job with a failed row returned nil; River must retry it")
	}
	if n := len(down.Sent()); n != 2 {
		t.Fatalf("%d messages sent past the failing one; want officers and her", n)
	}
	job.Attempt = 2
	if err := (&cases.SMSDeliverWorker{Service: b.svc}).Work(b.ctx, job); err != nil {
		t.Fatal(err)
	}
	if got := b.sms.Sent(); len(got) != 1 || got[0].ToKind != cases.SMSToMSP {
		t.Fatalf("the retry sent %+v; want only the MSP's message", got)
	}
	if n := b.count(t, `SELECT count(*) FROM sms_outbox WHERE status = 'sent'`); n != 3 {
		t.Fatalf("%d rows sent after the retry; want 3", n)
	}
}

type failingProvider struct{}

func (failingProvider) Name() string                          { return "failing" }
func (failingProvider) Send(context.Context, cases.SMS) error { return errors.New("gateway down") }

func TestDeliverSMSFailure(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	var id int64
	if err := b.db.QueryRow(b.ctx, `SELECT id FROM sms_outbox WHERE complaint_id = $1 AND to_kind = 'msp'`, f.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	svc := cases.NewService(b.db, cases.Deps{Keyring: nil, Provider: failingProvider{}, Clock: b.clock})
	if err := svc.DeliverSMS(b.ctx, []int64{id}, false); err == nil {
		t.Fatal("a failed send returned nil; River must retry it")
	}
	if err := svc.DeliverSMS(b.ctx, []int64{id}, true); err == nil {
		t.Fatal("a failed final send returned nil")
	}
	var status string
	var attempts int
	if err := b.db.QueryRow(b.ctx, `SELECT status, attempts FROM sms_outbox WHERE id = $1`, id).Scan(&status, &attempts); err != nil {
		t.Fatal(err)
	}
	if status != "failed" || attempts != 2 {
		t.Fatalf("after two failures: %s after %d attempts; want failed after 2", status, attempts)
	}
}
