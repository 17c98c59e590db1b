package cases

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/notify"
)

// TransferState is where a transfer stands.
type TransferState string

// Transfer states: a district request waiting for the receiving side, a
// move that happened, or a request the receiving side declined.
const (
	TransferRequested TransferState = "requested"
	TransferDone      TransferState = "done"
	TransferDeclined  TransferState = "declined"
)

// Timeline event kinds of transfers. A move is public (her tracking names
// the new place, never the reason); requests and declines are staff-only.
const (
	EventTransferredStation  = "transferred_station"
	EventTransferredDistrict = "transferred_district"
	EventTransferRequested   = "transfer_requested"
	EventTransferDeclined    = "transfer_declined"
)

// Transfer is one move of a complaint between stations or districts, or a
// request for one, with the names of both places. Reason, RestartReason and
// DeclineReason are staff text.
type Transfer struct {
	ID             int64         `db:"id"`
	ComplaintID    int64         `db:"complaint_id"`
	Code           Code          `db:"code"`
	FromStationID  int64         `db:"from_station_id"`
	FromDistrictID int           `db:"from_district_id"`
	ToStationID    *int64        `db:"to_station_id"` // nil on a request that leaves it to the receiving SP
	ToDistrictID   int           `db:"to_district_id"`
	RequestedBy    int64         `db:"requested_by"`
	RequesterRole  Actor         `db:"requester_role"`
	Reason         string        `db:"reason"`
	State          TransferState `db:"state"`
	RestartSLA     bool          `db:"restart_sla"`
	RestartReason  string        `db:"restart_reason"`
	DecidedBy      *int64        `db:"decided_by"`
	DeciderRole    string        `db:"decider_role"`
	DeclineReason  string        `db:"decline_reason"`
	CreatedAt      time.Time     `db:"created_at"`
	DecidedAt      *time.Time    `db:"decided_at"`
	FromStationEN  string        `db:"from_station_en"`
	FromStationHI  string        `db:"from_station_hi"`
	FromDistrictEN string        `db:"from_district_en"`
	FromDistrictHI string        `db:"from_district_hi"`
	ToStationEN    string        `db:"to_station_en"`
	ToStationHI    string        `db:"to_station_hi"`
	ToDistrictEN   string        `db:"to_district_en"`
	ToDistrictHI   string        `db:"to_district_hi"`
}

// TransferInput moves a complaint to StationID now. RestartSLA (MSP only,
// with RestartReason) gives the new station a fresh ATR window; otherwise
// her deadline and the SLA stage stay as they are.
type TransferInput struct {
	StationID     int64
	Reason        string
	RestartSLA    bool
	RestartReason string
}

// TransferRequestInput asks to move a complaint to DistrictID, optionally
// naming the station (the receiving SP may choose another).
type TransferRequestInput struct {
	DistrictID int
	StationID  *int64
	Reason     string
}

// Roles that move complaints: within a district the nodal officer and SP,
// anywhere the MSP.
var (
	districtMovers = []auth.Role{auth.RoleNodal, auth.RoleSP}
	transferRoles  = []auth.Role{auth.RoleNodal, auth.RoleSP, auth.RoleMSPAnalyst, auth.RoleMSPLegal}
)

// Transfer moves complaint id to another station at once: a nodal officer
// or SP within the district (a station elsewhere needs RequestTransfer),
// the MSP anywhere. A reason is required. Her deadline and the SLA stage
// do not change unless the MSP restarts the window with a reason. The
// complaint keeps its code; scopes follow the move (the old station gets
// ErrNotFound afterwards); the new district's officers get an SMS.
func (s *Service) Transfer(ctx context.Context, p auth.Principal, id int64, in TransferInput, lang Language) (Transfer, error) {
	in, err := validateTransfer(in, lang)
	if err != nil {
		return Transfer{}, err
	}
	var x Transfer
	err = s.inTx(ctx, func(t *txn) error {
		c, err := s.lockScoped(ctx, t, p, id)
		if err != nil {
			return err
		}
		if err := requireRole(p, transferRoles...); err != nil {
			return err
		}
		st, err := s.checkTransfer(ctx, t, c, p, in, lang)
		if err != nil {
			return err
		}
		x = Transfer{ComplaintID: c.ID, FromStationID: c.StationID, FromDistrictID: c.DistrictID, ToStationID: &st.ID,
			ToDistrictID: st.DistrictID, RequestedBy: p.UserID, RequesterRole: Actor(p.Role), Reason: in.Reason,
			State: TransferDone, RestartSLA: in.RestartSLA, RestartReason: in.RestartReason, DecidedBy: &p.UserID,
			DeciderRole: string(p.Role), CreatedAt: t.now, DecidedAt: &t.now}
		if err := s.relocate(ctx, t, &c, st, in.RestartSLA); err != nil {
			return err
		}
		if x, err = NewTransferStore(t.tx).Insert(ctx, x); err != nil {
			return err
		}
		return s.recordMove(ctx, t, p, &c, x)
	})
	if err != nil {
		return Transfer{}, fmt.Errorf("transfer complaint %d: %w", id, err)
	}
	return x, nil
}

// validateTransfer cleans a direct transfer's reasons.
func validateTransfer(in TransferInput, lang Language) (TransferInput, error) {
	var err error
	if in.Reason, err = validateReason(in.Reason, true, lang); err != nil {
		return in, err
	}
	if in.RestartReason, err = validateReason(in.RestartReason, false, lang); err != nil {
		return in, vikalp.InvalidField("restart_reason", CodeReasonTooLong, Message(CodeReasonTooLong, lang.orEnglish()))
	}
	if in.RestartSLA && in.RestartReason == "" {
		return in, invalid(lang, "restart_reason", CodeRestartReason)
	}
	return in, nil
}

// checkTransfer applies the rules of a direct transfer of c and returns
// the station it goes to.
func (s *Service) checkTransfer(ctx context.Context, t *txn, c Complaint, p auth.Principal, in TransferInput,
	lang Language) (Station, error) {
	if err := s.checkMovable(ctx, t, c, lang); err != nil {
		return Station{}, err
	}
	st, err := s.station(ctx, t, in.StationID, lang)
	if err != nil {
		return Station{}, err
	}
	msp := p.Has(mspRoles...)
	switch {
	case st.ID == c.StationID:
		return Station{}, invalid(lang, "station_id", CodeTransferSameStation)
	case !msp && st.DistrictID != c.DistrictID:
		return Station{}, invalid(lang, "station_id", CodeTransferOtherDistrict)
	case in.RestartSLA && !msp:
		return Station{}, &vikalp.UserError{Kind: vikalp.ErrForbidden, Field: "restart_sla", Code: CodeRestartMSPOnly,
			Message: Message(CodeRestartMSPOnly, lang.orEnglish())}
	case in.RestartSLA && !c.Status.AwaitingATR():
		return Station{}, invalid(lang, "restart_sla", CodeRestartNotOwed)
	}
	return st, nil
}

// checkMovable refuses to move a complaint that is over (closed or
// withdrawn) or whose ATR waits for the nodal officer's vetting: the
// vetting belongs to the district that received the report. A draft not
// yet submitted moves with the complaint for the new station to finish.
func (s *Service) checkMovable(ctx context.Context, t *txn, c Complaint, lang Language) error {
	if !withdrawable(c.Status) {
		return conflictField(lang, "", CodeComplaintNotOpen)
	}
	if c.Status != StatusATRDraft {
		return nil
	}
	a, err := t.atrs.Open(ctx, c.ID)
	if err != nil && !errors.Is(err, vikalp.ErrNotFound) {
		return err
	}
	if err == nil && a.Status == ATRSubmitted {
		return conflictField(lang, "", CodeTransferATRVetting)
	}
	return nil
}

// station returns station id, or a user error when there is none.
func (s *Service) station(ctx context.Context, t *txn, id int64, lang Language) (Station, error) {
	st, err := NewTransferStore(t.tx).Station(ctx, id)
	if errors.Is(err, vikalp.ErrNotFound) {
		return Station{}, invalid(lang, "station_id", CodeUnknownStation)
	}
	return st, err
}

// relocate moves c to st, keeping its deadline and SLA stage unless
// restart gives a fresh ATR window.
func (s *Service) relocate(ctx context.Context, t *txn, c *Complaint, st Station, restart bool) error {
	due, stage := c.ATRDueAt, c.SLAStage
	if restart {
		d := t.now.Add(s.cfg.ATRWindow)
		due, stage = &d, 0
	}
	if err := NewTransferStore(t.tx).Move(ctx, c.ID, st.ID, st.DistrictID, due, stage, t.now); err != nil {
		return err
	}
	c.StationID, c.DistrictID, c.ATRDueAt, c.SLAStage = st.ID, st.DistrictID, due, stage
	return nil
}

// recordMove writes a done transfer's public event (place names only, no
// reason), audit entry, and the SMS and console alert to the officers of
// the district c is now in.
func (s *Service) recordMove(ctx context.Context, t *txn, p auth.Principal, c *Complaint, x Transfer) error {
	kind := EventTransferredStation
	if x.FromDistrictID != x.ToDistrictID {
		kind = EventTransferredDistrict
	}
	detail := map[string]any{"transfer_id": x.ID, "from_station_id": x.FromStationID,
		"from_district_id": x.FromDistrictID, "to_station_id": c.StationID, "to_district_id": c.DistrictID,
		"restart_sla": x.RestartSLA}
	if x.RestartSLA {
		detail["restart_reason"], detail["atr_due_at"] = x.RestartReason, c.ATRDueAt
	}
	if err := t.note(ctx, c, staffActor(p), kind, x.Reason, true, detail); err != nil {
		return err
	}
	if _, err := auth.Append(ctx, t.tx, auth.EntryBy(p, "complaint.transferred", "complaint", c.ID,
		map[string]any{"transfer_id": x.ID, "from_district_id": x.FromDistrictID, "to_district_id": x.ToDistrictID,
			"restart_sla": x.RestartSLA})); err != nil {
		return fmt.Errorf("audit transfer: %w", err)
	}
	t.knowPlace(c.StationID, c.DistrictID, Place{StationNameEN: x.ToStationEN, StationNameHI: x.ToStationHI,
		DistrictNameEN: x.ToDistrictEN, DistrictNameHI: x.ToDistrictHI})
	if err := s.queueOfficerSMS(ctx, t, c, notify.ToDistrictOfficers, "", TemplateTransferredOfficers, t.now); err != nil {
		return err
	}
	if s.alerts != nil && c.Status.AwaitingATR() && c.ATRDueAt != nil {
		// The console alert of a complaint newly in the district, with her
		// deadline (alerts has no transfer event of its own).
		t.notices = append(t.notices, AlertNotice{Event: alertEvents[TemplateAssignedOfficers], ComplaintID: c.ID,
			Code: string(c.Code), DistrictID: c.DistrictID, DueAt: *c.ATRDueAt})
	}
	return nil
}

// RequestTransfer asks to move complaint id to another district: the
// nodal officer or SP of its current district. Both districts' nodal
// officers and SPs see the request (PendingTransfers); the receiving
// district's SP or the MSP decides. The receiving district's officers get
// an SMS. One request may wait per complaint (ErrConflict).
func (s *Service) RequestTransfer(ctx context.Context, p auth.Principal, id int64, in TransferRequestInput,
	lang Language) (Transfer, error) {
	reason, err := validateReason(in.Reason, true, lang)
	if err != nil {
		return Transfer{}, err
	}
	var x Transfer
	err = s.inTx(ctx, func(t *txn) error {
		c, err := s.lockScoped(ctx, t, p, id)
		if err != nil {
			return err
		}
		if err := requireRole(p, districtMovers...); err != nil {
			return err
		}
		if err := s.checkRequest(ctx, t, c, in, lang); err != nil {
			return err
		}
		x = Transfer{ComplaintID: c.ID, FromStationID: c.StationID, FromDistrictID: c.DistrictID,
			ToStationID: in.StationID, ToDistrictID: in.DistrictID, RequestedBy: p.UserID,
			RequesterRole: Actor(p.Role), Reason: reason, State: TransferRequested, CreatedAt: t.now}
		if x, err = NewTransferStore(t.tx).Insert(ctx, x); errors.Is(err, vikalp.ErrConflict) {
			return conflictField(lang, "", CodeTransferPending)
		} else if err != nil {
			return err
		}
		return s.recordRequest(ctx, t, p, &c, x)
	})
	if err != nil {
		return Transfer{}, fmt.Errorf("request transfer of complaint %d: %w", id, err)
	}
	return x, nil
}

// checkRequest applies the rules of a district transfer request of c.
func (s *Service) checkRequest(ctx context.Context, t *txn, c Complaint, in TransferRequestInput, lang Language) error {
	if err := s.checkMovable(ctx, t, c, lang); err != nil {
		return err
	}
	if in.DistrictID == c.DistrictID {
		return invalid(lang, "district_id", CodeTransferSameDistrict)
	}
	if in.StationID != nil {
		st, err := s.station(ctx, t, *in.StationID, lang)
		if err != nil {
			return err
		}
		if st.DistrictID != in.DistrictID {
			return invalid(lang, "station_id", CodeTransferWrongDistrict)
		}
		return nil
	}
	ok, err := NewTransferStore(t.tx).DistrictExists(ctx, in.DistrictID)
	if err == nil && !ok {
		return invalid(lang, "district_id", CodeUnknownDistrict)
	}
	return err
}

// recordRequest writes a request's staff event, audit entry and the SMS to
// the receiving district's officers.
func (s *Service) recordRequest(ctx context.Context, t *txn, p auth.Principal, c *Complaint, x Transfer) error {
	if err := t.note(ctx, c, staffActor(p), EventTransferRequested, x.Reason, false,
		map[string]any{"transfer_id": x.ID, "to_district_id": x.ToDistrictID, "to_station_id": x.ToStationID}); err != nil {
		return err
	}
	if _, err := auth.Append(ctx, t.tx, auth.EntryBy(p, "complaint.transfer_requested", "complaint", c.ID,
		map[string]any{"transfer_id": x.ID, "to_district_id": x.ToDistrictID})); err != nil {
		return fmt.Errorf("audit transfer request: %w", err)
	}
	to := x.ToDistrictID
	return s.queueSMS(ctx, t, notify.OutboxSMS{ToKind: notify.ToDistrictOfficers, DistrictID: &to, ComplaintID: &c.ID,
		Template: TemplateTransferRequested, Body: smsBody(TemplateTransferRequested, English, c.Code, t.now, x.ToDistrictEN),
		CreatedAt: t.now})
}

// AcceptTransfer carries out pending request id: the receiving district's
// SP or the MSP, at stationID or the station the request named. It then
// moves like Transfer (no SLA restart). Staff who can see the request but
// not decide it get ErrForbidden; others ErrNotFound.
func (s *Service) AcceptTransfer(ctx context.Context, p auth.Principal, id int64, stationID *int64, lang Language) (Transfer, error) {
	var x Transfer
	err := s.inTx(ctx, func(t *txn) error {
		c, pending, err := s.lockRequest(ctx, t, p, id, lang)
		if err != nil {
			return err
		}
		if err := s.checkMovable(ctx, t, c, lang); err != nil {
			return err
		}
		if stationID == nil {
			stationID = pending.ToStationID
		}
		if stationID == nil {
			return invalid(lang, "station_id", CodeStationRequired)
		}
		st, err := s.station(ctx, t, *stationID, lang)
		if err != nil {
			return err
		}
		if st.DistrictID != pending.ToDistrictID {
			return invalid(lang, "station_id", CodeTransferWrongDistrict)
		}
		if err := s.relocate(ctx, t, &c, st, false); err != nil {
			return err
		}
		if x, err = NewTransferStore(t.tx).Decide(ctx, id, TransferDone, &st.ID, p.UserID, Actor(p.Role), "", t.now); err != nil {
			return err
		}
		return s.recordMove(ctx, t, p, &c, x)
	})
	if err != nil {
		return Transfer{}, fmt.Errorf("accept transfer %d: %w", id, err)
	}
	return x, nil
}

// DeclineTransfer refuses pending request id with a reason (staff-only, on
// the complaint's staff timeline): the receiving district's SP or the MSP.
func (s *Service) DeclineTransfer(ctx context.Context, p auth.Principal, id int64, reason string, lang Language) (Transfer, error) {
	var x Transfer
	err := s.inTx(ctx, func(t *txn) error {
		c, _, err := s.lockRequest(ctx, t, p, id, lang)
		if err != nil {
			return err
		}
		if reason, err = validateReason(reason, true, lang); err != nil {
			return err // after the access check: who may not decide learns nothing more
		}
		if x, err = NewTransferStore(t.tx).Decide(ctx, id, TransferDeclined, nil, p.UserID, Actor(p.Role), reason, t.now); err != nil {
			return err
		}
		if err := t.note(ctx, &c, staffActor(p), EventTransferDeclined, reason, false,
			map[string]any{"transfer_id": x.ID, "to_district_id": x.ToDistrictID}); err != nil {
			return err
		}
		_, err = auth.Append(ctx, t.tx, auth.EntryBy(p, "complaint.transfer_declined", "complaint", c.ID,
			map[string]any{"transfer_id": x.ID, "to_district_id": x.ToDistrictID}))
		return err
	})
	if err != nil {
		return Transfer{}, fmt.Errorf("decline transfer %d: %w", id, err)
	}
	return x, nil
}

// lockRequest locks pending request id and its complaint for p's decision.
// A request p cannot see (neither end is p's district) is ErrNotFound; one
// p sees but may not decide ErrForbidden; a decided one, or one whose
// complaint has moved since, an ErrConflict.
func (s *Service) lockRequest(ctx context.Context, t *txn, p auth.Principal, id int64, lang Language) (Complaint, Transfer, error) {
	store := NewTransferStore(t.tx)
	found, err := store.ByID(ctx, id)
	if err != nil {
		return Complaint{}, Transfer{}, err
	}
	if err := mayDecide(p, found); err != nil {
		return Complaint{}, Transfer{}, err
	}
	c, err := t.complaints.ByIDForUpdate(ctx, found.ComplaintID, Visibility{})
	if err != nil {
		return Complaint{}, Transfer{}, err
	}
	x, err := store.ByIDForUpdate(ctx, id)
	switch {
	case err != nil:
		return Complaint{}, Transfer{}, err
	case x.State != TransferRequested:
		return Complaint{}, Transfer{}, conflictField(lang, "", CodeTransferDecided)
	case c.DistrictID != x.FromDistrictID:
		return Complaint{}, Transfer{}, conflictField(lang, "", CodeTransferStale)
	}
	return c, x, nil
}

// DecidableBy reports whether p may accept or decline request x: the MSP,
// or the SP of the receiving district.
func (x Transfer) DecidableBy(p auth.Principal) bool {
	if p.Has(mspRoles...) && p.Scope.Kind == auth.ScopeState {
		return true
	}
	return p.Role == auth.RoleSP && p.Scope.Kind == auth.ScopeDistrict && int(p.Scope.ID) == x.ToDistrictID
}

// mayDecide returns nil when p may decide x (DecidableBy). The other
// officers of both districts see it (ErrForbidden); everyone else does not
// (ErrNotFound).
func mayDecide(p auth.Principal, x Transfer) error {
	if x.DecidableBy(p) {
		return nil
	}
	district := p.Scope.Kind == auth.ScopeDistrict && p.Has(districtMovers...)
	if district && (int(p.Scope.ID) == x.ToDistrictID || int(p.Scope.ID) == x.FromDistrictID) {
		return vikalp.Forbiddenf("only the receiving district's SP or the MSP may decide this transfer")
	}
	return fmt.Errorf("transfer %d: %w", x.ID, vikalp.ErrNotFound)
}

// PendingTransfers lists the district transfer requests waiting for a
// decision that p may see: a nodal officer's or SP's district at either
// end, every one for the MSP. Other roles are ErrForbidden.
func (s *Service) PendingTransfers(ctx context.Context, p auth.Principal) ([]Transfer, error) {
	if err := requireRole(p, transferRoles...); err != nil {
		return nil, err
	}
	v, err := visibility(p)
	if err != nil {
		return nil, err
	}
	return NewTransferStore(s.db).Pending(ctx, v.DistrictID)
}
