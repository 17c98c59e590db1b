package cases

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vikalp/vikalp/auth"
)

// CallReason says why MSP should call her.
type CallReason string

// Reasons for a follow-up call.
const (
	CallAfterATR             CallReason = "after_atr"
	CallAfterDissatisfaction CallReason = "after_dissatisfaction"
	CallNoRating             CallReason = "no_rating_72h"
)

// CallOutcome is how a follow-up call went.
type CallOutcome string

// Call outcomes.
const (
	CallReached      CallOutcome = "reached"
	CallUnsafeToTalk CallOutcome = "unsafe_to_talk"
	CallUnreachable  CallOutcome = "unreachable"
	CallWrongNumber  CallOutcome = "wrong_number"
)

// Valid reports whether o is a known outcome.
func (o CallOutcome) Valid() bool {
	return o == CallReached || o == CallUnsafeToTalk || o == CallUnreachable || o == CallWrongNumber
}

// CallTask is an MSP follow-up call, with what the caller needs from the
// complaint: its code, district, her safe time to call and whether she asked
// for confidentiality. Her number is in Detail (an audited decryption).
type CallTask struct {
	ID             int64        `db:"id"`
	ComplaintID    int64        `db:"complaint_id"`
	Code           Code         `db:"code"`
	DistrictID     int          `db:"district_id"`
	CallbackWindow string       `db:"callback_window"`
	Confidential   bool         `db:"confidential"`
	Reason         CallReason   `db:"reason"`
	ATRID          *int64       `db:"atr_id"`
	DueAt          time.Time    `db:"due_at"`
	Outcome        *CallOutcome `db:"outcome"`
	Note           string       `db:"note"`
	DoneBy         *int64       `db:"done_by"`
	DoneAt         *time.Time   `db:"done_at"`
	CreatedAt      time.Time    `db:"created_at"`
}

// mspRoles are the roles that work MSP call tasks.
var mspRoles = []auth.Role{auth.RoleMSPAnalyst, auth.RoleMSPLegal}

// CallTasks lists the call tasks MSP staff should work, open ones first;
// openOnly hides completed ones. Only MSP roles have call tasks.
func (s *Service) CallTasks(ctx context.Context, p auth.Principal, openOnly bool) ([]CallTask, error) {
	if err := requireRole(p, mspRoles...); err != nil {
		return nil, err
	}
	v, err := visibility(p)
	if err != nil {
		return nil, err
	}
	return NewCallStore(s.db).List(ctx, v, nil, openOnly)
}

// RecordCallOutcome completes an open call task with its outcome and an
// officer-internal note. A task already completed is an ErrConflict.
func (s *Service) RecordCallOutcome(ctx context.Context, p auth.Principal, taskID int64, o CallOutcome,
	note string, lang Language) (CallTask, error) {
	o = CallOutcome(strings.ToLower(strings.TrimSpace(string(o))))
	if !o.Valid() {
		return CallTask{}, invalid(lang, "outcome", CodeCallOutcomeInvalid)
	}
	note, ok := cleanText(note, MaxNote)
	if !ok {
		return CallTask{}, invalid(lang, "note", CodeNoteTooLong)
	}
	if err := requireRole(p, mspRoles...); err != nil {
		return CallTask{}, err
	}
	var task CallTask
	err := s.inTx(ctx, func(t *txn) error {
		v, err := visibility(p)
		if err != nil {
			return err
		}
		if task, err = t.calls.ByIDForUpdate(ctx, taskID, v); err != nil {
			return err
		}
		if task.Outcome != nil {
			return conflict(lang)
		}
		by := staffActor(p)
		if err := t.calls.Complete(ctx, task.ID, o, note, by.userID, t.now); err != nil {
			return err
		}
		task.Outcome, task.Note, task.DoneBy, task.DoneAt = &o, note, by.userID, &t.now
		t.addEvent(Event{ComplaintID: task.ComplaintID, At: t.now,
			ActorUserID: by.userID, ActorRole: by.kind, Kind: EventCallOutcomeRecorded,
			Detail: map[string]any{"call_task_id": task.ID, "outcome": o}})
		return nil
	})
	if err != nil {
		return CallTask{}, fmt.Errorf("record call outcome for task %d: %w", taskID, err)
	}
	return task, nil
}

// addCallTask asks MSP to call her, when she gave a phone number.
func (s *Service) addCallTask(ctx context.Context, t *txn, c *Complaint, reason CallReason, atrID *int64) error {
	if !c.HasPhone {
		return nil
	}
	task, created, err := t.calls.Insert(ctx, c.ID, reason, atrID, t.now.Add(s.cfg.CallWithin), t.now)
	if err != nil || !created {
		return err
	}
	return t.note(ctx, c, systemActor, EventCallTaskCreated, "", false,
		map[string]any{"call_task_id": task.ID, "reason": reason})
}
