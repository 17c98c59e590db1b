package cases

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/text"
)

// Limits on free text, counted in runes (Hindi text is 3 bytes a rune).
const (
	MaxDescription = 5000
	MaxName        = 100
	MaxAddress     = 500
	MaxRelation    = 100
	MaxReason      = 2000
	MaxATRText     = 5000
	MaxNote        = 2000
)

// clockSkew is how far in the future an incident time may lie before it is
// refused: phones' clocks drift.
const clockSkew = 5 * time.Minute

// FiledBy says who filed a complaint.
type FiledBy string

// Who files: the woman herself, someone on her behalf, or E-cell staff
// helping her (assisted filing).
const (
	FiledBySelf     FiledBy = "self"
	FiledByOnBehalf FiledBy = "on_behalf"
	FiledByEcell    FiledBy = "ecell"
)

// Contact is the complainant's identity. It is sealed as one blob at rest and
// opened only for the roles ARCHITECTURE §11 allows, each time audited.
type Contact struct {
	Name    string `json:"name,omitempty"`
	Phone   string `json:"phone,omitempty"` // normalized to +91XXXXXXXXXX
	Address string `json:"address,omitempty"`
}

// empty reports whether no contact detail was given.
func (c Contact) empty() bool { return c.Name == "" && c.Phone == "" && c.Address == "" }

// FileInput is a complaint as submitted, before validation. Strings are what
// the person typed; File validates and normalizes them.
type FileInput struct {
	Category       string   // a Category code
	Description    string   // what happened, in Language
	Language       string   // "en" or "hi": the language of Description
	IncidentAt     string   // optional; RFC 3339, or "2006-01-02T15:04" / "2006-01-02" in IST
	Lat, Lon       *float64 // optional point (WGS 84); else DistrictID
	DistrictID     *int     // optional LGD district code, used when there is no point
	Contact        Contact  // optional; Phone is normalized
	Confidential   bool     // only MSP may see her identity
	CallbackWindow string   // optional safe time to call, "HH:MM-HH:MM" (IST); SMS to her wait for it too
	NoSMS          bool     // "no SMS" (a shared phone): nothing is ever sent to her number
	FiledBy        string   // "self" (default) or "on_behalf"; E-cell staff are always "ecell"
	Relation       string   // required when FiledBy is on_behalf
	IdempotencyKey string   // optional; a retry with the same key returns the same complaint
	Channel        string   // optional outreach src tag (ParseChannel); unknown ones count as none
}

// filing is a validated FileInput.
type filing struct {
	category       Category
	description    string
	language       Language
	incidentAt     *time.Time
	lat, lon       float64
	hasPoint       bool
	districtID     int
	contact        Contact
	confidential   bool
	callbackWindow string
	noSMS          bool
	filedBy        FiledBy
	relation       string
	idempotencyKey string
	channel        Channel
}

// validateFiling checks every field that needs no database, in form order,
// and returns the first problem as an InvalidField with a message in lang.
// ecell marks an assisted filing by E-cell staff.
func validateFiling(in FileInput, now time.Time, ecell bool, lang Language) (filing, error) {
	f := filing{
		category:     Category(strings.TrimSpace(in.Category)),
		language:     Language(strings.TrimSpace(in.Language)),
		confidential: in.Confidential,
		noSMS:        in.NoSMS,
		relation:     in.Relation,
	}
	f.channel, _ = ParseChannel(in.Channel)
	if !f.category.Valid() {
		return f, invalid(lang, "category", CodeUnknownCategory)
	}
	description, ok := cleanText(in.Description, MaxDescription)
	if description == "" {
		return f, invalid(lang, "description", CodeDescriptionRequired)
	}
	if !ok {
		return f, invalid(lang, "description", CodeDescriptionTooLong)
	}
	f.description = description
	if !f.language.Valid() {
		return f, invalid(lang, "language", CodeInvalidLanguage)
	}
	var err error
	if f.incidentAt, err = parseIncidentAt(in.IncidentAt, now, lang); err != nil {
		return f, err
	}
	if err := f.setPlace(in, lang); err != nil {
		return f, err
	}
	if f.contact, err = validateContact(in.Contact, lang); err != nil {
		return f, err
	}
	if f.callbackWindow, err = parseCallbackWindow(in.CallbackWindow, lang); err != nil {
		return f, err
	}
	if err := f.setFiledBy(in.FiledBy, ecell, lang); err != nil {
		return f, err
	}
	if f.idempotencyKey, err = validateIdempotencyKey(in.IdempotencyKey, lang); err != nil {
		return f, err
	}
	return f, nil
}

// parseIncidentAt accepts an empty string (time unknown), RFC 3339, or a
// local IST date-time or date; it refuses times in the future.
func parseIncidentAt(s string, now time.Time, lang Language) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if err == nil {
			break
		}
		t, err = time.ParseInLocation(layout, s, vikalp.IST)
	}
	if err != nil {
		return nil, invalid(lang, "incident_at", CodeIncidentTimeInvalid)
	}
	if t.After(now.Add(clockSkew)) {
		return nil, invalid(lang, "incident_at", CodeIncidentTimeFuture)
	}
	t = t.UTC()
	return &t, nil
}

// setPlace takes a point, or else a district; at least one is required. A
// half-given or non-finite point is invalid. Whether the point lies in UP and
// whether the district exists are checked by the service (geo, jurisdiction).
func (f *filing) setPlace(in FileInput, lang Language) error {
	switch {
	case in.Lat != nil && in.Lon != nil:
		lat, lon := *in.Lat, *in.Lon
		if math.IsNaN(lat) || math.IsNaN(lon) || math.Abs(lat) > 90 || math.Abs(lon) > 180 {
			return invalid(lang, "location", CodeLocationInvalid)
		}
		f.lat, f.lon, f.hasPoint = lat, lon, true
	case in.Lat != nil || in.Lon != nil:
		return invalid(lang, "location", CodeLocationInvalid)
	}
	if in.DistrictID != nil {
		if *in.DistrictID <= 0 {
			return invalid(lang, "district_id", CodeUnknownDistrict)
		}
		f.districtID = *in.DistrictID
	}
	if !f.hasPoint && f.districtID == 0 {
		return invalid(lang, "location", CodeLocationRequired)
	}
	return nil
}

// validateContact cleans and bounds the contact fields and normalizes the
// phone number.
func validateContact(c Contact, lang Language) (Contact, error) {
	var out Contact
	var ok bool
	if out.Name, ok = cleanText(c.Name, MaxName); !ok {
		return out, invalid(lang, "name", CodeNameTooLong)
	}
	if out.Address, ok = cleanText(c.Address, MaxAddress); !ok {
		return out, invalid(lang, "address", CodeAddressTooLong)
	}
	if strings.TrimSpace(c.Phone) != "" {
		p, ok := vikalp.NormalizePhone(c.Phone)
		if !ok {
			return out, invalid(lang, "phone", CodePhoneInvalid)
		}
		out.Phone = p
	}
	return out, nil
}

// parseCallbackWindow accepts "" or "HH:MM-HH:MM" (24-hour, IST, may wrap
// midnight, not empty) and returns it normalized.
func parseCallbackWindow(s string, lang Language) (string, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if s == "" {
		return "", nil
	}
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return "", invalid(lang, "callback_window", CodeCallbackWindowInvalid)
	}
	a, errA := time.Parse("15:04", from)
	b, errB := time.Parse("15:04", to)
	if errA != nil || errB != nil || a.Equal(b) {
		return "", invalid(lang, "callback_window", CodeCallbackWindowInvalid)
	}
	return a.Format("15:04") + "-" + b.Format("15:04"), nil
}

// setFiledBy records who filed: E-cell staff always file as "ecell"; others
// file for themselves or on behalf of a woman, with their relation.
func (f *filing) setFiledBy(s string, ecell bool, lang Language) error {
	var ok bool
	if f.relation, ok = cleanText(f.relation, MaxRelation); !ok {
		return invalid(lang, "relation", CodeRelationTooLong)
	}
	switch FiledBy(strings.TrimSpace(s)) {
	case "", FiledBySelf:
		f.filedBy = FiledBySelf
	case FiledByOnBehalf:
		if f.relation == "" {
			return invalid(lang, "relation", CodeRelationRequired)
		}
		f.filedBy = FiledByOnBehalf
	default:
		return invalid(lang, "filed_by", CodeFiledByInvalid)
	}
	if ecell {
		f.filedBy = FiledByEcell
	}
	return nil
}

// validateIdempotencyKey allows "" (no key) or vikalp.ValidIdempotencyKey:
// 16 to 128 ASCII letters, digits, '-', '_', ':' and '.'.
func validateIdempotencyKey(s string, lang Language) (string, error) {
	if s == "" {
		return "", nil
	}
	if !vikalp.ValidIdempotencyKey(s) {
		return "", invalid(lang, "idempotency_key", CodeIdempotencyKeyInvalid)
	}
	return s, nil
}

// validateReason cleans a reason and bounds it; required says whether an
// empty one is refused.
func validateReason(s string, required bool, lang Language) (string, error) {
	s, ok := cleanText(s, MaxReason)
	if required && s == "" {
		return "", invalid(lang, "reason", CodeReasonRequired)
	}
	if !ok {
		return "", invalid(lang, "reason", CodeReasonTooLong)
	}
	return s, nil
}

// cleanText cleans free text with internal/text (control, bidi and
// zero-width characters removed, NFC, trimmed: a NUL in particular cannot
// be stored in a PostgreSQL text column) and reports whether it is valid
// UTF-8 of at most maxRunes characters; callers answer false with their
// field's message in the complainant's language.
func cleanText(s string, maxRunes int) (string, bool) {
	valid := utf8.ValidString(s)
	s = text.Clean(s)
	return s, valid && utf8.RuneCountInString(s) <= maxRunes
}
