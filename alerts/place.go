package alerts

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vikalp/vikalp"
)

// Public-safe places and times for summaries and SMS pages. A place is a
// police station's area (or a unit's area) and a district: never a point,
// an address, a cell or anything a reporter wrote.

// Column limits of alerts (migrations 00008, 00027, 00032) and sms_outbox.
const (
	maxSummary = 300 // summary, summary_hi
	maxPlace   = 200 // place, place_hi
	maxSMSBody = 480 // sms_outbox.body
)

// stationPlace describes the area of a police station in a district, in
// English and Hindi: "Hazratganj police station area, Lucknow",
// "हजरतगंज थाना क्षेत्र, लखनऊ". Missing names are left out; a station
// without a Hindi name leaves the Hindi place at its district, so a Hindi
// console never shows English words.
func stationPlace(stationEN, stationHI, districtEN, districtHI string) (en, hi string) {
	switch {
	case stationEN == "":
	case strings.Contains(strings.ToLower(stationEN), "thana"):
		stationEN += " area"
	default:
		stationEN += " police station area"
	}
	switch {
	case stationHI == "":
	case strings.Contains(stationHI, "थाना"):
		stationHI += " क्षेत्र"
	default:
		stationHI += " थाना क्षेत्र"
	}
	return joinPlace(stationEN, districtEN), joinPlace(stationHI, districtHI)
}

// unitPlace describes the area of a unit such as an AHTU: "AHTU Lucknow
// area", "<Hindi name> क्षेत्र"; "" for a missing name.
func unitPlace(nameEN, nameHI string) (en, hi string) {
	if nameEN != "" {
		en = nameEN + " area"
	}
	if nameHI != "" {
		hi = nameHI + " क्षेत्र"
	}
	return en, hi
}

// joinPlace joins the non-empty parts with ", ".
func joinPlace(parts ...string) string {
	kept := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ", ")
}

// clip shortens s to at most n characters, ending in "…" when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// istTime is t in IST for an English summary or SMS: "27 Nov 15:04 IST".
func istTime(t time.Time) string { return t.In(vikalp.IST).Format("02 Jan 15:04 IST") }
