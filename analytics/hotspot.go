package analytics

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/internal/pg"
)

// HotspotQuery is what a caller asks the hotspots API for.
type HotspotQuery struct {
	WindowKey  string // default "30d"
	Resolution int    // default 8
	Class      string // "", "hot", "cold", an emerging class or "cold_" + one
	DistrictID int    // 0: every district the caller may see
}

// HotspotService answers hotspot queries through one rule, StatsViewOf
// (ARCHITECTURE §6, docs/PRIVACY.md): every cell comes from hex_stats, which
// holds approved public reports only; anonymous callers see cells at r8 or
// coarser with at least PublicMinDistinct distinct reports and one count;
// staff see every cell of their scope's districts; and only callers who may
// read complaints get the complaints of their own scope counted per cell,
// read from the complaints themselves at request time.
type HotspotService struct {
	db pg.DBTX
	// read is where Hotspots reads cells: db or a streaming replica of it.
	// Exports stay on db: their audit entry is written in the same
	// transaction as the read.
	read pg.DBTX
	// PublicMinDistinct is the k of the public k-anonymity rule (default 3).
	PublicMinDistinct int
}

// HotspotDeps are what a HotspotService needs besides the database.
type HotspotDeps struct {
	// Read is where cells are read from: a streaming replica of db (db
	// when nil).
	Read pg.DBTX
	// MinDistinct is the k of the public k-anonymity rule (3 when ≤ 0).
	MinDistinct int
}

// NewHotspotService returns a service writing to db and reading cells from
// d.Read.
func NewHotspotService(db pg.DBTX, d HotspotDeps) *HotspotService {
	if d.Read == nil {
		d.Read = db
	}
	if d.MinDistinct <= 0 {
		d.MinDistinct = 3
	}
	return &HotspotService{db: db, read: d.Read, PublicMinDistinct: d.MinDistinct}
}

// StatsView is what one caller may learn from hotspot statistics.
type StatsView struct {
	// Public is an anonymous caller: approved reports only, cells of at
	// least k distinct reports, r8 or coarser, one count per cell.
	Public bool
	// Complaints is the complaints the caller may count per cell (its own
	// scope's; confidential ones for MSP only), nil when it may read none.
	Complaints *cases.CountScope
}

// StatsViewOf is the rule every statistics read goes through: p is nil for
// an anonymous caller. Every other staff role (moderator, PCR, AHTU,
// E-cell, admin) gets report-only statistics.
func StatsViewOf(p *auth.Principal) StatsView {
	if p == nil {
		return StatsView{Public: true}
	}
	if cs, ok := cases.CountScopeOf(*p); ok {
		return StatsView{Complaints: &cs}
	}
	return StatsView{}
}

// HotspotCell is one cell of a hotspot answer.
type HotspotCell struct {
	HexStat
	// NComplaints is the caller's complaints in the cell and window; nil
	// when StatsViewOf gives the caller no complaints.
	NComplaints *int
}

// maxPublicResolution is the finest resolution anonymous callers may see.
const maxPublicResolution = 8

// Hotspots returns the cells q selects that p may see (p is nil for an
// anonymous caller), strongest |z| first, at most limit rows (0: no limit).
func (s *HotspotService) Hotspots(ctx context.Context, p *auth.Principal, q HotspotQuery, limit int) ([]HotspotCell, error) {
	read := s.read
	view := StatsViewOf(p)
	f, err := s.filter(ctx, read, p, q)
	if err != nil {
		return nil, err
	}
	f.Limit = limit
	rows, err := NewHexStatStore(read).Hotspots(ctx, f)
	if err != nil {
		return nil, err
	}
	return withComplaints(ctx, read, view, f, rows, limit)
}

// Export returns every cell q selects for staff member p and writes an
// audit entry naming the format and the filters, in one transaction.
func (s *HotspotService) Export(ctx context.Context, p auth.Principal, q HotspotQuery, format string) ([]HotspotCell, error) {
	var out []HotspotCell
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		f, err := s.filter(ctx, tx, &p, q)
		if err != nil {
			return err
		}
		rows, err := NewHexStatStore(tx).Hotspots(ctx, f)
		if err != nil {
			return err
		}
		if out, err = withComplaints(ctx, tx, StatsViewOf(&p), f, rows, 0); err != nil {
			return err
		}
		_, err = auth.Append(ctx, tx, auth.EntryBy(p, "hotspots.exported", "", 0, map[string]any{
			"format": format, "window": f.WindowKey, "resolution": f.Resolution, "class": f.Class,
			"district_id": q.DistrictID, "rows": len(out)}))
		if err != nil {
			return fmt.Errorf("audit hotspot export: %w", err)
		}
		return nil
	})
	return out, err
}

// withComplaints attaches to rows the complaints view may count, over the
// window of the stored run (or ending now before any run), and, when no
// class is asked for, appends the cells holding only complaints (after the
// cells with statistics, up to limit).
func withComplaints(ctx context.Context, db pg.DBTX, view StatsView, f HotspotFilter, rows []HexStat, limit int) ([]HotspotCell, error) {
	out := make([]HotspotCell, len(rows))
	for i, r := range rows {
		out[i] = HotspotCell{HexStat: r}
	}
	if view.Complaints == nil || (f.DistrictIDs != nil && len(f.DistrictIDs) == 0) {
		return out, nil
	}
	start, end, err := NewHexStatStore(db).WindowBounds(ctx, f.WindowKey)
	if err != nil {
		return nil, err
	}
	counts, err := cases.CellCounts(ctx, db, *view.Complaints, cases.CellCountQuery{
		Resolution: f.Resolution, Since: start, Until: end, DistrictIDs: f.DistrictIDs})
	if err != nil {
		return nil, err
	}
	for i := range out {
		n := counts[out[i].Cell]
		out[i].NComplaints = &n
		delete(counts, out[i].Cell)
	}
	if f.Class != "" {
		return out, nil
	}
	only := make([]int64, 0, len(counts))
	for c := range counts {
		only = append(only, c)
	}
	slices.Sort(only)
	for _, c := range only {
		if limit > 0 && len(out) >= limit {
			break
		}
		n := counts[c]
		out = append(out, HotspotCell{HexStat: HexStat{WindowKey: f.WindowKey, Resolution: f.Resolution, Cell: c,
			WindowStart: start, WindowEnd: end}, NComplaints: &n})
	}
	return out, nil
}

// filter validates q and applies p's permissions, reading p's districts
// from db (the replica when the cells come from it too).
func (s *HotspotService) filter(ctx context.Context, db pg.DBTX, p *auth.Principal, q HotspotQuery) (HotspotFilter, error) {
	f := HotspotFilter{WindowKey: q.WindowKey, Resolution: q.Resolution, Class: q.Class}
	if f.WindowKey == "" {
		f.WindowKey = "30d"
	}
	if f.Resolution == 0 {
		f.Resolution = 8
	}
	if !validWindow(f.WindowKey) {
		return f, vikalp.InvalidField("window", "unknown_window", "window must be one of 7d, 30d, 90d, 365d")
	}
	if f.Resolution < 5 || f.Resolution > 9 {
		return f, vikalp.InvalidField("resolution", "out_of_range", "resolution must be between 5 and 9")
	}
	if !validClass(f.Class) {
		return f, vikalp.InvalidField("class", "unknown_class",
			"class must be hot, cold, an emerging class (new, consecutive, …) or cold_ + one")
	}
	if q.DistrictID != 0 {
		f.DistrictIDs = []int{q.DistrictID}
	}
	if p == nil {
		// Privacy rule: nothing finer than r8, no cell with fewer than k reports.
		if f.Resolution > maxPublicResolution {
			return f, vikalp.InvalidField("resolution", "not_public", "public maps show resolution 8 or coarser")
		}
		f.MinDistinct = s.PublicMinDistinct
		return f, nil
	}
	districts, err := scopedDistricts(ctx, db, *p, q.DistrictID)
	f.DistrictIDs = districts
	return f, err
}

// scopedDistricts returns the districts staff member p may see statistics
// of, narrowed to districtID when it is not 0: nil for every district (state
// scope, no district asked), an empty slice when districtID is outside the
// scope (the caller then sees nothing, as if the district had no cells).
func scopedDistricts(ctx context.Context, db pg.DBTX, p auth.Principal, districtID int) ([]int, error) {
	allowed, err := NewHexStatStore(db).ScopeDistricts(ctx, p.Scope)
	if err != nil {
		return nil, err
	}
	switch {
	case allowed == nil && districtID == 0: // state scope
		return nil, nil
	case allowed == nil || slices.Contains(allowed, districtID):
		return []int{districtID}, nil
	case districtID == 0:
		return allowed, nil
	}
	return []int{}, nil
}

func validWindow(k string) bool {
	for _, w := range DefaultWindows {
		if w.Key == k {
			return true
		}
	}
	return false
}

func validClass(c string) bool {
	switch c {
	case "", "hot", "cold":
		return true
	}
	switch EmergingClass(strings.TrimPrefix(c, "cold_")) {
	case EmergingNew, EmergingConsecutive, EmergingIntensifying, EmergingPersistent,
		EmergingDiminishing, EmergingSporadic, EmergingOscillating, EmergingHistorical:
		return true
	}
	return false
}
