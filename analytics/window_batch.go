package analytics

import "time"

// windowBatch is the Gi* result of one window at one resolution, COPYed as
// one statement.
type windowBatch struct {
	level      *gridLevel
	geom       [][2][]byte // per level cell: EPSG:3857 and 4326 EWKB
	wi         int
	key        string
	runID      int64
	start, end time.Time
	members    []int32 // level positions of the window's cells
	x          []float64
	results    []GiResult
	emerging   *emergingSet // on the emerging resolution only
}

func (b *windowBatch) Len() int { return len(b.members) }

func (b *windowBatch) Row(i int) hexRow {
	m, l := b.members[i], b.level
	a, r := l.acc[int(m)*l.nw+b.wi], b.results[i]
	h := hexRow{windowKey: b.key, res: int16(l.res), cell: l.cells[m], runID: b.runID, start: b.start, end: b.end,
		nReports: a.nReports, nDistinct: a.nDistinct, score: b.x[i],
		z: r.Z, p: r.P, pFDR: r.PFDR, bin: int16(r.Bin), district: l.district[m],
		g3857: b.geom[m][0], g4326: b.geom[m][1]}
	if b.emerging != nil {
		e := b.emerging.of(h.cell)
		h.emerging, h.cold = e.Class, e.Cold
	}
	return h
}
