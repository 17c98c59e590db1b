package leads

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/internal/pg"
)

// EntityStore reads tips for extraction and writes the entities and
// tip_entities tables. It reads tips and tip_places (owned by ingest)
// through its own queries.
type EntityStore struct{ db pg.DBTX }

// NewEntityStore returns an EntityStore on db (a pool or a transaction).
func NewEntityStore(db pg.DBTX) *EntityStore { return &EntityStore{db: db} }

// tipTextRow is what extraction reads of one tip.
type tipTextRow struct {
	ID       int64    `db:"id"`
	Body     string   `db:"body"`
	Vehicles []string `db:"vehicles"`
	Phones   []string `db:"phones"`
	People   []string `db:"people"`
	Places   []string `db:"places"`
}

// text returns the row as extraction input.
func (r tipTextRow) text() TipText {
	return TipText{Body: r.Body, Vehicles: r.Vehicles, Phones: r.Phones, People: r.People, Places: r.Places}
}

// $1 NULL reads every tip.
const tipTextsSQL = `
SELECT t.id, t.body, t.vehicles, t.phones, t.people,
	ARRAY(SELECT p.description FROM tip_places p WHERE p.tip_id = t.id AND p.description <> '' ORDER BY p.n) AS places
FROM tips t
WHERE $1::bigint[] IS NULL OR t.id = ANY($1)
ORDER BY t.id`

// tipTexts returns the text of tips ids (nil: every tip).
func (s *EntityStore) tipTexts(ctx context.Context, ids []int64) ([]tipTextRow, error) {
	out, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[tipTextRow], tipTextsSQL, ids)
	if err != nil {
		return nil, fmt.Errorf("read tip texts: %w", err)
	}
	return out, nil
}

const deleteTipEntitiesSQL = `DELETE FROM tip_entities WHERE tip_id = $1`

// The DO UPDATE (a no-op) makes RETURNING yield existing entities too.
const insertTipEntitiesSQL = `
WITH u AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[]) AS u(kind, value, mention)),
e AS (
	INSERT INTO entities (kind, value) SELECT kind, value FROM u
	ON CONFLICT (kind, value) DO UPDATE SET value = EXCLUDED.value
	RETURNING id, kind, value)
INSERT INTO tip_entities (tip_id, entity_id, mention)
SELECT $1, e.id, left(u.mention, 300) FROM u JOIN e USING (kind, value)`

// ReplaceTipEntities makes ents (distinct by kind and value) the entities
// of tip tipID.
func (s *EntityStore) ReplaceTipEntities(ctx context.Context, tipID int64, ents []Entity) error {
	if _, err := s.db.Exec(ctx, deleteTipEntitiesSQL, tipID); err != nil {
		return fmt.Errorf("clear entities of tip %d: %w", tipID, pg.Interpret(err))
	}
	if len(ents) == 0 {
		return nil
	}
	kinds, vals, mentions := make([]string, len(ents)), make([]string, len(ents)), make([]string, len(ents))
	for i, e := range ents {
		kinds[i], vals[i], mentions[i] = string(e.Kind), e.Value, e.Mention
	}
	if _, err := s.db.Exec(ctx, insertTipEntitiesSQL, tipID, kinds, vals, mentions); err != nil {
		return fmt.Errorf("store entities of tip %d: %w", tipID, pg.Interpret(err))
	}
	return nil
}

// linkingKinds is the SQL list of entity kinds that link tips.
const linkingKinds = `('phone', 'vehicle', 'alias')`

// $1 NULL reads links of every tip.
const tipLinksSQL = `
SELECT te.tip_id, te.entity_id
FROM tip_entities te JOIN entities e ON e.id = te.entity_id
WHERE e.kind IN ` + linkingKinds + ` AND ($1::bigint[] IS NULL OR te.tip_id = ANY($1))`

// links returns the linking-entity mentions of tips ids (nil: all tips).
func (s *EntityStore) links(ctx context.Context, ids []int64) ([]TipEntityLink, error) {
	out, err := pg.QueryAll(ctx, s.db, pgx.RowToStructByName[TipEntityLink], tipLinksSQL, ids)
	if err != nil {
		return nil, fmt.Errorf("read tip links: %w", err)
	}
	return out, nil
}

// neighboursSQL returns the tips sharing a linking entity with, or a lead
// with, any tip in $1.
const neighboursSQL = `
SELECT te2.tip_id
FROM tip_entities te1
JOIN entities e ON e.id = te1.entity_id AND e.kind IN ` + linkingKinds + `
JOIN tip_entities te2 ON te2.entity_id = te1.entity_id
WHERE te1.tip_id = ANY($1)
UNION
SELECT m2.tip_id FROM lead_members m1 JOIN lead_members m2 ON m2.lead_id = m1.lead_id
WHERE m1.tip_id = ANY($1)`

// closure returns every tip reachable from seed over shared linking
// entities and shared leads: the only tips a relink of seed can change.
func (s *EntityStore) closure(ctx context.Context, seed []int64) ([]int64, error) {
	have := map[int64]bool{}
	for _, t := range seed {
		have[t] = true
	}
	frontier := seed
	for len(frontier) > 0 {
		ids, err := pg.QueryAll(ctx, s.db, pgx.RowTo[int64], neighboursSQL, frontier)
		if err != nil {
			return nil, fmt.Errorf("expand tip closure: %w", err)
		}
		frontier = frontier[:0:0]
		for _, id := range ids {
			if !have[id] {
				have[id] = true
				frontier = append(frontier, id)
			}
		}
	}
	out := make([]int64, 0, len(have))
	for id := range have {
		out = append(out, id)
	}
	return out, nil
}

// leadTipRow is one member tip for scoring.
type leadTipRow struct {
	LeadID     int64     `db:"lead_id"`
	TipID      int64     `db:"tip_id"`
	ReceivedAt time.Time `db:"received_at"`
	Body       string    `db:"body"`
}

const leadTipsSQL = `
SELECT m.lead_id, t.id AS tip_id, t.received_at, t.body
FROM lead_members m JOIN tips t ON t.id = m.tip_id
WHERE m.lead_id = ANY($1) ORDER BY m.lead_id, t.id`

// leadPlaceRow is one place of a member tip. border_km is the geodesic
// distance to the nearest border line (NULL without border lines).
type leadPlaceRow struct {
	TipID        int64      `db:"tip_id"`
	Lat          float64    `db:"lat"`
	Lon          float64    `db:"lon"`
	SeenAt       *time.Time `db:"seen_at"`
	DistrictID   int        `db:"district_id"`
	AHTUID       int        `db:"ahtu_id"`
	BordersNepal bool       `db:"borders_nepal"`
	BorderKm     *float64   `db:"border_km"`
	H3R8         int64      `db:"h3_r8"`
}

// Distances are on the geography type (metres on the spheroid), so a
// kilometre means the same in Pilibhit and in Maharajganj.
const leadPlacesSQL = `
SELECT p.tip_id, ST_Y(p.geom) AS lat, ST_X(p.geom) AS lon, p.seen_at, p.district_id,
	COALESCE(p.ahtu_id, 0) AS ahtu_id, d.borders_nepal,
	(SELECT min(ST_Distance(p.geom::geography, b.geom::geography)) / 1000 FROM border_lines b) AS border_km,
	p.h3_r8
FROM tip_places p JOIN districts d ON d.id = p.district_id
WHERE p.tip_id = ANY($1) ORDER BY p.tip_id, p.n`

// tipEntityRow is one entity of a member tip.
type tipEntityRow struct {
	TipID int64      `db:"tip_id"`
	Kind  EntityKind `db:"kind"`
	Value string     `db:"value"`
}

const tipEntityRowsSQL = `
SELECT te.tip_id, e.kind, e.value FROM tip_entities te JOIN entities e ON e.id = te.entity_id
WHERE te.tip_id = ANY($1) ORDER BY te.tip_id, e.kind, e.value`

// leadTips returns, for each of leads, its member tips with places and
// entities, ready for Score.
func (s *EntityStore) leadTips(ctx context.Context, leads []int64) (map[int64][]ScoredTip, error) {
	tips, err := leadRows[leadTipRow](ctx, s.db, leadTipsSQL, leads)
	if err != nil {
		return nil, fmt.Errorf("read lead tips: %w", err)
	}
	ids := make([]int64, len(tips))
	for i, t := range tips {
		ids[i] = t.TipID
	}
	places, err := leadRows[leadPlaceRow](ctx, s.db, leadPlacesSQL, ids)
	if err != nil {
		return nil, fmt.Errorf("read lead places: %w", err)
	}
	ents, err := leadRows[tipEntityRow](ctx, s.db, tipEntityRowsSQL, ids)
	if err != nil {
		return nil, fmt.Errorf("read lead entities: %w", err)
	}
	byTip := map[int64]*ScoredTip{}
	for _, t := range tips {
		byTip[t.TipID] = &ScoredTip{TipID: t.TipID, ReceivedAt: t.ReceivedAt, BodyKey: bodyKey(t.Body)}
	}
	for _, p := range places {
		lt := byTip[p.TipID]
		lt.Places = append(lt.Places, TipPlace{Lat: p.Lat, Lon: p.Lon, SeenAt: p.SeenAt, DistrictID: p.DistrictID,
			AHTUID: p.AHTUID, BordersNepal: p.BordersNepal, BorderKm: p.BorderKm, H3R8: p.H3R8})
	}
	for _, e := range ents {
		lt := byTip[e.TipID]
		lt.Entities = append(lt.Entities, Entity{Kind: e.Kind, Value: e.Value})
	}
	out := map[int64][]ScoredTip{}
	for _, t := range tips {
		out[t.LeadID] = append(out[t.LeadID], *byTip[t.TipID])
	}
	return out, nil
}

// bodyKey normalises a tip's text so resubmitted copies count once.
func bodyKey(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// leadRows runs a query and scans every row into T by column name.
func leadRows[T any](ctx context.Context, db pg.DBTX, sql string, args ...any) ([]T, error) {
	return pg.QueryAll(ctx, db, pgx.RowToStructByName[T], sql, args...)
}
