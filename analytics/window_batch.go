package analytics

import "time"

// windowBatch is the Gi* result of one window at one resolution, COPYed as
// one statement.
type windowBatch struct {
	level      *gridLevel
	hex        *hexBoundaries // the level's hexagons
	wi         int
	key        string
	runID      int64
	start, end time.Time
	members    []int32 // level positions of the window's cells
	x          []float64
	results    []GiResult
	emerging   *emergingSet // on the emerging resolution only
	// significant counts the results with a bin; alerts marks the batch
	// of the alert window and resolution, which emitAlerts reads after
	// the copy.
	significant int
	alerts      bool
}

// copied drops what only the copy needed, once the batch is in the
// staging table: the level's hexagons go when its last batch is copied,
// so a run does not hold every row it computed until the swap. The alert
// batch keeps its results for emitAlerts; members stay (Len).
func (b *windowBatch) copied() {
	b.hex, b.x, b.emerging = nil, nil, nil
	if !b.alerts {
		b.results = nil
	}
}

func (b *windowBatch) Len() int { return len(b.members) }

func (b *windowBatch) Row(i int) hexRow {
	m, l := b.members[i], b.level
	a, r := l.acc[int(m)*l.nw+b.wi], b.results[i]
	h := hexRow{windowKey: b.key, res: int16(l.res), cell: l.cells[m], runID: b.runID, start: b.start, end: b.end,
		nReports: a.nReports, nDistinct: a.nDistinct, score: b.x[i],
		z: r.Z, p: r.P, pFDR: r.PFDR, bin: int16(r.Bin), district: l.district[m],
		hexagon: b.hex.vertices(int(m))}
	if b.emerging != nil {
		e := b.emerging.of(h.cell)
		h.emerging, h.cold = e.Class, e.Cold
	}
	return h
}
