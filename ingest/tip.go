package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/idem"
	"github.com/vikalp/vikalp/internal/text"
)

// Limits of a trafficking tip.
const (
	MaxTipText   = 4000 // characters
	MaxTipPlaces = 10
	MaxTipPhotos = 5
	maxTipItems  = 10 // vehicles, phones, people each
)

// NewTip is what an informant submits. Contact details are optional and
// sealed; consent flags say whether police may contact the informant and
// share the tip's evidence with partner agencies.
type NewTip struct {
	Text           string
	Places         []TipPlace // one or more places with times
	Vehicles       []string   // vehicle numbers, e.g. "UP 32 AB 1234"
	Phones         []string   // phone numbers mentioned
	People         []string   // descriptions of people
	Contact        *TipContact
	ConsentContact bool
	ConsentShare   bool
	Photos         [][]byte // 0–5 JPEG, PNG or WebP files
	// IdempotencyKey, when set, makes a retry of the same tip return the
	// first receipt (Replayed) instead of storing it twice.
	IdempotencyKey string
}

// TipPlace is a place and time in a tip.
type TipPlace struct {
	Lat         float64    `json:"lat"`
	Lon         float64    `json:"lon"`
	Description string     `json:"description"`
	SeenAt      *time.Time `json:"seen_at"`
}

// TipContact is how the informant may be reached. It is stored only sealed.
type TipContact struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
	Note  string `json:"note,omitempty"` // e.g. when it is safe to call
}

// TipReceipt is what the informant is told: a reference code.
type TipReceipt struct {
	Code     string
	Replayed bool // the receipt of an earlier tip with the same Idempotency-Key
}

// tipDraft is a validated NewTip with its places routed later, in the tx.
type tipDraft struct {
	in      NewTip
	cells   []geo.Cells
	contact []byte // JSON, sealed in the transaction once the code exists
	photos  []ProcessedPhoto
	key     idem.Claim // Key "" when none was given
}

// SubmitTip validates and stores a trafficking tip, routing each place to
// its district and AHTU, sealing the contact details and storing the
// photos, all in one transaction with its TipReceivedArgs job. A refused
// or failed tip leaves no row and no blob.
// An IdempotencyKey works as for SubmitReport.
func (s *Service) SubmitTip(ctx context.Context, in NewTip) (TipReceipt, error) {
	if err := checkIdempotencyKey(in.IdempotencyKey); err != nil {
		return TipReceipt{}, err
	}
	var hash []byte
	if in.IdempotencyKey != "" {
		hash = tipRequestHash(in, s.fpKey)
	}
	claim := keyClaim(idem.KindTip, in.IdempotencyKey, hash)
	return idem.Do(ctx, s.db, claim,
		func() (TipReceipt, error) { return s.storeTip(ctx, in, claim) },
		func(id int64) (TipReceipt, error) {
			rec, err := NewTipStore(s.db).Receipt(ctx, id)
			rec.Replayed = true
			return rec, err
		})
}

// storeTip drafts and stores one tip.
func (s *Service) storeTip(ctx context.Context, in NewTip, claim idem.Claim) (TipReceipt, error) {
	d, err := s.draftTip(ctx, in)
	if err != nil {
		return TipReceipt{}, err
	}
	d.key = claim
	var rec TipReceipt
	var id int64
	err = s.inTxWithBlobs(ctx, func(tx pgx.Tx, batch *blobBatch) error {
		id, rec, err = s.insertTip(ctx, tx, batch, d)
		return err
	})
	if err != nil {
		return TipReceipt{}, fmt.Errorf("submit tip: %w", err)
	}
	s.logger.InfoContext(ctx, "Tip ingested", slog.Int64("tip_id", id), slog.Int("places", len(in.Places)),
		slog.Int("photos", len(in.Photos)))
	return rec, nil
}

// draftTip validates every field and processes the photos.
func (s *Service) draftTip(ctx context.Context, in NewTip) (tipDraft, error) {
	d := tipDraft{}
	in.Places = slices.Clone(in.Places) // normalized below; the caller's slice stays as given
	var err error
	if in.Text, err = text.Field("text", in.Text, MaxTipText); err != nil {
		return d, err
	}
	if in.Text == "" {
		return d, vikalp.InvalidField("text", "required", "tell us what you saw")
	}
	if err := s.checkPlaces(&in, &d); err != nil {
		return d, err
	}
	if err := cleanTipLists(&in); err != nil {
		return d, err
	}
	if d.contact, err = contactJSON(in.Contact, in.ConsentContact); err != nil {
		return d, err
	}
	if len(in.Photos) > MaxTipPhotos {
		return d, vikalp.InvalidField("photos", "photo_count", fmt.Sprintf("attach at most %d photos", MaxTipPhotos))
	}
	if d.photos, err = s.processPhotos(ctx, in.Photos); err != nil {
		return d, err
	}
	d.in = in
	return d, nil
}

// checkPlaces validates and indexes the places.
func (s *Service) checkPlaces(in *NewTip, d *tipDraft) error {
	if len(in.Places) == 0 || len(in.Places) > MaxTipPlaces {
		return vikalp.InvalidField("places", "place_count",
			fmt.Sprintf("give 1 to %d places where something was seen", MaxTipPlaces))
	}
	for i := range in.Places {
		p := &in.Places[i]
		if err := geo.CheckInUP(p.Lat, p.Lon); err != nil {
			return err
		}
		c, err := geo.Index(p.Lat, p.Lon)
		if err != nil {
			return err
		}
		d.cells = append(d.cells, c)
		if p.Description, err = text.Field("places", p.Description, 300); err != nil {
			return err
		}
		if p.SeenAt, err = s.checkIncidentTime(p.SeenAt); err != nil {
			return err
		}
	}
	return nil
}

// cleanTipLists normalizes vehicles, phones and people.
func cleanTipLists(in *NewTip) error {
	var err error
	if in.Vehicles, err = cleanList("vehicles", in.Vehicles, maxTipItems, 30); err != nil {
		return err
	}
	if in.Phones, err = cleanList("phones", in.Phones, maxTipItems, 30); err != nil {
		return err
	}
	in.People, err = cleanList("people", in.People, maxTipItems, 300)
	return err
}

// contactJSON validates and encodes the contact details (nil when none).
func contactJSON(c *TipContact, consent bool) ([]byte, error) {
	if c != nil {
		for _, f := range []*string{&c.Name, &c.Phone, &c.Email, &c.Note} {
			v, err := text.Field("contact", *f, 200)
			if err != nil {
				return nil, err
			}
			*f = v
		}
		if *c == (TipContact{}) {
			c = nil
		}
	}
	if c == nil {
		if consent {
			return nil, vikalp.InvalidField("contact", "contact_required",
				"to be contacted, leave a phone number or an email address")
		}
		return nil, nil
	}
	return json.Marshal(c)
}

// insertTip writes the draft inside tx.
func (s *Service) insertTip(ctx context.Context, tx pgx.Tx, batch *blobBatch, d tipDraft) (int64, TipReceipt, error) {
	places, err := routePlaces(ctx, tx, d)
	if err != nil {
		return 0, TipReceipt{}, err
	}
	code, err := newCode(tipCodePrefix)
	if err != nil {
		return 0, TipReceipt{}, err
	}
	row := tipRow{Code: code, Body: d.in.Text, Vehicles: d.in.Vehicles, Phones: d.in.Phones,
		People: d.in.People, ConsentContact: d.in.ConsentContact, ConsentShare: d.in.ConsentShare,
		ReceivedAt: s.now()}
	for _, p := range places {
		row.DistrictIDs = appendUnique(row.DistrictIDs, p.Routing.DistrictID)
		if p.Routing.AHTUID != 0 {
			row.AHTUIDs = appendUnique(row.AHTUIDs, p.Routing.AHTUID)
		}
	}
	if d.contact != nil {
		if row.Contact, err = s.keyring.Seal(d.contact, contactAAD(code)); err != nil {
			return 0, TipReceipt{}, fmt.Errorf("seal tip contact: %w", err)
		}
	}
	mediaIDs, err := s.storePhotos(ctx, tx, batch, d.photos)
	if err != nil {
		return 0, TipReceipt{}, err
	}
	id, err := NewTipStore(tx).Insert(ctx, row, places, mediaIDs)
	if err != nil {
		return 0, TipReceipt{}, err
	}
	if _, err := s.jobs.InsertTx(ctx, tx, TipReceivedArgs{TipID: id, AHTUIDs: row.AHTUIDs}, nil); err != nil {
		return 0, TipReceipt{}, fmt.Errorf("insert tip job: %w", err)
	}
	if err := s.recordKey(ctx, tx, d.key, id); err != nil {
		return 0, TipReceipt{}, err
	}
	return id, TipReceipt{Code: code}, nil
}

// routePlaces routes every place of the draft on tx.
func routePlaces(ctx context.Context, tx pgx.Tx, d tipDraft) ([]placeRow, error) {
	out := make([]placeRow, len(d.in.Places))
	r := router(tx)
	for i, p := range d.in.Places {
		routing, err := r.Route(ctx, p.Lat, p.Lon)
		if err != nil {
			return nil, err
		}
		out[i] = placeRow{TipPlace: p, Cells: d.cells[i], Routing: routing}
	}
	return out, nil
}

// contactAAD binds sealed contact details to their tip.
func contactAAD(code string) []byte { return []byte("tips.contact:" + code) }

func appendUnique(list []int, v int) []int {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}
