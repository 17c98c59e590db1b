package leads

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/internal/text"
)

// maxLeadNote bounds a workflow note (characters).
const maxLeadNote = 2000

// leadScopeOf returns the leads p may see. MSP staff, admins and
// state-level AHTU officers see every lead; an AHTU officer the leads routed
// to their unit. Anyone else sees none: ok is false and the caller answers
// vikalp.ErrNotFound exactly as for a missing lead.
func leadScopeOf(p auth.Principal) (Scope, bool) {
	switch {
	case p.Has(auth.RoleMSPAnalyst, auth.RoleMSPLegal, auth.RoleAdmin):
		return Scope{All: true}, true
	case p.Has(auth.RoleAHTU) && p.Scope.Kind == auth.ScopeState:
		return Scope{All: true}, true
	case p.Has(auth.RoleAHTU) && p.Scope.Kind == auth.ScopeAHTU && p.Scope.ID > 0:
		return Scope{AHTUID: int(p.Scope.ID)}, true
	}
	return Scope{}, false
}

var errLeadNotFound = fmt.Errorf("lead: %w", vikalp.ErrNotFound)

// workScope is leadScopeOf for changes: only AHTU officers work leads;
// MSP staff and admins may read them but get a user-safe ErrForbidden.
func workScope(p auth.Principal) (Scope, error) {
	scope, ok := leadScopeOf(p)
	if !ok {
		return scope, errLeadNotFound
	}
	if !p.Has(auth.RoleAHTU) {
		return scope, vikalp.Forbiddenf("only AHTU officers work leads")
	}
	return scope, nil
}

// listScope is leadScopeOf for lists: it also checks the status f filters
// on.
func listScope(p auth.Principal, f Filter) (Scope, error) {
	scope, ok := leadScopeOf(p)
	if !ok {
		return scope, errLeadNotFound
	}
	if f.Status != "" && !f.Status.Valid() {
		return scope, vikalp.InvalidField("status", "unknown_status",
			"status must be one of new, triaged, investigating, actioned, closed")
	}
	return scope, nil
}

// Leads lists the leads p may see that match f, highest score first.
func (s *Service) Leads(ctx context.Context, p auth.Principal, f Filter) ([]Lead, error) {
	scope, err := listScope(p, f)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	return NewStore(s.read).List(ctx, scope, f)
}

// Lead returns lead id with its members, entities and history when p may
// see it, after writing the view to the audit log (the entities include
// phone numbers and names).
func (s *Service) Lead(ctx context.Context, p auth.Principal, id int64) (Detail, error) {
	scope, ok := leadScopeOf(p)
	if !ok {
		return Detail{}, errLeadNotFound
	}
	var d Detail
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if d, err = leadDetail(ctx, NewStore(tx), scope, id); err != nil {
			return err
		}
		_, err = auth.Append(ctx, tx, auth.EntryBy(p, "lead.viewed", "lead", id, nil))
		return err
	})
	return d, err
}

// leadDetail reads a lead with its members, entities and events.
func leadDetail(ctx context.Context, st *Store, scope Scope, id int64) (Detail, error) {
	var d Detail
	var err error
	if d.Lead, err = st.Lead(ctx, scope, id, false); err != nil {
		return d, err
	}
	if d.Members, err = st.Members(ctx, id); err != nil {
		return d, err
	}
	if d.Entities, err = st.Entities(ctx, id); err != nil {
		return d, err
	}
	d.Events, err = st.Events(ctx, id)
	return d, err
}

// ExportLeads returns the leads p may see that match f (up to 5000) for a
// CSV or GeoJSON export, after auditing the export with its filters.
func (s *Service) ExportLeads(ctx context.Context, p auth.Principal, f Filter, format string) ([]Lead, error) {
	scope, err := listScope(p, f)
	if err != nil {
		return nil, err
	}
	f.Limit = 5000
	var list []Lead
	err = pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if list, err = NewStore(tx).List(ctx, scope, f); err != nil {
			return err
		}
		_, err = auth.Append(ctx, tx, auth.EntryBy(p, "lead.exported", "lead", 0, map[string]any{
			"format": format, "count": len(list), "status": string(f.Status), "min_score": f.MinScore,
			"district_id": f.DistrictID}))
		return err
	})
	return list, err
}

// Transition moves lead id to status to, recording who did it and why.
func (s *Service) Transition(ctx context.Context, p auth.Principal, id int64, to Status, note string) (Lead, error) {
	note, err := cleanNote(note, false)
	if err != nil {
		return Lead{}, err
	}
	return s.change(ctx, p, id, func(tx pgx.Tx, st *Store, l Lead) error {
		if err := CheckTransition(l.Status, to, note); err != nil {
			return err
		}
		if err := st.setStatus(ctx, id, to, s.now()); err != nil {
			return err
		}
		return st.addEvent(ctx, s.event(p, id, "transition", l.Status, to, note))
	})
}

// AddNote appends an investigator's note to lead id.
func (s *Service) AddNote(ctx context.Context, p auth.Principal, id int64, note string) (Lead, error) {
	note, err := cleanNote(note, true)
	if err != nil {
		return Lead{}, err
	}
	return s.change(ctx, p, id, func(tx pgx.Tx, st *Store, l Lead) error {
		return st.addEvent(ctx, s.event(p, id, "note", "", "", note))
	})
}

// Assign gives lead id to userID, an active AHTU officer of the lead's unit.
func (s *Service) Assign(ctx context.Context, p auth.Principal, id, userID int64) (Lead, error) {
	return s.change(ctx, p, id, func(tx pgx.Tx, st *Store, l Lead) error {
		u, err := auth.NewUserStore(tx).ByID(ctx, userID)
		if errors.Is(err, vikalp.ErrNotFound) {
			return vikalp.InvalidField("user_id", "unknown_user", "no such user")
		} else if err != nil {
			return err
		}
		if u.Disabled() || u.Role != auth.RoleAHTU || u.Scope.Kind != auth.ScopeAHTU || l.AHTUID == nil ||
			u.Scope.ID != int64(*l.AHTUID) {
			return vikalp.InvalidField("user_id", "not_in_unit", "assign the lead to an active officer of its AHTU")
		}
		if err := st.assign(ctx, id, userID, s.now()); err != nil {
			return err
		}
		e := s.event(p, id, "assigned", "", "", "")
		e.Detail = map[string]any{"user_id": userID}
		return st.addEvent(ctx, e)
	})
}

// change runs fn on lead id, locked, in a transaction, for an AHTU officer
// who may see it, and returns the lead afterwards.
func (s *Service) change(ctx context.Context, p auth.Principal, id int64,
	fn func(pgx.Tx, *Store, Lead) error) (Lead, error) {
	scope, err := workScope(p)
	if err != nil {
		return Lead{}, err
	}
	var out Lead
	err = pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		st := NewStore(tx)
		l, err := st.Lead(ctx, scope, id, true)
		if err != nil {
			return err
		}
		if err := fn(tx, st, l); err != nil {
			return err
		}
		out, err = st.Lead(ctx, Scope{All: true}, id, false)
		return err
	})
	return out, err
}

// event returns a workflow event by p on lead id.
func (s *Service) event(p auth.Principal, id int64, kind string, from, to Status, note string) leadEventRow {
	return leadEventRow{LeadID: id, Kind: kind, FromStatus: from, ToStatus: to, Note: note,
		ActorUserID: p.UserID, ActorRole: string(p.Role), At: s.now()}
}

// cleanNote cleans a note (internal/text) and checks its length.
func cleanNote(note string, required bool) (string, error) {
	note = text.Clean(note)
	if required && note == "" {
		return "", vikalp.InvalidField("note", "note_required", "write a note")
	}
	if utf8.RuneCountInString(note) > maxLeadNote {
		return "", vikalp.InvalidField("note", "note_too_long", fmt.Sprintf("keep notes under %d characters", maxLeadNote))
	}
	return note, nil
}

// Merge moves every tip of lead otherID into lead id, pinned there, so
// later runs keep them together; otherID is kept as merged into id.
func (s *Service) Merge(ctx context.Context, p auth.Principal, id, otherID int64) (Lead, error) {
	if id == otherID {
		return Lead{}, vikalp.InvalidField("lead_id", "same_lead", "choose another lead to merge")
	}
	return s.reshape(ctx, p, id, func(tx pgx.Tx, st *Store, l Lead, scope Scope) ([]int64, error) {
		other, err := st.Lead(ctx, scope, otherID, true)
		if err != nil {
			return nil, err
		}
		if l.Status == StatusClosed || other.Status == StatusClosed {
			return nil, vikalp.Conflictf("reopen a closed lead before merging it")
		}
		tips, err := memberIDs(ctx, st, id, otherID)
		if err != nil {
			return nil, err
		}
		now := s.now()
		if err := st.pin(ctx, id, tips, p.UserID, now); err != nil {
			return nil, err
		}
		if err := st.absorb(ctx, otherID, id, now); err != nil {
			return nil, err
		}
		e := s.event(p, id, "merged", "", "", "")
		e.Detail = map[string]any{"from": otherID}
		if err := st.addEvent(ctx, e); err != nil {
			return nil, err
		}
		e = s.event(p, otherID, "absorbed", "", "", "")
		e.Detail = map[string]any{"into": id}
		return []int64{id}, st.addEvent(ctx, e)
	})
}

// Split moves tips out of lead id into a new lead. Both sides are pinned,
// so later runs never join them again through the entities they share.
// It returns the new lead.
func (s *Service) Split(ctx context.Context, p auth.Principal, id int64, tips []int64) (Lead, error) {
	var newID int64
	_, err := s.reshape(ctx, p, id, func(tx pgx.Tx, st *Store, l Lead, _ Scope) ([]int64, error) {
		all, err := memberIDs(ctx, st, id)
		if err != nil {
			return nil, err
		}
		var keep []int64
		for _, t := range all {
			if !slices.Contains(tips, t) {
				keep = append(keep, t)
			}
		}
		if len(tips) == 0 || len(keep) == 0 || len(keep)+len(tips) != len(all) {
			return nil, vikalp.InvalidField("tip_ids", "bad_split",
				"choose some, but not all, of the lead's tips to split off")
		}
		now := s.now()
		if newID, err = st.create(ctx, now); err != nil {
			return nil, err
		}
		if err := st.pin(ctx, newID, tips, p.UserID, now); err != nil {
			return nil, err
		}
		if err := st.pin(ctx, id, keep, p.UserID, now); err != nil {
			return nil, err
		}
		for _, pair := range [][2]int64{{id, newID}, {newID, id}} {
			e := s.event(p, pair[0], "split", "", "", "")
			e.Detail = map[string]any{"other_lead": pair[1], "tips_moved": tips}
			if err := st.addEvent(ctx, e); err != nil {
				return nil, err
			}
		}
		return []int64{id, newID}, nil
	})
	if err != nil {
		return Lead{}, err
	}
	return NewStore(s.db).Lead(ctx, Scope{All: true}, newID, false)
}

// reshape runs a membership change on lead id under the relink lock and
// rescores (and possibly alerts) the leads fn returns.
func (s *Service) reshape(ctx context.Context, p auth.Principal, id int64,
	fn func(pgx.Tx, *Store, Lead, Scope) ([]int64, error)) (Lead, error) {
	scope, err := workScope(p)
	if err != nil {
		return Lead{}, err
	}
	var out Lead
	err = pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		st := NewStore(tx)
		if err := st.lock(ctx); err != nil {
			return err
		}
		l, err := st.Lead(ctx, scope, id, true)
		if err != nil {
			return err
		}
		ids, err := fn(tx, st, l, scope)
		if err != nil {
			return err
		}
		if _, _, err := s.rescore(ctx, tx, ids); err != nil {
			return err
		}
		out, err = st.Lead(ctx, Scope{All: true}, id, false)
		return err
	})
	return out, err
}

// memberIDs returns the tip ids of leads.
func memberIDs(ctx context.Context, st *Store, leads ...int64) ([]int64, error) {
	var out []int64
	for _, l := range leads {
		ms, err := st.Members(ctx, l)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			out = append(out, m.TipID)
		}
	}
	return out, nil
}
