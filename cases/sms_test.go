package cases_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/notify"
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
	// A filing queues rows, not jobs: the periodic drain sends them.
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind LIKE 'cases.sms%'`); n != 0 {
		t.Fatalf("%d SMS jobs queued by a filing; want none", n)
	}
	w := &notify.SMSDrainWorker[notify.SMSDrainArgs]{Service: b.drain}
	if err := w.Work(b.ctx, &river.Job[notify.SMSDrainArgs]{JobRow: &rivertype.JobRow{Attempt: 1}}); err != nil {
		t.Fatal(err)
	}
	// A drain with nothing due, or a job queued by an earlier version, sends nothing twice.
	if n, err := b.drain.DrainSMS(b.ctx); err != nil || n != 0 {
		t.Fatalf("second drain sent %d, %v; want 0", n, err)
	}
	legacy := &notify.SMSDrainWorker[notify.SMSDeliverArgs]{Service: b.drain}
	if err := legacy.Work(b.ctx, &river.Job[notify.SMSDeliverArgs]{JobRow: &rivertype.JobRow{Attempt: 1},
		Args: notify.SMSDeliverArgs{OutboxID: ids[0]}}); err != nil {
		t.Fatal(err)
	}
	sent := b.sms.Sent()
	if len(sent) != 3 {
		t.Fatalf("provider got %d messages; want 3", len(sent))
	}
	var toHer *notify.SMS
	for i := range sent {
		if sent[i].ToKind == notify.ToComplainant {
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

// TestDrainSMSSharesRows: two drains at once send every row once.
func TestDrainSMSSharesRows(t *testing.T) {
	b := setup(t)
	for range 40 {
		b.file(t, input())
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := b.drain.DrainSMS(b.ctx)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := len(b.sms.Sent()); got != 120 {
		t.Fatalf("provider got %d messages from two drains; want each of 120 once", got)
	}
}

// mspDownProvider fails every SMS to the MSP and records the others.
type mspDownProvider struct{ notify.RecordingProvider }

func (p *mspDownProvider) Send(ctx context.Context, m notify.SMS) error {
	if m.ToKind == notify.ToMSP {
		return errors.New("gateway refused")
	}
	return p.RecordingProvider.Send(ctx, m)
}

// TestDeliverSMSPartialFailure: a row that fails does not hold back the
// others, waits out its backoff and is then sent.
func TestDeliverSMSPartialFailure(t *testing.T) {
	b := setup(t)
	b.file(t, input())
	down := &mspDownProvider{}
	svc := b.drainer(down)
	if n, err := svc.DrainSMS(b.ctx); err != nil || n != 2 {
		t.Fatalf("drain past a failing row sent %d, %v; want officers and her", n, err)
	}
	if n, err := b.drain.DrainSMS(b.ctx); err != nil || n != 0 {
		t.Fatalf("drain within the backoff sent %d, %v; want 0", n, err)
	}
	b.clock.Advance(31 * time.Second)
	if n, err := b.drain.DrainSMS(b.ctx); err != nil || n != 1 {
		t.Fatalf("drain after the backoff sent %d, %v; want the MSP's message", n, err)
	}
	if got := b.sms.Sent(); len(got) != 1 || got[0].ToKind != notify.ToMSP {
		t.Fatalf("the retry sent %+v; want only the MSP's message", got)
	}
	if n := b.count(t, `SELECT count(*) FROM sms_outbox WHERE status = 'sent'`); n != 3 {
		t.Fatalf("%d rows sent after the retry; want 3", n)
	}
}

type failingProvider struct{}

func (failingProvider) Name() string                           { return "failing" }
func (failingProvider) Send(context.Context, notify.SMS) error { return errors.New("gateway down") }

// TestDeliverSMSFailure: a row that keeps failing is tried with growing
// waits and marked failed after five attempts.
func TestDeliverSMSFailure(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	var id int64
	if err := b.db.QueryRow(b.ctx, `SELECT id FROM sms_outbox WHERE complaint_id = $1 AND to_kind = 'msp'`, f.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	svc := b.drainer(failingProvider{})
	attempts := func() int {
		var n int
		if err := b.db.QueryRow(b.ctx, `SELECT attempts FROM sms_outbox WHERE id = $1`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	drain := func() {
		if n, err := svc.DrainSMS(b.ctx); err != nil || n != 0 {
			t.Fatalf("drain sent %d, %v; want 0", n, err)
		}
	}
	for i, wait := range []time.Duration{0, 30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute} {
		if wait > 0 {
			b.clock.Advance(wait - time.Second)
			drain()
			if n := attempts(); n != i {
				t.Fatalf("a second before attempt %d: %d attempts; want %d (still waiting)", i+1, n, i)
			}
			b.clock.Advance(time.Second)
		}
		drain()
		if n := attempts(); n != i+1 {
			t.Fatalf("after attempt %d: %d attempts", i+1, n)
		}
	}
	var status string
	if err := b.db.QueryRow(b.ctx, `SELECT status FROM sms_outbox WHERE id = $1`, id).Scan(&status); err != nil {
		t.Fatal(err)
	}
	if status != "failed" {
		t.Fatalf("after five failures: %s; want failed", status)
	}
	b.clock.Advance(24 * time.Hour)
	drain()
	if n := attempts(); n != 5 {
		t.Fatalf("a failed row was tried again: %d attempts", n)
	}
}

// noGateway is the deployment's provider without VIKALP_SMS_URL: it holds
// messages, and a test fails if anything tries to send one.
type noGateway struct{ t *testing.T }

func (noGateway) Name() string { return "outbox" }
func (noGateway) Holds() bool  { return true }
func (g noGateway) Send(context.Context, notify.SMS) error {
	g.t.Error("a message was handed to a provider that holds")
	return nil
}

// TestDrainHoldsWithoutGateway: with no gateway configured the drain marks
// every due row held, never sent, and opens no number.
func TestDrainHoldsWithoutGateway(t *testing.T) {
	b := setup(t)
	held := b.drainer(noGateway{t})
	f := b.file(t, input()) // officers, MSP and her: three rows
	n, err := held.DrainSMS(b.ctx)
	if err != nil || n != 0 {
		t.Fatalf("DrainSMS = %d, %v; want 0 sent", n, err)
	}
	if got := b.count(t, `SELECT count(*) FROM sms_outbox WHERE status = 'held' AND provider = 'outbox' AND sent_at IS NULL`); got != 3 {
		t.Errorf("%d rows held; want 3", got)
	}
	if got := b.count(t, `SELECT count(*) FROM sms_outbox WHERE status <> 'held'`); got != 0 {
		t.Errorf("%d rows not held", got)
	}
	if got := b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'sms.phone_decrypted' AND object_id = $1`, f.ID); got != 0 {
		t.Errorf("her number was opened %d times with no gateway", got)
	}
}
