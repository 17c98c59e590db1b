package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/jurisdiction"
)

// TipStore reads and writes the tips, tip_places and tip_media tables.
// Every read takes a TipScope so a query can never return a tip its caller
// may not see.
type TipStore struct{ db pg.DBTX }

// NewTipStore returns a TipStore on db (a pool or a transaction).
func NewTipStore(db pg.DBTX) *TipStore { return &TipStore{db: db} }

// TipScope is which tips a reader may see: all of them (MSP, admin, a
// state-level AHTU) or those routed to one AHTU.
type TipScope struct {
	All    bool
	AHTUID int
}

// tipRow is one tip to insert.
type tipRow struct {
	Code           string
	Body           string
	Vehicles       []string
	Phones         []string
	People         []string
	Contact        []byte // sealed
	ConsentContact bool
	ConsentShare   bool
	DistrictIDs    []int
	AHTUIDs        []int
	ReceivedAt     time.Time
}

// placeRow is one routed place to insert.
type placeRow struct {
	TipPlace
	Cells   geo.Cells
	Routing jurisdiction.Routing
}

const insertTipSQL = `
INSERT INTO tips (code, body, vehicles, phones, people, contact_sealed, consent_contact, consent_share,
	district_ids, ahtu_ids, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
RETURNING id`

// insertPlacesSQL writes all places of a tip from parallel arrays.
const insertPlacesSQL = `
INSERT INTO tip_places (tip_id, n, description, seen_at, geom, h3_r5, h3_r7, h3_r8, h3_r9, district_id, ahtu_id)
SELECT $1, t.n, t.description, t.seen_at, ST_GeomFromWKB(t.geom, 4326), t.r5, t.r7, t.r8, t.r9, t.district_id,
	NULLIF(t.ahtu_id, 0)
FROM unnest($2::text[], $3::timestamptz[], $4::bytea[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[],
	$9::int[], $10::int[]) WITH ORDINALITY AS t(description, seen_at, geom, r5, r7, r8, r9, district_id, ahtu_id, n)`

const attachTipMediaSQL = `
INSERT INTO tip_media (tip_id, n, media_id)
SELECT $1, t.n, t.media_id FROM unnest($2::bigint[]) WITH ORDINALITY AS t(media_id, n)`

// Insert stores a tip with its places and photos and returns its id.
func (s *TipStore) Insert(ctx context.Context, t tipRow, places []placeRow, mediaIDs []int64) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, insertTipSQL, t.Code, t.Body, t.Vehicles, t.Phones, t.People, t.Contact,
		t.ConsentContact, t.ConsentShare, t.DistrictIDs, nonNil(t.AHTUIDs), t.ReceivedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert tip: %w", pg.Interpret(err))
	}
	n := len(places)
	desc, seen, geoms := make([]string, n), make([]*time.Time, n), make([][]byte, n)
	r5, r7, r8, r9 := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	dist, ahtu := make([]int, n), make([]int, n)
	for i, p := range places {
		desc[i], seen[i] = p.Description, p.SeenAt
		if geoms[i], err = wkb.Marshal(orb.Point{p.Lon, p.Lat}); err != nil {
			return 0, fmt.Errorf("encode tip place: %w", err)
		}
		r5[i], r7[i], r8[i], r9[i] = p.Cells.R5, p.Cells.R7, p.Cells.R8, p.Cells.R9
		dist[i], ahtu[i] = p.Routing.DistrictID, p.Routing.AHTUID
	}
	if _, err := s.db.Exec(ctx, insertPlacesSQL, id, desc, seen, geoms, r5, r7, r8, r9, dist, ahtu); err != nil {
		return 0, fmt.Errorf("insert tip places: %w", pg.Interpret(err))
	}
	if _, err := s.db.Exec(ctx, attachTipMediaSQL, id, nonNil(mediaIDs)); err != nil {
		return 0, fmt.Errorf("attach tip media: %w", pg.Interpret(err))
	}
	return id, nil
}

// tipVisible is the scope predicate on tips t: $2 = all, $3 = AHTU id.
const tipVisible = `($2::boolean OR $3::int = ANY(t.ahtu_ids))`

// TipSummary is a tip in a list: no text, no contact.
type TipSummary struct {
	ID          int64     `db:"id"`
	Code        string    `db:"code"`
	ReceivedAt  time.Time `db:"received_at"`
	DistrictIDs []int     `db:"district_ids"`
	AHTUIDs     []int     `db:"ahtu_ids"`
	Places      int       `db:"places"`
	Photos      int       `db:"photos"`
	HasContact  bool      `db:"has_contact"`
}

const tipsSQL = `
SELECT t.id, t.code, t.received_at, t.district_ids, t.ahtu_ids,
	(SELECT count(*) FROM tip_places p WHERE p.tip_id = t.id)::int AS places,
	(SELECT count(*) FROM tip_media m WHERE m.tip_id = t.id)::int AS photos,
	t.contact_sealed IS NOT NULL AS has_contact
FROM tips t
WHERE ` + tipVisible + ` AND ($1::bigint = 0 OR t.id < $1)
ORDER BY t.id DESC LIMIT $4`

// List returns up to limit tips visible in scope, newest first, older than
// beforeID (0: from the newest).
func (s *TipStore) List(ctx context.Context, scope TipScope, beforeID int64, limit int) ([]TipSummary, error) {
	list, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[TipSummary], tipsSQL, beforeID, scope.All, scope.AHTUID, limit)
	if err != nil {
		return nil, fmt.Errorf("list tips: %w", err)
	}
	return list, nil
}

// Tip is a tip in full, for those allowed to see it. Contact details stay
// sealed here; see Service.TipContact.
type Tip struct {
	TipSummary
	Text           string
	Vehicles       []string
	Phones         []string
	People         []string
	ConsentContact bool
	ConsentShare   bool
	PlaceList      []PlaceView
	contact        []byte
}

// PlaceView is a tip's place as its readers see it.
type PlaceView struct {
	N           int        `json:"n"`
	Lat         float64    `json:"lat"`
	Lon         float64    `json:"lon"`
	Description string     `json:"description"`
	SeenAt      *time.Time `json:"seen_at"`
	DistrictID  int        `json:"district_id"`
	District    string     `json:"district"`
	AHTUID      int        `json:"ahtu_id"`
}

const tipSQL = `
SELECT t.id, t.code, t.received_at, t.district_ids, t.ahtu_ids,
	(SELECT count(*) FROM tip_media m WHERE m.tip_id = t.id)::int,
	t.contact_sealed, t.body, t.vehicles, t.phones, t.people, t.consent_contact, t.consent_share,
	(SELECT json_agg(json_build_object('n', p.n, 'lat', ST_Y(p.geom), 'lon', ST_X(p.geom),
		'description', p.description, 'seen_at', p.seen_at, 'district_id', p.district_id,
		'district', d.name_en, 'ahtu_id', COALESCE(p.ahtu_id, 0)) ORDER BY p.n)
	 FROM tip_places p JOIN districts d ON d.id = p.district_id WHERE p.tip_id = t.id)
FROM tips t
WHERE t.id = $1 AND ` + tipVisible

// Tip returns tip id when it is visible in scope, else vikalp.ErrNotFound.
func (s *TipStore) Tip(ctx context.Context, scope TipScope, id int64) (Tip, error) {
	var t Tip
	err := s.db.QueryRow(ctx, tipSQL, id, scope.All, scope.AHTUID).Scan(&t.ID, &t.Code, &t.ReceivedAt,
		&t.DistrictIDs, &t.AHTUIDs, &t.Photos, &t.contact, &t.Text, &t.Vehicles, &t.Phones, &t.People,
		&t.ConsentContact, &t.ConsentShare, &t.PlaceList)
	if err != nil {
		return Tip{}, fmt.Errorf("get tip %d: %w", id, pg.Interpret(err))
	}
	t.Places, t.HasContact = len(t.PlaceList), t.contact != nil
	return t, nil
}

const tipPhotoSQL = `
SELECT m.media_id, t.code FROM tips t JOIN tip_media m ON m.tip_id = t.id
WHERE t.id = $1 AND m.n = $4 AND ` + tipVisible

// PhotoMedia returns the media id of photo n of tip id and the tip's code
// when the tip is visible in scope, else vikalp.ErrNotFound.
func (s *TipStore) PhotoMedia(ctx context.Context, scope TipScope, id int64, n int) (int64, string, error) {
	var mediaID int64
	var code string
	if err := s.db.QueryRow(ctx, tipPhotoSQL, id, scope.All, scope.AHTUID, n).Scan(&mediaID, &code); err != nil {
		return 0, "", fmt.Errorf("get photo %d of tip %d: %w", n, id, pg.Interpret(err))
	}
	return mediaID, code, nil
}

// nonNil returns s, or an empty slice for nil (so arrays are '{}', not NULL).
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

const tipCodeSQL = `SELECT code FROM tips WHERE id = $1`

// Receipt rebuilds the receipt of tip id for a replayed submission.
func (s *TipStore) Receipt(ctx context.Context, id int64) (TipReceipt, error) {
	code, err := pg.QueryOne(ctx, s.db, pgx.RowTo[string], tipCodeSQL, id)
	if err != nil {
		return TipReceipt{}, fmt.Errorf("get tip receipt: %w", err)
	}
	return TipReceipt{Code: code}, nil
}
