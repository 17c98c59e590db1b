package cases

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/vikalp/vikalp/auth"
)

// ContactAccess says whether Detail shows her contact details.
type ContactAccess string

// Contact access outcomes.
const (
	ContactShown    ContactAccess = "shown"    // decrypted for this caller (and audited)
	ContactWithheld ContactAccess = "withheld" // this caller's role may not see it
	ContactNone     ContactAccess = "none"     // she gave no contact details
)

// Detail is the staff view of one complaint: everything, including internal
// notes, return reasons and call outcomes, plus her contact details for the
// roles that may see them.
type Detail struct {
	Complaint     Complaint // SecretHash and ContactSealed are cleared
	Place         Place
	Holder        Holder
	Events        []Event
	ATRs          []ATR
	Ratings       []Feedback
	LegalReviews  []LegalReview
	CallTasks     []CallTask
	Contact       *Contact
	ContactAccess ContactAccess
}

// Detail returns complaint id as p sees it; outside p's scope it is
// ErrNotFound. Her contact details are decrypted only for the assigned
// station, the district's nodal officer and MSP, and only for MSP when she
// asked for confidentiality; each decryption is written to the audit log
// before it happens.
func (s *Service) Detail(ctx context.Context, p auth.Principal, id int64) (Detail, error) {
	v, err := visibility(p)
	if err != nil {
		return Detail{}, err
	}
	cs := NewComplaintStore(s.db)
	c, err := cs.ByID(ctx, id, v)
	if err != nil {
		return Detail{}, fmt.Errorf("get complaint %d: %w", id, err)
	}
	d := Detail{Complaint: c}
	if err := s.loadDetail(ctx, &d); err != nil {
		return Detail{}, fmt.Errorf("get complaint %d: %w", id, err)
	}
	if err := s.openContact(ctx, p, &d); err != nil {
		return Detail{}, fmt.Errorf("get complaint %d: %w", id, err)
	}
	d.Complaint.SecretHash, d.Complaint.ContactSealed = nil, nil
	return d, nil
}

// loadDetail fills everything but the contact.
func (s *Service) loadDetail(ctx context.Context, d *Detail) error {
	cs, as, rs := NewComplaintStore(s.db), NewATRStore(s.db), NewRatingStore(s.db)
	id := d.Complaint.ID
	var err error
	if d.Place, err = cs.Place(ctx, d.Complaint.StationID, d.Complaint.DistrictID); err != nil {
		return err
	}
	if d.Holder, err = s.holder(ctx, as, d.Complaint); err != nil {
		return err
	}
	if d.Events, err = cs.Events(ctx, id, false); err != nil {
		return err
	}
	if d.ATRs, err = as.List(ctx, id, false); err != nil {
		return err
	}
	if d.Ratings, err = rs.List(ctx, id); err != nil {
		return err
	}
	if d.LegalReviews, err = rs.LegalReviews(ctx, id); err != nil {
		return err
	}
	d.CallTasks, err = NewCallStore(s.db).List(ctx, Visibility{}, &id, false)
	return err
}

// mayOpenContact applies ARCHITECTURE §11: station (its own complaints, by
// scope), nodal (its district, by scope) and MSP; only MSP when she asked
// for confidentiality. SP and everyone else never.
func mayOpenContact(p auth.Principal, c Complaint) bool {
	if p.Has(auth.RoleMSPAnalyst, auth.RoleMSPLegal) {
		return true
	}
	return !c.Confidential && p.Has(auth.RoleStation, auth.RoleNodal)
}

// openContact decrypts the contact for p when allowed, auditing first.
func (s *Service) openContact(ctx context.Context, p auth.Principal, d *Detail) error {
	c := d.Complaint
	switch {
	case c.ContactSealed == nil:
		d.ContactAccess = ContactNone
		return nil
	case !mayOpenContact(p, c):
		d.ContactAccess = ContactWithheld
		return nil
	}
	if _, err := auth.Append(ctx, s.db, auth.EntryBy(p, "complaint.contact_decrypted", "complaint", c.ID,
		map[string]any{"confidential": c.Confidential})); err != nil {
		return fmt.Errorf("audit contact decryption: %w", err)
	}
	plain, err := s.keyring.Open(c.ContactSealed, contactAAD(c.Code))
	if err != nil {
		return fmt.Errorf("open contact: %w", err)
	}
	var ct Contact
	if err := json.Unmarshal(plain, &ct); err != nil {
		return fmt.Errorf("decode contact: %w", err)
	}
	d.Contact, d.ContactAccess = &ct, ContactShown
	return nil
}
