package cases_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/testkit"
)

// alertRecorder is a cases.AlertRaiser that remembers its notices.
type alertRecorder struct {
	mu      sync.Mutex
	notices []cases.AlertNotice
}

func (r *alertRecorder) RaiseComplaintsTx(_ context.Context, tx pgx.Tx, ns []cases.AlertNotice) error {
	if tx == nil {
		panic("no transaction")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notices = append(r.notices, ns...)
	return nil
}

// TestAlertHook checks that a new complaint alerts its district's officers
// and the MSP, and an overdue ATR the rung's officers, in the same
// transaction as the SMS.
func TestAlertHook(t *testing.T) {
	b := setup(t)
	jobs, err := river.NewClient(riverpgxv5.New(b.db), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	rec := &alertRecorder{}
	svc := cases.NewService(b.db, cases.Deps{Jobs: jobs, Router: jurisdiction.New(b.db),
		Keyring: testkit.Keyring(t), Clock: b.clock, Alerts: rec})
	f, err := svc.File(b.ctx, nil, input(), cases.English)
	if err != nil {
		t.Fatal(err)
	}
	b.clock.Set(f.ATRDueAt.Add(time.Minute))
	if _, err := svc.CheckSLA(b.ctx, cases.SLACheckArgs{ComplaintID: f.ID, DueAt: f.ATRDueAt, Rung: cases.RungNodal}); err != nil {
		t.Fatal(err)
	}
	want := []cases.AlertNotice{
		{Event: "assigned", ToMSP: false, ToRole: ""},
		{Event: "assigned", ToMSP: true, ToRole: ""},
		{Event: "atr_overdue", ToMSP: false, ToRole: "nodal"},
	}
	if len(rec.notices) != len(want) {
		t.Fatalf("notices = %+v, want %d", rec.notices, len(want))
	}
	for i, n := range rec.notices {
		w := want[i]
		if n.Event != w.Event || n.ToMSP != w.ToMSP || n.ToRole != w.ToRole || n.ComplaintID != f.ID ||
			n.Code != string(f.Code) || n.DistrictID != b.fx.DistrictA || !n.DueAt.Equal(f.ATRDueAt) {
			t.Errorf("notice %d = %+v, want %+v for complaint %d", i, n, w, f.ID)
		}
	}
}
