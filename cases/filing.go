package cases

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/paulmach/orb"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/idem"
	"github.com/vikalp/vikalp/notify"
)

// Filed is the answer to a filing: the code and the secret (shown once) and
// the status. Replayed marks an idempotent retry; its Secret is empty once
// the replay window has passed.
type Filed struct {
	ID       int64
	Code     Code
	Secret   Secret
	Status   Status
	ATRDueAt time.Time
	Replayed bool
}

// codeAttempts bounds retries on a (very unlikely) duplicate random code.
const codeAttempts = 4

// File registers a complaint: anonymous (by nil), assisted by an E-cell user,
// or on someone's behalf. It validates every field (messages in lang),
// routes the complaint to a district and station, H3-indexes its location,
// assigns it with an ATR due in Config.ATRWindow, and in the same
// transaction queues the SMS to the district's officers, MSP and (with a
// phone, unless she chose no SMS) her, and schedules the SLA ladder. A retry with the same
// IdempotencyKey returns the same complaint.
func (s *Service) File(ctx context.Context, by *auth.Principal, in FileInput, lang Language) (Filed, error) {
	ecell := by != nil && by.Role == auth.RoleECell
	if by != nil && !ecell {
		return Filed{}, vikalp.Forbiddenf("only E-cell staff file complaints for others")
	}
	f, err := validateFiling(in, s.now(), ecell, lang)
	if err != nil {
		return Filed{}, err
	}
	nc, err := s.place(ctx, f, lang)
	if err != nil {
		return Filed{}, err
	}
	if by != nil {
		nc.FiledByUserID = &by.UserID
	}
	// A retry (or a concurrent duplicate) meets the first filing's key and
	// is answered with that filing (idem.Do).
	claim := s.filingClaim(f, lang)
	return idem.Do(ctx, s.db, claim,
		func() (Filed, error) { return s.insertNew(ctx, f, nc, claim) },
		func(id int64) (Filed, error) { return s.replay(ctx, id) })
}

// filingClaim is a filing's use of its Idempotency-Key (none: Key "").
func (s *Service) filingClaim(f filing, lang Language) idem.Claim {
	// Filing is the hot path and retries are rare: the key is looked up only
	// when the insert finds it taken.
	c := idem.Claim{Kind: idem.KindComplaint, Key: f.idempotencyKey, CreateFirst: true,
		Reused: conflictField(lang, "idempotency_key", CodeIdempotencyKeyReused)}
	if c.Key != "" {
		c.Hash = requestHash(f, s.fpKey)
	}
	return c
}

// insertNew stores the filing under a fresh random code, drawing another
// on a (very unlikely) duplicate code. A key already taken by another
// filing is idem.ErrTaken, which idem.Do answers with that filing.
func (s *Service) insertNew(ctx context.Context, f filing, nc NewComplaint, claim idem.Claim) (Filed, error) {
	for range codeAttempts {
		filed, err := s.insertFiling(ctx, f, nc, claim)
		if !errors.Is(err, vikalp.ErrConflict) || errors.Is(err, idem.ErrTaken) {
			return filed, err
		}
	}
	return Filed{}, fmt.Errorf("file complaint: no free code after %d attempts", codeAttempts)
}

// place routes f to a district and station and fills a NewComplaint with
// everything but code and secret.
func (s *Service) place(ctx context.Context, f filing, lang Language) (NewComplaint, error) {
	nc := NewComplaint{Category: f.category, Description: f.description, Language: f.language,
		IncidentAt: f.incidentAt, HasPhone: f.contact.Phone != "", Confidential: f.confidential,
		CallbackWindow: f.callbackWindow, FiledBy: f.filedBy, Relation: f.relation, SMSOptOut: f.noSMS}
	if f.contact.Phone != "" && !f.noSMS {
		nc.SMSPhoneHash = s.phoneHash(f.contact.Phone)
	}
	var err error
	if f.hasPoint {
		err = s.placePoint(ctx, f, &nc, lang)
	} else {
		err = s.placeDistrict(ctx, f.districtID, &nc, lang)
	}
	if err != nil {
		return nc, err
	}
	if nc.StationID == 0 { // the point's district has no station area: its default station
		if err := s.placeDistrict(ctx, nc.DistrictID, &nc, lang); err != nil {
			return nc, err
		}
	}
	if nc.StationID == 0 {
		return nc, fmt.Errorf("route complaint: district %d has no police station", nc.DistrictID)
	}
	return nc, nil
}

// placePoint routes by location (PostGIS, package jurisdiction) and indexes
// it in H3. A point outside UP is refused with a message in lang.
func (s *Service) placePoint(ctx context.Context, f filing, nc *NewComplaint, lang Language) error {
	if !geo.InUP(f.lat, f.lon) {
		return invalid(lang, "location", CodeOutsideUP)
	}
	r, err := s.router.RouteStation(ctx, f.lat, f.lon)
	if ue, ok := vikalp.AsUserError(err); ok && errors.Is(ue, vikalp.ErrInvalid) {
		return invalid(lang, "location", CodeOutsideUP)
	}
	if err != nil {
		return fmt.Errorf("route complaint location: %w", err)
	}
	cells, err := geo.Index(f.lat, f.lon)
	if err != nil {
		return fmt.Errorf("index complaint location: %w", err)
	}
	pt := orb.Point{f.lon, f.lat}
	nc.Point, nc.H3 = &pt, [4]int64{cells.R5, cells.R7, cells.R8, cells.R9}
	nc.DistrictID, nc.StationID = r.DistrictID, r.StationID
	return nil
}

// placeDistrict routes to a district's default station; an unknown district
// is refused with a message in lang.
func (s *Service) placeDistrict(ctx context.Context, districtID int, nc *NewComplaint, lang Language) error {
	r, err := s.router.RouteDistrict(ctx, districtID)
	if errors.Is(err, vikalp.ErrNotFound) {
		return invalid(lang, "district_id", CodeUnknownDistrict)
	}
	if err != nil {
		return fmt.Errorf("route complaint district: %w", err)
	}
	nc.DistrictID, nc.StationID = r.DistrictID, r.StationID
	return nil
}

// insertFiling stores the complaint and everything that must commit with
// it: its Idempotency-Key, events, SMS rows, the SLA ladder and the SMS
// delivery jobs.
func (s *Service) insertFiling(ctx context.Context, f filing, nc NewComplaint, claim idem.Claim) (Filed, error) {
	code, err := NewCode()
	if err != nil {
		return Filed{}, err
	}
	secret, err := NewSecret()
	if err != nil {
		return Filed{}, err
	}
	if nc, err = s.seal(f, nc, code, secret); err != nil {
		return Filed{}, err
	}
	var filed Filed
	err = s.inTx(ctx, func(t *txn) error {
		due := t.now.Add(s.cfg.ATRWindow)
		nc.Code, nc.SecretHash, nc.Status, nc.ATRDueAt, nc.At = code, HashSecret(secret), StatusAssigned, &due, t.now
		if nc.ReplaySealed != nil {
			until := t.now.Add(s.cfg.ReplayWindow)
			nc.ReplayUntil = &until
		}
		c, place, err := t.complaints.Insert(ctx, nc)
		if err != nil {
			return err
		}
		if err := claim.Record(ctx, t.tx, c.ID, 1, t.now); err != nil {
			return err
		}
		t.knowPlace(c.StationID, c.DistrictID, place)
		if err := s.assign(ctx, t, &c, f); err != nil {
			return err
		}
		if f.channel != "" {
			if err := NewChannelStore(t.tx).Count(ctx, f.channel, c.DistrictID, t.now); err != nil {
				return err
			}
		}
		filed = Filed{ID: c.ID, Code: code, Secret: secret, Status: c.Status, ATRDueAt: due}
		return nil
	})
	if err != nil {
		return Filed{}, fmt.Errorf("file complaint: %w", err)
	}
	s.logger.InfoContext(ctx, "Complaint filed", slog.Int64("complaint_id", filed.ID),
		slog.Int("district_id", nc.DistrictID), slog.Int64("station_id", nc.StationID))
	return filed, nil
}

// assign records filing and assignment on the timeline (c was inserted
// already assigned), queues the SMS and schedules the SLA ladder.
func (s *Service) assign(ctx context.Context, t *txn, c *Complaint, f filing) error {
	c.Status = StatusSubmitted
	if err := t.note(ctx, c, systemActor, EventFiled, "", true,
		map[string]any{"filed_by": c.FiledBy}); err != nil {
		return err
	}
	t.moved(c, step{to: StatusAssigned, by: systemActor, kind: EventAssigned, public: true,
		detail: map[string]any{"district_id": c.DistrictID, "station_id": c.StationID,
			"atr_due_at": c.ATRDueAt}})
	if err := s.queueOfficerSMS(ctx, t, c, notify.ToDistrictOfficers, "", TemplateAssignedOfficers, *c.ATRDueAt); err != nil {
		return err
	}
	if err := s.queueOfficerSMS(ctx, t, c, notify.ToMSP, "", TemplateAssignedMSP, *c.ATRDueAt); err != nil {
		return err
	}
	if f.contact.Phone == "" {
		return nil
	}
	return s.queueComplainantSMS(ctx, t, c, f.contact.Phone, TemplateFiledComplainant, t.now)
}

// seal encrypts her contact details (bound to the code, so the blob cannot
// be moved to another complaint), and the secret for idempotent replays.
func (s *Service) seal(f filing, nc NewComplaint, code Code, secret Secret) (NewComplaint, error) {
	if !f.contact.empty() {
		plain, err := json.Marshal(f.contact)
		if err != nil {
			return nc, fmt.Errorf("encode contact: %w", err)
		}
		if nc.ContactSealed, err = s.keyring.Seal(plain, contactAAD(code)); err != nil {
			return nc, fmt.Errorf("seal contact: %w", err)
		}
	}
	if f.idempotencyKey != "" {
		var err error
		if nc.ReplaySealed, err = s.keyring.Seal([]byte(secret), replayAAD(code)); err != nil {
			return nc, fmt.Errorf("seal replay secret: %w", err)
		}
	}
	return nc, nil
}

// Associated data binding each sealed value to its complaint and column.
func contactAAD(code Code) []byte { return []byte("complaints.contact:" + code) }
func replayAAD(code Code) []byte  { return []byte("complaints.replay:" + code) }
func phoneAAD(code Code) []byte   { return vikalp.OutboxPhoneAAD(string(code)) }

// requestHash fingerprints a filing so a key reused for different content
// is refused. Her contact details count through their keyed hash under key
// (vikalp.ContactFingerprint; a plain hash over a phone number could be
// brute-forced back to it): a retry with her key but another contact is a
// conflict, never her code and secret. A filing without contact details
// hashes as it did before contacts counted.
func requestHash(f filing, key []byte) []byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%v\x00%v\x00%.7f\x00%.7f\x00%d\x00%v\x00%s\x00%s\x00%s",
		f.category, f.description, f.language, f.incidentAt, f.hasPoint, f.lat, f.lon, f.districtID,
		f.confidential, f.callbackWindow, f.filedBy, f.relation)
	if fp := vikalp.ContactFingerprint(key, f.contact.Name, f.contact.Phone, f.contact.Address); fp != nil {
		h.Write([]byte{0})
		h.Write(fp)
	}
	if f.noSMS { // only when chosen, so earlier filings' fingerprints stand
		h.Write([]byte("\x00no_sms"))
	}
	return h.Sum(nil)
}

// replay answers a retry of a filing with the same idempotency key (and
// content, checked by idem) with complaint id: its code and status, and the
// secret while the replay window lasts.
func (s *Service) replay(ctx context.Context, id int64) (Filed, error) {
	cs := NewComplaintStore(s.db)
	r, err := cs.ReplayByID(ctx, id)
	if err != nil {
		return Filed{}, err
	}
	c, err := cs.ByID(ctx, r.ID, Visibility{})
	if err != nil {
		return Filed{}, err
	}
	filed := Filed{ID: c.ID, Code: c.Code, Status: c.Status, Replayed: true}
	if c.ATRDueAt != nil {
		filed.ATRDueAt = *c.ATRDueAt
	}
	if r.ReplaySealed != nil && r.ReplayUntil != nil && s.now().Before(*r.ReplayUntil) {
		plain, err := s.keyring.Open(r.ReplaySealed, replayAAD(c.Code))
		if err != nil {
			return Filed{}, fmt.Errorf("open replay secret: %w", err)
		}
		filed.Secret = Secret(plain)
	}
	return filed, nil
}
