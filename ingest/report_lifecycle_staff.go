package ingest

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/text"
)

// lifecycleRoles may set a report's outcome: moderators and admins for the
// state, and the police who act on a place: PCR units and stations for
// their own area, nodal officers and SPs for their district.
var lifecycleRoles = []auth.Role{auth.RoleModerator, auth.RoleAdmin, auth.RolePCR, auth.RoleStation,
	auth.RoleNodal, auth.RoleSP}

// ReportArea is the routing of a report at ingest: what scopes it falls in.
type ReportArea struct {
	DistrictID int    `db:"district_id"`
	StationID  *int64 `db:"station_id"`
	PCRUnitID  *int64 `db:"pcr_unit_id"`
}

// covers reports whether p's scope includes area. Moderators and admins
// are state-wide; a PCR user scoped to a district sees the district.
func covers(p auth.Principal, area ReportArea) bool {
	switch p.Scope.Kind {
	case auth.ScopeState:
		return true
	case auth.ScopeDistrict:
		return int64(area.DistrictID) == p.Scope.ID
	case auth.ScopeStation:
		return area.StationID != nil && *area.StationID == p.Scope.ID
	case auth.ScopePCR:
		return area.PCRUnitID != nil && *area.PCRUnitID == p.Scope.ID
	}
	return false
}

// LifecycleRoles returns the roles that set outcomes, read report
// histories and export raw reports (each within its area).
func LifecycleRoles() []auth.Role { return append([]auth.Role(nil), lifecycleRoles...) }

// canWorkReports refuses roles that never set outcomes (ErrForbidden).
func canWorkReports(p auth.Principal) error {
	if !p.Has(lifecycleRoles...) {
		return fmt.Errorf("work reports as %s: %w", p.Role, vikalp.ErrForbidden)
	}
	return nil
}

// allowedOutcome reports whether a report with outcome from may move to to:
// an open, reopened or action-taken report to any outcome; a fixed one
// only to closed; a closed one nowhere (a new report reopens it).
func allowedOutcome(from, to string) bool {
	switch from {
	case "", OutcomeReopened, OutcomeActionTaken:
		return to != from
	case OutcomeFixed:
		return to == OutcomeClosed
	}
	return false
}

// SetOutcome records that staff member p took action on, fixed or closed
// approved report id, with a public reason code and a staff-only note. A
// report outside p's area is vikalp.ErrNotFound; a pending or rejected
// report, or a move the lifecycle does not allow, is a user-safe
// ErrConflict. The change is one event and one audit entry (without the
// note).
func (s *Service) SetOutcome(ctx context.Context, p auth.Principal, id int64, outcome, reason, note string) error {
	if err := canWorkReports(p); err != nil {
		return err
	}
	if outcome != OutcomeActionTaken && outcome != OutcomeFixed && outcome != OutcomeClosed {
		return vikalp.InvalidField("outcome", "bad_outcome", "outcome must be action_taken, fixed or closed")
	}
	if _, ok := ReasonLabel(reason); !ok {
		return vikalp.InvalidField("reason_code", "bad_reason", "choose one of the listed reasons")
	}
	clean, err := text.Field("note", note, MaxOutcomeNote)
	if err != nil {
		return err
	}
	err = pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		return s.setOutcomeInTx(ctx, tx, p, id, outcome, reason, clean)
	})
	if err != nil {
		return fmt.Errorf("set outcome of report %d: %w", id, err)
	}
	return nil
}

func (s *Service) setOutcomeInTx(ctx context.Context, tx pgx.Tx, p auth.Principal, id int64, outcome, reason, note string) error {
	store := NewReportStore(tx)
	st, err := store.LockLifecycle(ctx, id)
	if err != nil {
		return err
	}
	if !covers(p, st.Area) {
		return fmt.Errorf("report %d outside %s: %w", id, p.Scope, vikalp.ErrNotFound)
	}
	if st.Status != StatusApproved {
		return vikalp.Conflictf("only a published (approved) report can be acted on")
	}
	if !allowedOutcome(st.Outcome, outcome) {
		return vikalp.Conflictf("a %s report cannot become %s", nonEmpty(st.Outcome, "open"), outcome)
	}
	now := s.now()
	if err := store.SetOutcome(ctx, id, outcome, reason, p.UserID, now); err != nil {
		return err
	}
	if err := store.InsertEvent(ctx, ReportEvent{ReportID: id, At: now, ActorUserID: &p.UserID,
		ActorRole: string(p.Role), Kind: outcome, ReasonCode: reason, Note: note, Public: true}); err != nil {
		return err
	}
	if err := notifyReporter(ctx, store, id, outcome, now); err != nil {
		return err
	}
	_, err = auth.Append(ctx, tx, auth.EntryBy(p, "report."+outcome, "report", id,
		map[string]any{"from": nonEmpty(st.Outcome, "open"), "reason_code": reason}))
	return err
}

// nonEmpty returns s, or def when s is empty.
func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// recordModeration writes the public event of a moderation decision and,
// for an approval, reopens the fixed or closed reports it repeats. decide
// calls it in its transaction.
func (s *Service) recordModeration(ctx context.Context, tx pgx.Tx, p auth.Principal, id int64, status string, reason *string) error {
	store := NewReportStore(tx)
	ev := ReportEvent{ReportID: id, At: s.now(), ActorUserID: &p.UserID, ActorRole: string(p.Role),
		Kind: status, Public: status == StatusApproved}
	if reason != nil {
		ev.ReasonCode = *reason
	}
	if err := store.InsertEvent(ctx, ev); err != nil {
		return err
	}
	if err := notifyReporter(ctx, store, id, status, ev.At); err != nil {
		return err
	}
	if status != StatusApproved {
		return nil
	}
	return s.reopenRepeated(ctx, store, id)
}

// reopenRepeated reopens every fixed or closed approved report that newly
// approved report id repeats: same category, and the same r9 cell or within
// Config.DuplicateRadius (as duplicate linking), received after the older
// report's closure. Each reopening is a public event naming the new report.
func (s *Service) reopenRepeated(ctx context.Context, store *ReportStore, id int64) error {
	now := s.now()
	reopened, err := store.ReopenRepeated(ctx, id, min(s.cfg.DuplicateRadius, MaxDuplicateRadius), now)
	if err != nil {
		return err
	}
	for _, old := range reopened {
		newID := id
		if err := store.InsertEvent(ctx, ReportEvent{ReportID: old, At: now, ActorRole: "system",
			Kind: OutcomeReopened, ByReportID: &newID, Public: true}); err != nil {
			return err
		}
		if err := notifyReporter(ctx, store, old, OutcomeReopened, now); err != nil {
			return err
		}
	}
	return nil
}

// StaffReportView is a report's lifecycle as staff see it: the full
// history with notes and the reporter's updates.
type StaffReportView struct {
	ID      int64
	Code    string
	Status  string
	Outcome string
	Events  []ReportEvent
	Updates []ReporterUpdate
}

// ReportHistory returns report id's history and the reporter's updates for
// staff member p within p's area; outside it, vikalp.ErrNotFound.
func (s *Service) ReportHistory(ctx context.Context, p auth.Principal, id int64) (StaffReportView, error) {
	if err := canWorkReports(p); err != nil {
		return StaffReportView{}, err
	}
	store := NewReportStore(s.db)
	st, err := store.Lifecycle(ctx, id)
	if err != nil {
		return StaffReportView{}, err
	}
	if !covers(p, st.Area) {
		return StaffReportView{}, fmt.Errorf("report %d outside %s: %w", id, p.Scope, vikalp.ErrNotFound)
	}
	v := StaffReportView{ID: id, Code: st.Code, Status: st.Status, Outcome: st.Outcome}
	if v.Events, err = store.Events(ctx, id); err != nil {
		return v, err
	}
	v.Updates, err = store.Updates(ctx, id)
	return v, err
}

// UpdatePhoto returns the photo of the reporter's update updateID to report
// id for staff member p in the report's area (elsewhere, or an update
// without a photo: vikalp.ErrNotFound): the pipeline's metadata-free
// derivative, or its thumbnail.
func (s *Service) UpdatePhoto(ctx context.Context, p auth.Principal, id, updateID int64, thumb bool) ([]byte, error) {
	if err := canWorkReports(p); err != nil {
		return nil, err
	}
	store := NewReportStore(s.db)
	st, err := store.Lifecycle(ctx, id)
	if err != nil {
		return nil, err
	}
	if !covers(p, st.Area) {
		return nil, fmt.Errorf("report %d outside %s: %w", id, p.Scope, vikalp.ErrNotFound)
	}
	mediaID, err := store.UpdateMedia(ctx, id, updateID)
	if err != nil {
		return nil, err
	}
	m, err := NewMediaStore(s.db).Media(ctx, mediaID)
	if err != nil {
		return nil, err
	}
	v := VariantDerivative
	if thumb {
		v = VariantThumbnail
	}
	return s.readVariant(ctx, m, v)
}
