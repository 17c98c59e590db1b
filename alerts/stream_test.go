package alerts_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/auth"
)

// startHub runs a hub until the test ends and waits until it listens.
func (b *bundle) startHub(t *testing.T) *alerts.Hub {
	t.Helper()
	ctx, cancel := context.WithCancel(b.ctx)
	hub := alerts.NewHub(b.db, alerts.HubDeps{})
	done := make(chan struct{})
	go func() { hub.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-hub.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("hub not listening")
	}
	return hub
}

func next(t *testing.T, st *alerts.Stream, within time.Duration) (alerts.EventView, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	e, err := st.Next(ctx)
	if err != nil {
		return alerts.EventView{}, false
	}
	return e, true
}

func TestStreamLiveAndScoped(t *testing.T) {
	b := setup(t)
	hub := b.startHub(t)
	admin := b.user(t, auth.RoleAdmin, auth.ScopeState, 0)
	a0, _ := b.raiseReport(t, lucknow[0], lucknow[1]) // only to learn the unit
	own := b.user(t, auth.RolePCR, auth.ScopePCR, a0.UnitID)
	other := b.user(t, auth.RolePCR, auth.ScopePCR, a0.UnitID+1)
	seen := int64(b.count(t, `SELECT max(pos) FROM alert_event_positions`))
	mine, err := b.svc.Follow(b.ctx, hub, own, seen)
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Close()
	theirs, err := b.svc.Follow(b.ctx, hub, other, seen)
	if err != nil {
		t.Fatal(err)
	}
	defer theirs.Close()

	start := time.Now()
	if _, err := b.svc.Acknowledge(b.ctx, admin, a0.ID); err != nil {
		t.Fatal(err)
	}
	e, ok := next(t, mine, 2*time.Second)
	if !ok || e.AlertID != a0.ID || e.Kind != alerts.EventAcknowledged {
		t.Fatalf("own console got %+v (%v)", e.Event, ok)
	}
	t.Logf("event reached the console in %v", time.Since(start))
	if e, ok := next(t, theirs, 300*time.Millisecond); ok {
		t.Errorf("another unit's console got %+v", e.Event)
	}
}

// TestStreamResumeExactlyOnce raises events continuously from several
// writers while consoles connect, drop and resume with Last-Event-ID; the
// union of what they received must be every event, each once, in order.
func TestStreamResumeExactlyOnce(t *testing.T) {
	b := setup(t)
	hub := b.startHub(t)
	admin := b.user(t, auth.RoleAdmin, auth.ScopeState, 0)

	const writers, perWriter = 4, 15
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				lead := alerts.Lead{LeadID: int64(w*1000 + i), AHTUID: 1 + w, Score: 50, Reason: "new"}
				if _, err := b.svc.RaiseLead(b.ctx, lead); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	writersDone := make(chan struct{})
	go func() { wg.Wait(); close(writersDone) }()

	var got []int64
	var last int64
	deadline := time.Now().Add(20 * time.Second)
	for round := 0; ; round++ {
		st, err := b.svc.Follow(b.ctx, hub, admin, last)
		if err != nil {
			t.Fatal(err)
		}
		if round == 0 {
			last = -1 // first connection had no Last-Event-ID: it starts live
		}
		// Read a few events, then "disconnect".
		for i := 0; i < 7; i++ {
			e, ok := next(t, st, 2*time.Second)
			if !ok {
				break
			}
			got = append(got, e.ID)
			last = e.ID
		}
		st.Close()
		time.Sleep(20 * time.Millisecond) // events pile up while away
		select {
		case <-writersDone:
			if n := b.count(t, `SELECT count(*) FROM alert_event_positions WHERE pos > $1`, max(last, 0)); n == 0 {
				goto check
			}
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
check:
	var first int64
	if len(got) > 0 {
		first = got[0]
	}
	rows, err := b.db.Query(b.ctx, `SELECT pos FROM alert_event_positions WHERE pos >= $1 ORDER BY pos`, first)
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	if len(got) != len(want) {
		t.Fatalf("received %d events, want %d\n got %v\nwant %v", len(got), len(want), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("event %d: got %d, want %d (missing or doubled)", i, got[i], want[i])
		}
	}
	if n := b.count(t, `SELECT count(*) FROM alert_events`); n != writers*perWriter {
		t.Errorf("%d events stored, want %d", n, writers*perWriter)
	}
}
