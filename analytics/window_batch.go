package analytics

import "time"

// windowBatch is the Gi* result of one window at one resolution, COPYed as
// one statement.
type windowBatch struct {
	level      *gridLevel
	wi         int
	key        string
	runID      int64
	start, end time.Time
	members    []int32 // level positions of the window's cells
	// The Gi* result of member i is z[i], pFDR[i] and bin[i], held as
	// three arrays (17 bytes a row rather than GiResult's 32): a run holds
	// about a million rows until they are copied. The raw p is PValue(z),
	// recomputed as a row is encoded; the score is the level's.
	z        []float64
	pFDR     []float64
	bin      []int8
	emerging *emergingSet // on the emerging resolution only
	// significant counts the results with a bin; alerts marks the batch
	// of the alert window and resolution, which emitAlerts reads after
	// the copy.
	significant int
	alerts      bool
}

// newWindowBatch classifies the Gi* z-scores of b's members (z is kept,
// not copied) as classify does.
func newWindowBatch(b windowBatch, z []float64, fdr bool) *windowBatch {
	b.z = z
	b.pFDR, b.bin = binScores(z, fdr)
	for _, bin := range b.bin {
		if bin != 0 {
			b.significant++
		}
	}
	return &b
}

// copied drops what only the copy needed, once the batch is in the
// staging table, so a run does not hold every row it computed until the
// swap. The alert batch keeps its z-scores and bins for emitAlerts;
// members stay (Len).
func (b *windowBatch) copied() {
	b.pFDR, b.emerging = nil, nil
	if !b.alerts {
		b.z, b.bin = nil, nil
	}
}

func (b *windowBatch) Len() int { return len(b.members) }

func (b *windowBatch) Row(i int) hexRow {
	m, l := b.members[i], b.level
	a := l.acc[int(m)*l.nw+b.wi]
	h := hexRow{windowKey: b.key, res: int16(l.res), cell: l.cells[m], runID: b.runID, start: b.start, end: b.end,
		nReports: a.nReports, nDistinct: a.nDistinct, score: a.score,
		z: b.z[i], p: PValue(b.z[i]), pFDR: b.pFDR[i], bin: int16(b.bin[i]), district: l.district[m]}
	if b.emerging != nil {
		e := b.emerging.of(h.cell)
		h.emerging, h.cold = e.Class, e.Cold
	}
	return h
}
