package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/clock"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/notify"
)

var now = time.Date(2025, 11, 26, 10, 0, 0, 0, time.UTC)

// queue queues ms in one transaction, as a caller does.
func queue(t *testing.T, db pg.DBTX, ms ...notify.OutboxSMS) {
	t.Helper()
	err := pg.WithTx(context.Background(), db, func(tx pgx.Tx) error {
		return notify.NewStore(tx).Queue(context.Background(), ms...)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestStoreQueueLockList: queued rows are due at once unless deferred, the
// lock returns them oldest first, and the admin list never carries a
// number.
func TestStoreQueueLockList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	queue(t, db,
		notify.OutboxSMS{ToKind: notify.ToMSP, Template: "a.b", Body: "one", CreatedAt: now},
		notify.OutboxSMS{ToKind: notify.ToComplainant, PhoneSealed: []byte("sealed"), Template: "a.b", Body: "two",
			CreatedAt: now, NotBefore: now.Add(time.Hour)})
	var b pgx.Batch
	notify.QueueBatch(&b, []notify.OutboxSMS{{ToKind: notify.ToMSP, Template: "a.c", Body: "three", CreatedAt: now}})
	if err := db.SendBatch(ctx, &b).Close(); err != nil {
		t.Fatal(err)
	}
	err := pg.WithTx(ctx, db, func(tx pgx.Tx) error {
		due, err := notify.NewStore(tx).LockDue(ctx, now, 10)
		if err != nil {
			return err
		}
		if len(due) != 2 || due[0].Body != "one" || due[1].Body != "three" {
			t.Errorf("due %+v; want one and three", due)
		}
		later, err := notify.NewStore(tx).LockDue(ctx, now.Add(time.Hour), 10)
		if len(later) != 3 {
			t.Errorf("due in an hour: %d rows; want 3", len(later))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	list, err := notify.NewStore(db).List(ctx, "", 0, 0)
	if err != nil || len(list) != 3 {
		t.Fatalf("List = %d rows, %v", len(list), err)
	}
	for _, m := range list {
		if m.PhoneSealed != nil {
			t.Errorf("admin list carries a sealed number in row %d", m.ID)
		}
	}
	if list[0].Body != "three" {
		t.Errorf("List starts with %q; want the newest", list[0].Body)
	}
}

// opener opens every number to the same one, or fails.
type opener struct{ err error }

func (o opener) OpenPhone(context.Context, notify.OutboxSMS) (string, error) {
	return "+919876543210", o.err
}

// TestDrainOpensThroughItsOpener: a number is opened by the opener of its
// recipient kind; a row without one fails its attempt and the others go.
func TestDrainOpensThroughItsOpener(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.New(t)
	queue(t, db,
		notify.OutboxSMS{ToKind: notify.ToComplainant, PhoneSealed: []byte("x"), Template: "a.b", Body: "her", CreatedAt: now},
		notify.OutboxSMS{ToKind: notify.ToMSP, Template: "a.b", Body: "msp", CreatedAt: now})
	rec := &notify.RecordingProvider{}
	clk := clock.NewFake(now)
	none := notify.NewService(db, notify.Deps{Provider: rec, Clock: clk})
	if n, err := none.DrainSMS(ctx); err != nil || n != 1 {
		t.Fatalf("drain without an opener sent %d, %v; want the MSP's only", n, err)
	}
	clk.Advance(31 * time.Second)
	opened := notify.NewService(db, notify.Deps{Provider: rec, Clock: clk,
		Openers: map[string]notify.PhoneOpener{notify.ToComplainant: opener{}}})
	if n, err := opened.DrainSMS(ctx); err != nil || n != 1 {
		t.Fatalf("retry with an opener sent %d, %v; want hers", n, err)
	}
	sent := rec.Sent()
	if len(sent) != 2 || sent[1].Phone != "+919876543210" || sent[0].Phone != "" {
		t.Fatalf("sent %+v; want the MSP's without a number, then hers with it", sent)
	}
}
