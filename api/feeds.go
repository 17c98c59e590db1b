package api

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"
	"github.com/uber/h3-go/v4"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest"
)

// registerFeedRoutes wires the public area feeds: per district, an Atom
// feed and a GeoJSON feed of moderated hotspot report changes, k-anonymous
// as the public map (ingest.DistrictFeed).
func (h *Handler) registerFeedRoutes(v1 *gin.RouterGroup) {
	v1.GET("/feeds/districts/:file", handle(h.districtFeed))
}

// feedEpoch is a feed's updated time while it has no entries: a constant,
// so an empty feed is the same bytes whenever it is read.
var feedEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// feedTagBase names feed and entry ids (RFC 4151 tag URIs): stable across
// hosts and proxies.
const feedTagBase = "tag:vikalp.uppolice.gov.in,2026:"

// districtFeed answers /feeds/districts/{id}.atom and {id}.geojson.
func (h *Handler) districtFeed(c *gin.Context) error {
	name, format := splitFormat(c.Param("file"))
	id, err := strconv.Atoi(name)
	if err != nil || id <= 0 || (format != "atom" && format != "geojson") {
		return fmt.Errorf("feed %q: %w", c.Param("file"), vikalp.ErrNotFound)
	}
	entries, err := h.deps.Ingest.DistrictFeed(c.Request.Context(), id)
	if err != nil {
		return err
	}
	setCacheControl(c, "public, max-age=60")
	if format == "geojson" {
		c.Header("Content-Type", "application/geo+json")
		c.JSON(http.StatusOK, newFeedCollection(entries))
		return nil
	}
	return writeAtom(c, newAtomFeed(id, entries, h.publicBaseURL(c)))
}

// feedSummary is an entry's public one-line summary in English and Hindi.
func feedSummary(e ingest.FeedEntry) (string, string) {
	info, _ := e.Category.Info()
	en, hi := labelOf(e.Kind)
	if e.Kind == ingest.StatusApproved {
		en, hi = "Reported and published", "सूचना प्रकाशित"
	}
	outEN := fmt.Sprintf("%s in %s: %s", info.LabelEN, e.DistrictEN, en)
	outHI := fmt.Sprintf("%s में %s: %s", e.DistrictHI, info.LabelHI, hi)
	if r, ok := ingest.ReasonLabel(e.ReasonCode); ok {
		outEN += " (" + r.LabelEN + ")"
		outHI += " (" + r.LabelHI + ")"
	}
	return outEN, outHI
}

func newFeedCollection(entries []ingest.FeedEntry) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, e := range entries {
		en, hi := feedSummary(e)
		ft := geojson.NewFeature(geo.HexPolygon(e.Cell))
		ft.ID = feedEntryID(e)
		ft.Properties = geojson.Properties{"service_request_id": e.Code, "kind": e.Kind,
			"reason_code": e.ReasonCode, "at": e.At.UTC().Format(time.RFC3339), "category": string(e.Category),
			"cell": h3.Cell(e.Cell).String(), "resolution": h3.Cell(e.Cell).Resolution(),
			"title_en": en, "title_hi": hi}
		fc.Append(ft)
	}
	return fc
}

// feedEntryID identifies one change: the report and the kind and time of
// the change (never a sequence id other rows consume).
func feedEntryID(e ingest.FeedEntry) string {
	return fmt.Sprintf("%sreports/%s/%s/%d", feedTagBase, e.Code, e.Kind, e.At.UnixMicro())
}

// atomFeed is an RFC 4287 feed.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomAuthor  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

// atomAuthor names the feed's publisher.
type atomAuthor struct {
	Name string `xml:"name"`
}

// atomLink is an Atom link.
type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

// atomEntry is one change.
type atomEntry struct {
	ID       string       `xml:"id"`
	Title    string       `xml:"title"`
	Updated  string       `xml:"updated"`
	Summary  string       `xml:"summary"`
	Category atomCategory `xml:"category"`
	Link     atomLink     `xml:"link"`
}

// atomCategory is an entry's report category.
type atomCategory struct {
	Term string `xml:"term,attr"`
}

func newAtomFeed(district int, entries []ingest.FeedEntry, base string) atomFeed {
	self := fmt.Sprintf("%s/api/v1/feeds/districts/%d.atom", base, district)
	f := atomFeed{Lang: "en", ID: fmt.Sprintf("%sfeeds/districts/%d", feedTagBase, district),
		Title: fmt.Sprintf("VIKALP hotspot reports, district %d", district), Updated: feedEpoch.Format(time.RFC3339),
		Author: atomAuthor{Name: "UP Police VIKALP"}, Links: []atomLink{{Rel: "self", Href: self}}}
	if len(entries) > 0 {
		f.Title = "VIKALP hotspot reports: " + entries[0].DistrictEN + " / " + entries[0].DistrictHI
		f.Updated = entries[0].At.UTC().Format(time.RFC3339)
	}
	for _, e := range entries {
		en, hi := feedSummary(e)
		cell := h3.Cell(e.Cell)
		f.Entries = append(f.Entries, atomEntry{ID: feedEntryID(e), Title: en, Updated: e.At.UTC().Format(time.RFC3339),
			Summary:  fmt.Sprintf("%s | %s | area %s (H3 resolution %d)", en, hi, cell.String(), cell.Resolution()),
			Category: atomCategory{Term: string(e.Category)},
			Link:     atomLink{Type: "application/json", Href: base + "/open311/v2/requests/" + e.Code + ".json"}})
	}
	return f
}

// writeAtom answers 200 with f as application/atom+xml.
func writeAtom(c *gin.Context, f atomFeed) error {
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encode atom feed: %w", err)
	}
	c.Data(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), out...))
	return nil
}
