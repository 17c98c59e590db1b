package ingest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vikalp/vikalp"
)

// Attribute is one question of a category's Open311 service definition
// (GeoReport v2 "attributes"). Every attribute here is optional: the web
// form asks none of them, and a report is useful without the answers.
type Attribute struct {
	Code          string
	Datatype      string // "singlevaluelist" or "number"
	Description   string // the question, in English
	DescriptionHI string // the question, in Hindi
	Order         int
	Values        []AttributeValue // for singlevaluelist
	Min, Max      int              // for number
}

// AttributeValue is one choice of a singlevaluelist attribute.
type AttributeValue struct {
	Key  string
	Name string // English / Hindi
}

// Open311 attribute data types used by Vikalp.
const (
	DatatypeSingleValueList = "singlevaluelist"
	DatatypeNumber          = "number"
)

var attrTimeOfDay = Attribute{Code: "time_of_day", Datatype: DatatypeSingleValueList, Order: 1,
	Description: "When does it usually happen?", DescriptionHI: "यह आमतौर पर कब होता है?",
	Values: []AttributeValue{{"morning", "Morning / सुबह"}, {"afternoon", "Afternoon / दोपहर"},
		{"evening", "Evening / शाम"}, {"night", "Night / रात"}}}

var attrRecurring = Attribute{Code: "recurring", Datatype: DatatypeSingleValueList, Order: 2,
	Description: "Does it happen again and again here?", DescriptionHI: "क्या यहाँ ऐसा बार-बार होता है?",
	Values: []AttributeValue{{"first_time", "First time / पहली बार"}, {"sometimes", "Sometimes / कभी-कभी"},
		{"daily", "Almost daily / लगभग रोज़"}}}

// categoryAttributes are the questions beyond the common ones, by category.
var categoryAttributes = map[Category][]Attribute{
	CategoryPoorlyLitArea: {{Code: "lighting", Datatype: DatatypeSingleValueList, Order: 3,
		Description: "What is wrong with the lighting?", DescriptionHI: "रोशनी में क्या कमी है?",
		Values: []AttributeValue{{"no_lights", "No street lights / कोई स्ट्रीट लाइट नहीं"},
			{"broken_lights", "Lights broken / लाइटें खराब"}, {"dim_lights", "Too dim / बहुत कम रोशनी"}}}},
	CategoryUnsafeTransportStop: {{Code: "transport", Datatype: DatatypeSingleValueList, Order: 3,
		Description: "Which kind of stop?", DescriptionHI: "कौन-सा स्टैंड?",
		Values: []AttributeValue{{"bus", "Bus / बस"}, {"auto_rickshaw", "Auto-rickshaw / ऑटो"},
			{"e_rickshaw", "E-rickshaw / ई-रिक्शा"}, {"railway", "Railway / रेलवे"}}}},
	CategoryDrunkGathering: {{Code: "group_size", Datatype: DatatypeNumber, Order: 3, Min: 1, Max: 200,
		Description: "About how many people gather?", DescriptionHI: "लगभग कितने लोग इकट्ठा होते हैं?"}},
	CategoryStalking: {{Code: "same_person", Datatype: DatatypeSingleValueList, Order: 3,
		Description: "Is it the same person each time?", DescriptionHI: "क्या हर बार वही व्यक्ति होता है?",
		Values: []AttributeValue{{"yes", "Yes / हाँ"}, {"no", "No / नहीं"}, {"unsure", "Not sure / पता नहीं"}}}},
}

// AttributesOf returns the questions of category c's service definition,
// in order: time of day, recurring, then the category's own.
func AttributesOf(c Category) []Attribute {
	return append([]Attribute{attrTimeOfDay, attrRecurring}, categoryAttributes[c]...)
}

// validateAttributes checks answers against c's definition and returns
// them canonical (number answers as their decimal form). An unknown
// question or an answer outside the definition is a user-safe ErrInvalid.
func validateAttributes(c Category, answers map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(answers))
	defs := AttributesOf(c)
	for code, v := range answers {
		v = strings.TrimSpace(v)
		i := slices.IndexFunc(defs, func(a Attribute) bool { return a.Code == code })
		if i < 0 {
			return nil, vikalp.InvalidField("attribute", "unknown_attribute",
				fmt.Sprintf("%q is not a question of service %s", code, c))
		}
		if v == "" {
			continue
		}
		canon, err := defs[i].check(v)
		if err != nil {
			return nil, err
		}
		out[code] = canon
	}
	return out, nil
}

// check validates one answer to a.
func (a Attribute) check(v string) (string, error) {
	if a.Datatype == DatatypeNumber {
		n, err := strconv.Atoi(v)
		if err != nil || n < a.Min || n > a.Max {
			return "", vikalp.InvalidField("attribute["+a.Code+"]", "bad_attribute",
				fmt.Sprintf("%s must be a whole number from %d to %d", a.Code, a.Min, a.Max))
		}
		return strconv.Itoa(n), nil
	}
	for _, val := range a.Values {
		if val.Key == v {
			return v, nil
		}
	}
	keys := make([]string, len(a.Values))
	for i, val := range a.Values {
		keys[i] = val.Key
	}
	return "", vikalp.InvalidField("attribute["+a.Code+"]", "bad_attribute",
		a.Code+" must be one of "+strings.Join(keys, ", "))
}

// newOpen311Token returns a fresh random Open311 token (32 hex digits).
func newOpen311Token() (string, error) {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("read random token: %w", err)
	}
	return hex.EncodeToString(raw[:]), nil
}

// Open311 request statuses.
const (
	Open311Open   = "open"
	Open311Closed = "closed"
)

// Open311Status is a report's GeoReport status: closed when it was
// rejected, fixed or closed; open otherwise (pending, approved, action
// taken, reopened).
func (r PublicReport) Open311Status() string {
	if r.Status == StatusRejected || r.Outcome == OutcomeFixed || r.Outcome == OutcomeClosed {
		return Open311Closed
	}
	return Open311Open
}

// Open311Query filters Open311Requests (GeoReport v2 GET requests).
type Open311Query struct {
	// Codes (service_request_id) override every other filter.
	Codes    []string
	Category Category   // service_code; "" for all
	From, To *time.Time // start_date, end_date on requested_datetime
	Statuses []string   // Open311Open, Open311Closed; empty for both
}

// open311MaxSpan is the longest start_date–end_date range GeoReport allows,
// and the default range (the most recent 90 days).
const open311MaxSpan = 90 * 24 * time.Hour

// Open311Requests lists public report views for GeoReport clients: the
// given codes (at most 100, malformed ones ignored; any status), else
// approved reports matching the filters, newest first, at most 1000. The
// date range defaults to the last 90 days and may not span more. A
// position is always k-anonymous (PublicCell: the first of the report's
// r8, r7, r5 cells holding at least Config.PublicMinReports distinct
// approved reports), also when asked for by code, because approved codes
// are themselves public in this listing.
func (s *Service) Open311Requests(ctx context.Context, q Open311Query) ([]PublicReport, error) {
	f := open311Filter{Limit: 1000, MinReports: s.cfg.PublicMinReports, Codes: []string{}}
	if len(q.Codes) > 0 {
		for _, c := range q.Codes {
			if code, err := parseCode(c, reportCodePrefix); err == nil && len(f.Codes) < 100 {
				f.Codes = append(f.Codes, code)
			}
		}
		if len(f.Codes) == 0 {
			return []PublicReport{}, nil
		}
		return NewReportStore(s.db).Open311List(ctx, f)
	}
	var err error
	if f.From, f.To, err = open311Range(q.From, q.To, s.now()); err != nil {
		return nil, err
	}
	f.Category = q.Category
	for _, st := range q.Statuses {
		switch strings.TrimSpace(st) {
		case Open311Open:
			f.Open = true
		case Open311Closed:
			f.Closed = true
		default:
			return nil, vikalp.InvalidField("status", "bad_status", "status must be open, closed or both (open,closed)")
		}
	}
	if !f.Open && !f.Closed {
		f.Open, f.Closed = true, true
	}
	return NewReportStore(s.db).Open311List(ctx, f)
}

// open311Range applies GeoReport's date rules: both ends default from the
// other (or from now) so that the range is 90 days; a longer range or an
// end before the start is a user-safe ErrInvalid.
func open311Range(from, to *time.Time, now time.Time) (time.Time, time.Time, error) {
	var f, t time.Time
	switch {
	case from == nil && to == nil:
		t = now
		f = t.Add(-open311MaxSpan)
	case from == nil:
		t = *to
		f = t.Add(-open311MaxSpan)
	case to == nil:
		f = *from
		t = f.Add(open311MaxSpan)
	default:
		f, t = *from, *to
	}
	if t.Before(f) {
		return f, t, vikalp.InvalidField("end_date", "bad_range", "end_date must not be before start_date")
	}
	if t.Sub(f) > open311MaxSpan {
		return f, t, vikalp.InvalidField("end_date", "bad_range", "a date range may span at most 90 days")
	}
	return f, t, nil
}

// Open311Request returns the view of the report with code (any status),
// with the same k-anonymous position as the listing; an unknown code is
// vikalp.ErrNotFound.
func (s *Service) Open311Request(ctx context.Context, code string) (PublicReport, error) {
	c, err := parseCode(code, reportCodePrefix)
	if err != nil {
		return PublicReport{}, fmt.Errorf("open311 request: %w", vikalp.ErrNotFound)
	}
	list, err := NewReportStore(s.db).Open311List(ctx, open311Filter{Codes: []string{c}, Limit: 1,
		MinReports: s.cfg.PublicMinReports})
	if err != nil {
		return PublicReport{}, err
	}
	if len(list) == 0 {
		return PublicReport{}, fmt.Errorf("open311 request %s: %w", c, vikalp.ErrNotFound)
	}
	return list[0], nil
}

// Open311Token returns the service request id (report code) that an
// Open311 token stands for, or vikalp.ErrNotFound.
func (s *Service) Open311Token(ctx context.Context, token string) (string, error) {
	token = strings.ToLower(strings.TrimSpace(token))
	if len(token) != 32 {
		return "", fmt.Errorf("open311 token: %w", vikalp.ErrNotFound)
	}
	return NewReportStore(s.db).CodeByToken(ctx, token)
}
