package analytics

// cellAcc accumulates one cell in one window.
type cellAcc struct {
	nReports, nDistinct int32
	score               float64
}

func (a *cellAcc) add(b cellAcc) {
	a.nReports += b.nReports
	a.nDistinct += b.nDistinct
	a.score += b.score
}
