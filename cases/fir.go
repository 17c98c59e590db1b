package cases

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
)

// FIRState is the state part of every FIR number Vikalp records: it serves
// Uttar Pradesh's police.
const FIRState = "UP"

// MaxFIRSerial is the largest FIR serial CCTNS numbers a station's year with.
const MaxFIRSerial = 99999

// FIR is a First Information Report's number in the CCTNS form: state,
// district (LGD code), police station (its code), year of registration and
// the station's serial number for that year. Its canonical text, String,
// is what an ATR stores and what staff search by.
type FIR struct {
	State       string
	DistrictID  int
	StationCode string
	Year        int
	Serial      int
}

// String is the canonical form, e.g. UP/118/AGR-MT/2026/00123.
func (f FIR) String() string {
	return fmt.Sprintf("%s/%d/%s/%04d/%05d", f.State, f.DistrictID, f.StationCode, f.Year, f.Serial)
}

// Short is the number as an FIR copy prints it: serial/year, e.g. 123/2026.
func (f FIR) Short() string { return fmt.Sprintf("%d/%d", f.Serial, f.Year) }

// FIRInput is an FIR a station records on its ATR: the police station that
// registered it (its code; the complaint's own station when empty), the
// year and the serial. The district follows from the station.
type FIRInput struct {
	StationCode string
	Year        int
	Serial      int
}

// firPattern is the canonical form, tolerant of case, spaces around the
// slashes and missing zero padding.
var firPattern = regexp.MustCompile(`^([A-Za-z]{2})/(\d{1,6})/([A-Za-z0-9-]{1,32})/(\d{4})/(\d{1,5})$`)

// shortFIRPattern is serial/year as an FIR copy prints it.
var shortFIRPattern = regexp.MustCompile(`^(\d{1,5})/(\d{4})$`)

// ParseFIR reads an FIR number in its canonical form (UP/118/AGR-MT/2026/123).
func ParseFIR(s string) (FIR, bool) {
	m := firPattern.FindStringSubmatch(compactFIR(s))
	if m == nil {
		return FIR{}, false
	}
	district, _ := strconv.Atoi(m[2])
	year, _ := strconv.Atoi(m[4])
	serial, _ := strconv.Atoi(m[5])
	f := FIR{State: strings.ToUpper(m[1]), DistrictID: district, StationCode: strings.ToUpper(m[3]),
		Year: year, Serial: serial}
	return f, serial >= 1 && district > 0
}

// FIRQuery is a search by FIR number: the full number, or serial and year
// alone (every station in the caller's scope).
type FIRQuery struct {
	Number       string // canonical, when the full number was given
	Year, Serial int
}

// ParseFIRQuery reads a search: a canonical FIR number or "serial/year".
func ParseFIRQuery(s string, lang Language) (FIRQuery, error) {
	s = compactFIR(s)
	if f, ok := ParseFIR(s); ok {
		return FIRQuery{Number: f.String(), Year: f.Year, Serial: f.Serial}, nil
	}
	if m := shortFIRPattern.FindStringSubmatch(s); m != nil {
		serial, _ := strconv.Atoi(m[1])
		year, _ := strconv.Atoi(m[2])
		if serial >= 1 {
			return FIRQuery{Year: year, Serial: serial}, nil
		}
	}
	return FIRQuery{}, invalid(lang, "fir", CodeFIRInvalid)
}

// firSlash is a slash with the spaces people type around it.
var firSlash = regexp.MustCompile(`\s*/\s*`)

// compactFIR trims and drops the spaces around slashes, so "UP / 118 / ..."
// reads as typed; a space inside a part still fails the pattern.
func compactFIR(s string) string { return firSlash.ReplaceAllString(strings.TrimSpace(s), "/") }

// checkFIRNumbers validates an FIR's year and serial against the complaint:
// an FIR registered for it cannot predate its filing year (IST) or lie in
// the future.
func checkFIRNumbers(in FIRInput, filedAt, now time.Time, lang Language) error {
	if in.Serial < 1 || in.Serial > MaxFIRSerial {
		return invalid(lang, "fir.serial", CodeFIRSerialInvalid)
	}
	if in.Year < filedAt.In(vikalp.IST).Year() || in.Year > now.In(vikalp.IST).Year() {
		return invalid(lang, "fir.year", CodeFIRYearInvalid)
	}
	return nil
}

// PublicFIR is an FIR as she sees it on her tracking page: the number and
// the station and district that registered it.
type PublicFIR struct {
	Number         string // canonical
	Short          string // serial/year
	StationNameEN  string
	StationNameHI  string
	DistrictNameEN string
	DistrictNameHI string
}

// EventFIRRegistered is the public timeline entry of a published ATR that
// records an FIR: she sees that an FIR was registered and its number.
const EventFIRRegistered = "fir_registered"

// recordedFIR is an FIR resolved for storage: its canonical number and the
// registering station. The zero value records none.
type recordedFIR struct {
	fir     FIR
	station int64
}

// number is the column value: the canonical number, or NULL.
func (r recordedFIR) number() *string {
	if r.station == 0 {
		return nil
	}
	n := r.fir.String()
	return &n
}

// stationID is the column value: the registering station, or NULL.
func (r recordedFIR) stationID() *int64 {
	if r.station == 0 {
		return nil
	}
	id := r.station
	return &id
}

// recordFIR resolves a draft's FIR for complaint c: the station by its code
// (c's own when empty; any station of the state may have registered it, as
// a zero FIR), the district from the station, year and serial checked. No
// FIR is the zero recordedFIR.
func (s *Service) recordFIR(ctx context.Context, t *txn, c Complaint, in *FIRInput, lang Language) (recordedFIR, error) {
	if in == nil {
		return recordedFIR{}, nil
	}
	if err := checkFIRNumbers(*in, c.CreatedAt, t.now, lang); err != nil {
		return recordedFIR{}, err
	}
	code := strings.ToUpper(strings.TrimSpace(in.StationCode))
	st, err := NewFIRStore(t.tx).Station(ctx, code, c.StationID)
	if errors.Is(err, vikalp.ErrNotFound) {
		return recordedFIR{}, invalid(lang, "fir.station_code", CodeFIRStationUnknown)
	}
	if err != nil {
		return recordedFIR{}, err
	}
	return recordedFIR{station: st.ID, fir: FIR{State: FIRState, DistrictID: st.DistrictID,
		StationCode: st.Code, Year: in.Year, Serial: in.Serial}}, nil
}

// FIRMatch is a complaint found by its FIR number, with the number found.
type FIRMatch struct {
	QueueItem
	FIRNumber string `db:"fir_number"`
}

// maxFIRMatches bounds a search: one FIR number seldom names more than a
// few complaints (serial/year alone names one per station at most).
const maxFIRMatches = 100

// SearchFIR finds the complaints in p's scope whose ATRs (any, drafts
// included) record an FIR matching query (the full number, or serial/year
// at any station of the scope), newest first, closed ones included.
func (s *Service) SearchFIR(ctx context.Context, p auth.Principal, query string, lang Language) ([]FIRMatch, error) {
	v, err := visibility(p)
	if err != nil {
		return nil, err
	}
	q, err := ParseFIRQuery(query, lang)
	if err != nil {
		return nil, err
	}
	found, err := NewFIRStore(s.db).Search(ctx, v, q, maxFIRMatches)
	if err != nil {
		return nil, fmt.Errorf("search complaints by fir: %w", err)
	}
	return found, nil
}

// publicFIR is an ATR's FIR as she sees it, with the registering station's
// and district's names; nil when the ATR records none.
func publicFIR(ctx context.Context, cs *ComplaintStore, a ATR) (*PublicFIR, error) {
	if a.FIRNumber == nil || a.FIRStationID == nil {
		return nil, nil
	}
	f, ok := ParseFIR(*a.FIRNumber)
	if !ok {
		return nil, fmt.Errorf("atr %d: stored fir number %q does not parse", a.ID, *a.FIRNumber)
	}
	place, err := cs.Place(ctx, *a.FIRStationID, f.DistrictID)
	if err != nil {
		return nil, err
	}
	return &PublicFIR{Number: f.String(), Short: f.Short(), StationNameEN: place.StationNameEN,
		StationNameHI: place.StationNameHI, DistrictNameEN: place.DistrictNameEN,
		DistrictNameHI: place.DistrictNameHI}, nil
}
