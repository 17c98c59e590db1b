package api

import (
	"cmp"
	"context"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/jurisdiction"
)

// placeResponse ("where") says where an alert, lead or hotspot is in words:
// the nearest police station and railway station with distance and
// direction, and the district, in English and Hindi, plus a geo: URI for
// the phone's map app. It names only public places, and describes a
// point the caller may already see: an H3 cell's centre for alerts and
// hotspots (public hotspots are k-anonymous r8-or-coarser cells), the
// lead's own place for AHTU staff. Never a report's point. The only
// coordinates are in geo_uri (no lat/lon fields: alert events carry none).
type placeResponse struct {
	TextEN         string            `json:"text_en"`
	TextHI         string            `json:"text_hi"`
	GeoURI         string            `json:"geo_uri"`
	DistrictID     int               `json:"district_id,omitempty"`
	PoliceStation  *landmarkResponse `json:"police_station"`
	RailwayStation *landmarkResponse `json:"railway_station"`
}

// landmarkResponse is a public place near the described point: the point
// lies distance_m metres from it towards direction (N, NE, … NW; "" when
// the point is at it).
type landmarkResponse struct {
	NameEN      string `json:"name_en"`
	NameHI      string `json:"name_hi"`
	DistanceM   int    `json:"distance_m"`
	Direction   string `json:"direction"`
	DirectionHI string `json:"direction_hi"`
}

func newPlaceResponse(d jurisdiction.PlaceDescription) *placeResponse {
	return &placeResponse{TextEN: d.TextEN, TextHI: d.TextHI, GeoURI: d.GeoURI, DistrictID: d.DistrictID,
		PoliceStation: newLandmarkResponse(d.Station), RailwayStation: newLandmarkResponse(d.Railway)}
}

func newLandmarkResponse(l *jurisdiction.Landmark) *landmarkResponse {
	if l == nil {
		return nil
	}
	en, hi := l.Compass()
	return &landmarkResponse{NameEN: l.NameEN, NameHI: l.NameHI, DistanceM: int(math.Round(l.DistanceM)),
		Direction: en, DirectionHI: hi}
}

// maxDescribedHotspots caps the hotspot cells of one list that get a
// description: the hottest ones (by Gi* z), which a console lists; the
// map itself needs none.
const maxDescribedHotspots = 100

// describe returns a description of each point (of the first
// jurisdiction.MaxDescribe), or nil for all of them when the lookup fails:
// a description helps a reader but is never worth failing an alert console
// over, so the failure is logged, not returned.
func (h *Handler) describe(ctx context.Context, points []orb.Point) []*placeResponse {
	if len(points) == 0 {
		return nil
	}
	if len(points) > jurisdiction.MaxDescribe {
		points = points[:jurisdiction.MaxDescribe]
	}
	list, err := h.deps.Places.Describe(ctx, points)
	if err != nil {
		h.deps.Logger.WarnContext(ctx, "Places not described", slog.Int("places", len(points)),
			slog.String("error", err.Error()))
		return nil
	}
	out := make([]*placeResponse, len(list))
	for i, d := range list {
		out[i] = newPlaceResponse(d)
	}
	return out
}

// maxDescribedAhead caps the descriptions describeAhead runs at once; more
// happening-now reports than that are described by the stream itself.
const maxDescribedAhead = 4

// describeAhead describes the centre of cell, the H3 r8 cell of a
// happening-now report's alert (0: none), in the background while the
// report and its alert are being stored, so the description is in the
// describer's cache when the alert's event reaches this process's
// consoles. placeAlerts would otherwise look it up between the event's
// commit and the console, on a database the submissions keep busy
// (bench/NOTES.md). What a console sees is the same description either
// way; a failure only leaves the lookup to placeAlerts.
func (h *Handler) describeAhead(cell int64) {
	if cell == 0 {
		return
	}
	select {
	case h.describing <- struct{}{}:
	default:
		return
	}
	go func() {
		defer func() { <-h.describing }()
		ctx, cancel := context.WithTimeout(context.Background(), describeAheadTimeout)
		defer cancel()
		_, _ = h.deps.Places.Describe(ctx, []orb.Point{geo.Center(cell)})
	}()
}

// describeAheadTimeout bounds a describeAhead lookup.
const describeAheadTimeout = 5 * time.Second

// placeAlerts describes where each alert with an H3 cell is (its cell's
// centre); alerts without one (complaints, leads) get no "where".
func (h *Handler) placeAlerts(ctx context.Context, rs []alertResponse) {
	var points []orb.Point
	var at []int
	for i, r := range rs {
		if c, ok := cellOf(r.H3R8); ok {
			points, at = append(points, geo.Center(c)), append(at, i)
		}
	}
	for j, p := range h.describe(ctx, points) {
		rs[at[j]].Where = p
	}
}

// placeLeads describes where each located lead is.
func (h *Handler) placeLeads(ctx context.Context, rs []leadResponse) {
	var points []orb.Point
	var at []int
	for i, r := range rs {
		if r.Lat != nil && r.Lon != nil {
			points, at = append(points, orb.Point{*r.Lon, *r.Lat}), append(at, i)
		}
	}
	for j, p := range h.describe(ctx, points) {
		rs[at[j]].Where = p
	}
}

// placeHotspots describes the centres of the hottest cells (bin > 0, by
// z), at most maxDescribedHotspots of them.
func (h *Handler) placeHotspots(ctx context.Context, rows []analytics.HotspotCell, rs []hotspotResponse) {
	var hot []int
	for i, r := range rows {
		if r.Bin > 0 {
			hot = append(hot, i)
		}
	}
	sortByZ(hot, rows)
	if len(hot) > maxDescribedHotspots {
		hot = hot[:maxDescribedHotspots]
	}
	points := make([]orb.Point, len(hot))
	for j, i := range hot {
		points[j] = geo.Center(rows[i].Cell)
	}
	for j, p := range h.describe(ctx, points) {
		rs[hot[j]].Where = p
	}
}

// placePriority describes the centre of each priority place.
func (h *Handler) placePriority(ctx context.Context, ps []priorityPlace) {
	points := make([]orb.Point, 0, len(ps))
	var at []int
	for i, p := range ps {
		if c, ok := cellOf(p.Cell); ok {
			points, at = append(points, geo.Center(c)), append(at, i)
		}
	}
	for j, p := range h.describe(ctx, points) {
		ps[at[j]].Where = p
	}
}

// cellOf parses an H3 index in hexadecimal, as responses carry it.
func cellOf(hex string) (int64, bool) {
	c, err := strconv.ParseInt(hex, 16, 64)
	return c, err == nil && geo.ValidCell(c)
}

// sortByZ orders the row indexes idx by descending Gi* z, ties by cell.
func sortByZ(idx []int, rows []analytics.HotspotCell) {
	slices.SortStableFunc(idx, func(a, b int) int {
		if c := cmp.Compare(rows[b].GiZ, rows[a].GiZ); c != 0 {
			return c
		}
		return cmp.Compare(rows[a].Cell, rows[b].Cell)
	})
}
