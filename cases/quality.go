package cases

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
)

// ATR quality, not only ATR speed (issue 22): per district, station and
// officer, how long ATRs take, how often the nodal officer returns them,
// how often she is dissatisfied after one, how many are near-copies of the
// station's earlier ATRs, and how many cases closed only after an
// escalation. Every figure lists the complaints behind it
// (QualityComplaints), computed from the same facts, so a figure and its
// list always agree.

// QualityMetric names one ATR quality figure.
type QualityMetric string

// The figures. For each, a higher value is worse.
const (
	// MetricTimeToSubmit is the median time from assignment to the first
	// ATR submitted for vetting (per complaint).
	MetricTimeToSubmit QualityMetric = "time_to_submit"
	// MetricTimeToPublish is the median time from assignment to the first
	// ATR published to her (per complaint).
	MetricTimeToPublish QualityMetric = "time_to_publish"
	// MetricReturned is the share of vetted ATRs the nodal officer returned.
	MetricReturned QualityMetric = "returned"
	// MetricDissatisfied is the share of her ratings after an ATR that were
	// DISSATISFIED.
	MetricDissatisfied QualityMetric = "dissatisfied"
	// MetricNearCopy is the share of submitted ATRs that are near-copies of
	// an earlier ATR of the same station on another complaint.
	MetricNearCopy QualityMetric = "near_copy"
	// MetricClosedAfterEscalation is the share of closed complaints that
	// closed only after an SLA rung fired or MSP legal pursued them.
	MetricClosedAfterEscalation QualityMetric = "closed_after_escalation"
)

// QualityMetrics lists every figure in display order.
var QualityMetrics = []QualityMetric{MetricTimeToSubmit, MetricTimeToPublish, MetricReturned,
	MetricDissatisfied, MetricNearCopy, MetricClosedAfterEscalation}

// QualityLevel is the unit a figure is computed for.
type QualityLevel string

// The levels: a district, a police station, or the officer who drafted
// the ATRs (atrs.drafted_by).
const (
	LevelDistrict QualityLevel = "district"
	LevelStation  QualityLevel = "station"
	LevelOfficer  QualityLevel = "officer"
)

// MinQualitySample is the smallest denominator a figure is compared on:
// below it the figure is labelled "too few to compare" and not ranked.
const MinQualitySample = 5

// DefaultQualityWindow is how far back complaints count when the reader
// does not choose (complaints filed in the last 90 days).
const DefaultQualityWindow = 90 * 24 * time.Hour

// nearCopyHistory bounds how many earlier ATRs of its station each ATR is
// compared with (the most recent ones).
const nearCopyHistory = 200

// MaxQualityDays bounds the window a reader may choose.
const MaxQualityDays = 365

// QualityFilter chooses the complaints (filed in the last Days days; 0
// means DefaultQualityWindow) and the figure units are ranked by (SortBy;
// "" means MetricReturned).
type QualityFilter struct {
	Days   int
	SortBy QualityMetric
}

// QualityFigure is one figure of one unit.
type QualityFigure struct {
	N     int // the complaints, ATRs or ratings behind the figure
	Count int // of them, those counted in a share (0 for the medians)
	// Value is the share (0..1) or the median in seconds; nil when N is 0.
	Value *float64
	// TooFew is N < MinQualitySample: shown, labelled, never ranked.
	TooFew bool
}

// QualityUnit is one district, station or officer with its figures.
type QualityUnit struct {
	Level      QualityLevel
	ID         int64
	NameEN     string
	NameHI     string
	DistrictID int
	StationID  int64 // a station's own id; an officer's station; 0 for a district
	Figures    map[QualityMetric]QualityFigure
	// Rank is the place by the sort figure, 1 the worst; nil when that
	// figure has too few behind it.
	Rank *int
}

// NearCopy is an ATR whose text is a near-copy of an earlier ATR of the
// same station on another complaint. Only ids, codes and the similarity:
// never the texts.
type NearCopy struct {
	ATRID              int64
	ComplaintID        int64
	Code               Code
	EarlierATRID       int64
	EarlierComplaintID int64
	EarlierCode        Code
	StationID          int64
	DistrictID         int
	DraftedBy          *int64
	Similarity         float64
}

// Quality is the ATR quality section of the dashboard for one reader.
type Quality struct {
	Since      time.Time
	SortBy     QualityMetric
	Districts  []QualityUnit
	Stations   []QualityUnit
	Officers   []QualityUnit
	NearCopies []NearCopy // newest first
}

// QualityEntry is one complaint, ATR or rating behind a figure.
type QualityEntry struct {
	ComplaintID int64
	Code        Code
	Status      Status
	DistrictID  int
	StationID   int64
	ATRID       *int64    // the ATR (returned, near-copy) or the rated ATR (dissatisfied)
	Counted     bool      // counted in the share (returned, dissatisfied, a near-copy, escalated)
	Seconds     *float64  // the time, for the medians
	NearCopy    *NearCopy // the earlier ATR it copies
}

// qualityItem is one entry with the units it counts for.
type qualityItem struct {
	metric  QualityMetric
	officer *int64
	entry   QualityEntry
}

// Quality computes the ATR quality figures of the complaints p may
// aggregate: the SP and nodal officer their district, MSP the state. Below
// MSP, confidential complaints stay out of every figure (ARCHITECTURE §6).
// Stations and other roles are ErrForbidden.
func (s *Service) Quality(ctx context.Context, p auth.Principal, f QualityFilter) (Quality, error) {
	if _, err := qualityReader(p); err != nil {
		return Quality{}, err
	}
	since, err := s.qualityFilter(&f)
	if err != nil {
		return Quality{}, err
	}
	items, err := s.qualityItems(ctx, p, since)
	if err != nil {
		return Quality{}, fmt.Errorf("compute atr quality: %w", err)
	}
	q := Quality{Since: since, SortBy: f.SortBy}
	units := groupUnits(items)
	if err := s.nameUnits(ctx, units); err != nil {
		return Quality{}, fmt.Errorf("compute atr quality: %w", err)
	}
	for _, u := range units {
		switch u.Level {
		case LevelDistrict:
			q.Districts = append(q.Districts, *u)
		case LevelStation:
			q.Stations = append(q.Stations, *u)
		default:
			q.Officers = append(q.Officers, *u)
		}
	}
	for _, list := range [][]QualityUnit{q.Districts, q.Stations, q.Officers} {
		rankUnits(list, f.SortBy)
	}
	for _, it := range items {
		if it.metric == MetricNearCopy && it.entry.NearCopy != nil {
			q.NearCopies = append(q.NearCopies, *it.entry.NearCopy)
		}
	}
	slices.Reverse(q.NearCopies)
	return q, nil
}

// QualityComplaints lists what is behind one figure of one unit: the
// complaints (medians, closed after escalation), ATRs (returned, near-copy)
// or ratings (dissatisfied), each marked when counted in the share. A unit
// outside p's scope, or with nothing behind any figure, is ErrNotFound.
func (s *Service) QualityComplaints(ctx context.Context, p auth.Principal, metric QualityMetric, level QualityLevel,
	id int64, f QualityFilter) ([]QualityEntry, error) {
	if _, err := qualityReader(p); err != nil {
		return nil, err // who may ask comes before what was asked
	}
	if id <= 0 {
		return nil, vikalp.InvalidField("id", "id_invalid", "id must be the number of a district, station or officer")
	}
	if !slices.Contains(QualityMetrics, metric) {
		return nil, vikalp.InvalidField("metric", "metric_invalid", "unknown quality figure")
	}
	if level != LevelDistrict && level != LevelStation && level != LevelOfficer {
		return nil, vikalp.InvalidField("level", "level_invalid", "level must be district, station or officer")
	}
	since, err := s.qualityFilter(&f)
	if err != nil {
		return nil, err
	}
	items, err := s.qualityItems(ctx, p, since)
	if err != nil {
		return nil, fmt.Errorf("list complaints behind %s of %s %d: %w", metric, level, id, err)
	}
	found := false
	out := []QualityEntry{}
	for _, it := range items {
		if unitID(it, level) != id {
			continue
		}
		found = true
		if it.metric == metric {
			out = append(out, it.entry)
		}
	}
	if !found {
		return nil, fmt.Errorf("quality of %s %d: %w", level, id, vikalp.ErrNotFound)
	}
	return out, nil
}

// qualityFilter fills f's defaults, checks it and returns the window's
// start.
func (s *Service) qualityFilter(f *QualityFilter) (time.Time, error) {
	if f.SortBy == "" {
		f.SortBy = MetricReturned
	}
	if !slices.Contains(QualityMetrics, f.SortBy) {
		return time.Time{}, vikalp.InvalidField("sort", "metric_invalid", "unknown quality figure")
	}
	if f.Days < 0 || f.Days > MaxQualityDays { // the API passes -1 for what is not a number
		return time.Time{}, vikalp.InvalidField("days", "days_invalid", "days must be between 1 and 365")
	}
	window := DefaultQualityWindow
	if f.Days > 0 {
		window = time.Duration(f.Days) * 24 * time.Hour
	}
	return s.now().Add(-window), nil
}

// qualityItems reads the facts of p's scope and turns them into entries.
func (s *Service) qualityItems(ctx context.Context, p auth.Principal, since time.Time) ([]qualityItem, error) {
	v, err := qualityReader(p)
	if err != nil {
		return nil, err
	}
	all := v.DistrictID == nil && v.StationID == nil // MSP: confidential complaints count
	store := NewQualityStore(s.db)
	complaints, err := store.Complaints(ctx, v, since, all, []string{EventSLANodal, EventSLASP, EventSLAMSP})
	if err != nil {
		return nil, err
	}
	atrs, err := store.ATRs(ctx, v, since, all)
	if err != nil {
		return nil, err
	}
	ratings, err := store.Ratings(ctx, v, since, all)
	if err != nil {
		return nil, err
	}
	items := complaintItems(complaints)
	items = append(items, atrItems(atrs)...)
	return append(items, ratingItems(ratings)...), nil
}

// qualityReader returns what p may aggregate: nodal officers and SPs their
// district, MSP the state; anyone else is ErrForbidden.
func qualityReader(p auth.Principal) (Visibility, error) {
	v, err := visibility(p)
	if err != nil {
		return Visibility{}, err
	}
	return v, requireRole(p, auth.RoleNodal, auth.RoleSP, auth.RoleMSPAnalyst, auth.RoleMSPLegal)
}

// complaintItems are the per-complaint entries: the two medians and
// closed-after-escalation.
func complaintItems(cs []qualityComplaint) []qualityItem {
	var items []qualityItem
	for _, c := range cs {
		e := QualityEntry{ComplaintID: c.ID, Code: c.Code, Status: c.Status, DistrictID: c.DistrictID, StationID: c.StationID}
		if c.FirstSubmittedAt != nil {
			secs := c.FirstSubmittedAt.Sub(c.AssignedAt).Seconds()
			e := e
			e.Seconds = &secs
			items = append(items, qualityItem{metric: MetricTimeToSubmit, officer: c.FirstSubmittedBy, entry: e})
		}
		if c.FirstPublishedAt != nil {
			secs := c.FirstPublishedAt.Sub(c.AssignedAt).Seconds()
			e := e
			e.Seconds = &secs
			items = append(items, qualityItem{metric: MetricTimeToPublish, officer: c.FirstPublishedBy, entry: e})
		}
		if c.Status == StatusClosed {
			e := e
			e.Counted = c.Escalated
			items = append(items, qualityItem{metric: MetricClosedAfterEscalation, officer: c.LastPublishedBy, entry: e})
		}
	}
	return items
}

// atrItems are the per-ATR entries: returned (vetted ATRs) and near-copy
// (every submitted ATR). atrs come ordered by station and submission.
func atrItems(atrs []qualityATR) []qualityItem {
	var items []qualityItem
	var station int64
	var earlier []shingledATR // this station's ATRs so far, oldest first
	for _, a := range atrs {
		if a.StationID != station {
			station, earlier = a.StationID, earlier[:0]
		}
		id := a.ID
		e := QualityEntry{ComplaintID: a.ComplaintID, Code: a.Code, Status: a.Complaint, DistrictID: a.DistrictID,
			StationID: a.StationID, ATRID: &id}
		if a.Status == ATRPublished || a.Status == ATRReturned {
			r := e
			r.Counted = a.Status == ATRReturned
			items = append(items, qualityItem{metric: MetricReturned, officer: a.DraftedBy, entry: r})
		}
		cur := shingledATR{atr: a, shingles: shingles(a.Text)}
		cur.atr.Text = "" // the text is not kept past this point
		if nc := nearestCopy(cur, earlier); nc != nil {
			e.Counted, e.NearCopy = true, nc
		}
		items = append(items, qualityItem{metric: MetricNearCopy, officer: a.DraftedBy, entry: e})
		earlier = append(earlier, cur)
	}
	return items
}

// shingledATR is an ATR with its text reduced to shingles.
type shingledATR struct {
	atr      qualityATR
	shingles []uint64
}

// nearestCopy returns the pair when cur is a near-copy of one of the
// station's earlier ATRs (the last nearCopyHistory, other complaints only;
// the most similar, the latest on a tie), or nil.
func nearestCopy(cur shingledATR, earlier []shingledATR) *NearCopy {
	var best *shingledATR
	bestSim := 0.0
	for i := len(earlier) - 1; i >= max(0, len(earlier)-nearCopyHistory); i-- {
		prev := &earlier[i]
		if prev.atr.ComplaintID == cur.atr.ComplaintID {
			continue // a redraft of the same case is expected to look alike
		}
		if sim := jaccard(cur.shingles, prev.shingles); sim >= NearCopyThreshold && sim > bestSim {
			best, bestSim = prev, sim
		}
	}
	if best == nil {
		return nil
	}
	return &NearCopy{ATRID: cur.atr.ID, ComplaintID: cur.atr.ComplaintID, Code: cur.atr.Code,
		EarlierATRID: best.atr.ID, EarlierComplaintID: best.atr.ComplaintID, EarlierCode: best.atr.Code,
		StationID: cur.atr.StationID, DistrictID: cur.atr.DistrictID, DraftedBy: cur.atr.DraftedBy, Similarity: bestSim}
}

// ratingItems are the per-rating entries of the dissatisfaction rate,
// attributed to the officer who drafted the rated ATR.
func ratingItems(rs []qualityRating) []qualityItem {
	items := make([]qualityItem, 0, len(rs))
	for _, r := range rs {
		atr := r.ATRID
		items = append(items, qualityItem{metric: MetricDissatisfied, officer: r.DraftedBy, entry: QualityEntry{
			ComplaintID: r.ComplaintID, Code: r.Code, Status: r.Status, DistrictID: r.DistrictID, StationID: r.StationID,
			ATRID: &atr, Counted: r.Rating == RatingDissatisfied}})
	}
	return items
}

// unitID is the id of the unit of level an item counts for; 0 when none
// (an ATR without a recorded drafter has no officer).
func unitID(it qualityItem, level QualityLevel) int64 {
	switch level {
	case LevelDistrict:
		return int64(it.entry.DistrictID)
	case LevelStation:
		return it.entry.StationID
	}
	if it.officer == nil {
		return 0
	}
	return *it.officer
}

// groupUnits computes every unit's figures from the items.
func groupUnits(items []qualityItem) []*QualityUnit {
	type key struct {
		level QualityLevel
		id    int64
	}
	type acc struct {
		n, count int
		seconds  []float64
	}
	units := map[key]*QualityUnit{}
	accs := map[key]map[QualityMetric]*acc{}
	var order []key
	for _, it := range items {
		for _, level := range []QualityLevel{LevelDistrict, LevelStation, LevelOfficer} {
			k := key{level, unitID(it, level)}
			if k.id == 0 {
				continue
			}
			if units[k] == nil {
				u := &QualityUnit{Level: level, ID: k.id, DistrictID: it.entry.DistrictID}
				if level != LevelDistrict {
					u.StationID = it.entry.StationID
				}
				units[k], accs[k] = u, map[QualityMetric]*acc{}
				order = append(order, k)
			}
			a := accs[k][it.metric]
			if a == nil {
				a = &acc{}
				accs[k][it.metric] = a
			}
			a.n++
			if it.entry.Counted {
				a.count++
			}
			if it.entry.Seconds != nil {
				a.seconds = append(a.seconds, *it.entry.Seconds)
			}
		}
	}
	out := make([]*QualityUnit, 0, len(order))
	for _, k := range order {
		u := units[k]
		u.Figures = make(map[QualityMetric]QualityFigure, len(QualityMetrics))
		for _, m := range QualityMetrics {
			fig := QualityFigure{}
			if a := accs[k][m]; a != nil {
				fig = figure(m, a.n, a.count, a.seconds)
			}
			fig.TooFew = fig.N < MinQualitySample
			u.Figures[m] = fig
		}
		out = append(out, u)
	}
	return out
}

// figure computes one figure: a median of seconds or a share of count.
func figure(m QualityMetric, n, count int, seconds []float64) QualityFigure {
	fig := QualityFigure{N: n, Count: count}
	if n == 0 {
		return fig
	}
	var v float64
	if m == MetricTimeToSubmit || m == MetricTimeToPublish {
		fig.Count = 0
		v = median(seconds)
	} else {
		v = float64(count) / float64(n)
	}
	fig.Value = &v
	return fig
}

// median is the middle value (the mean of the two middle ones for an even
// count), as Postgres percentile_cont(0.5) computes it.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// rankUnits sorts units worst first by metric and numbers them; units with
// too few behind that figure come last, by name, without a rank.
func rankUnits(units []QualityUnit, metric QualityMetric) {
	ranked := func(u QualityUnit) bool { f := u.Figures[metric]; return !f.TooFew && f.Value != nil }
	slices.SortStableFunc(units, func(a, b QualityUnit) int {
		ra, rb := ranked(a), ranked(b)
		switch {
		case ra && rb:
			if c := cmp.Compare(*b.Figures[metric].Value, *a.Figures[metric].Value); c != 0 {
				return c
			}
		case ra != rb:
			if ra {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.NameEN, b.NameEN), cmp.Compare(a.ID, b.ID))
	})
	for i := range units {
		if ranked(units[i]) {
			r := i + 1
			units[i].Rank = &r
		}
	}
}

// nameUnits fills the units' names.
func (s *Service) nameUnits(ctx context.Context, units []*QualityUnit) error {
	var districts []int
	var stations, officers []int64
	for _, u := range units {
		switch u.Level {
		case LevelDistrict:
			districts = append(districts, int(u.ID))
		case LevelStation:
			stations = append(stations, u.ID)
		default:
			officers = append(officers, u.ID)
		}
	}
	names, err := NewQualityStore(s.db).Names(ctx, districts, stations, officers)
	if err != nil {
		return err
	}
	byKey := map[QualityLevel]map[int64]unitName{}
	for _, n := range names {
		if byKey[n.Level] == nil {
			byKey[n.Level] = map[int64]unitName{}
		}
		byKey[n.Level][n.ID] = n
	}
	for _, u := range units {
		n := byKey[u.Level][u.ID]
		u.NameEN, u.NameHI = n.NameEN, n.NameHI
	}
	return nil
}
