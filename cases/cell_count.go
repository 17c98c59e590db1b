package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
)

// CountScope is which complaints a caller may count in statistics: the
// complaints it may read (a station its own, nodal officer and SP their
// district, MSP the state), and confidential ones only for MSP
// (docs/PRIVACY.md: confidential complaints enter no aggregate a role below
// MSP can see).
type CountScope struct {
	Visibility
	Confidential bool
}

// CountScopeOf returns the complaints p may count, and false when p may
// read no complaint at all (moderator, PCR, AHTU, E-cell, admin): such a
// caller's statistics carry no complaint.
func CountScopeOf(p auth.Principal) (CountScope, bool) {
	v, err := visibility(p)
	if err != nil {
		return CountScope{}, false
	}
	return CountScope{Visibility: v, Confidential: p.Has(auth.RoleMSPAnalyst, auth.RoleMSPLegal)}, true
}

// CellCountQuery selects the complaints counted per H3 cell: located, not
// withdrawn, with the incident (else filing) time in (Since, Until].
type CellCountQuery struct {
	Resolution  int // 5–9
	Since       time.Time
	Until       time.Time
	DistrictIDs []int // nil: every district of the scope
}

// CellCounts counts the complaints of scope q selects per cell at
// q.Resolution, reading them on db (a pool, a replica or a transaction).
// Cells come from the stored r9 cell, so every resolution (r6 included)
// nests exactly.
func CellCounts(ctx context.Context, db pg.DBTX, scope CountScope, q CellCountQuery) (map[int64]int, error) {
	if q.Resolution < 5 || q.Resolution > 9 {
		return nil, vikalp.InvalidField("resolution", "out_of_range", "resolution must be between 5 and 9")
	}
	r9, err := NewCellCountStore(db).R9Counts(ctx, scope, q)
	if err != nil {
		return nil, fmt.Errorf("count complaints per cell: %w", err)
	}
	out := make(map[int64]int, len(r9))
	for cell, n := range r9 {
		c := h3.Cell(cell)
		if !c.IsValid() {
			continue
		}
		if q.Resolution < 9 {
			c = c.Parent(q.Resolution)
		}
		out[int64(c)] += n
	}
	return out, nil
}
