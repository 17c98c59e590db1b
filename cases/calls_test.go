package cases_test

import (
	"testing"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/cases"
)

func TestCallTasks(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	b.publish(t, f.ID, b.stationA1)
	tasks, err := b.svc.CallTasks(b.ctx, b.analyst, true)
	if err != nil || len(tasks) != 1 {
		t.Fatalf("CallTasks = %+v, %v; want the after-ATR task", tasks, err)
	}
	task := tasks[0]
	if task.Reason != cases.CallAfterATR || task.Code != f.Code || task.CallbackWindow != "09:00-21:00" ||
		!task.DueAt.Equal(start.Add(24*time.Hour)) || task.Outcome != nil {
		t.Fatalf("task = %+v", task)
	}
	_, err = b.svc.RecordCallOutcome(b.ctx, b.analyst, task.ID, "hung_up", "", cases.English)
	wantCode(t, err, vikalp.ErrInvalid, cases.CodeCallOutcomeInvalid)
	_, err = b.svc.RecordCallOutcome(b.ctx, b.stationA1, task.ID, cases.CallReached, "", cases.English)
	wantKind(t, err, vikalp.ErrForbidden)
	done, err := b.svc.RecordCallOutcome(b.ctx, b.analyst, task.ID, cases.CallUnsafeToTalk, "husband answered", cases.English)
	if err != nil || done.Outcome == nil || *done.Outcome != cases.CallUnsafeToTalk || done.DoneAt == nil {
		t.Fatalf("RecordCallOutcome = %+v, %v", done, err)
	}
	_, err = b.svc.RecordCallOutcome(b.ctx, b.legal, task.ID, cases.CallReached, "", cases.English)
	wantKind(t, err, vikalp.ErrConflict)
	_, err = b.svc.RecordCallOutcome(b.ctx, b.legal, task.ID+100, cases.CallReached, "", cases.English)
	wantKind(t, err, vikalp.ErrNotFound)
	if open, _ := b.svc.CallTasks(b.ctx, b.analyst, true); len(open) != 0 {
		t.Fatalf("%d open tasks after the outcome", len(open))
	}
	if all, _ := b.svc.CallTasks(b.ctx, b.analyst, false); len(all) != 1 {
		t.Fatalf("%d tasks in the full list; want 1", len(all))
	}
	// The outcome is on the internal timeline only (unsafe_to_talk must never reach her page).
	for _, k := range b.eventKinds(t, f.ID, true) {
		if k == cases.EventCallOutcomeRecorded || k == cases.EventCallTaskCreated {
			t.Fatalf("call event %s is public", k)
		}
	}
	// Without a phone there is no one to call.
	in := input()
	in.Contact.Phone = ""
	g := b.file(t, in)
	b.publish(t, g.ID, b.stationA1)
	if n := b.count(t, `SELECT count(*) FROM call_tasks WHERE complaint_id = $1`, g.ID); n != 0 {
		t.Fatalf("%d call tasks for a complaint without a phone", n)
	}
}
