package cases_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
)

func TestParseFIR(t *testing.T) {
	for in, want := range map[string]string{
		"UP/162/LKO-1/2025/00123":       "UP/162/LKO-1/2025/00123",
		"up/162/lko-1/2025/123":         "UP/162/LKO-1/2025/00123",
		" UP / 162 / LKO-1 / 2025 / 7 ": "UP/162/LKO-1/2025/00007",
	} {
		f, ok := cases.ParseFIR(in)
		if !ok || f.String() != want {
			t.Errorf("ParseFIR(%q) = %v, %v; want %s", in, f, ok, want)
		}
	}
	for _, in := range []string{"", "123/2025", "UP/162/LKO-1/25/123", "UP/162/LKO-1/2025/0", "UP/0/LKO-1/2025/1",
		"UP/162/LKO 1/2025/1", "UP/162/LKO-1/2025/123456"} {
		if f, ok := cases.ParseFIR(in); ok {
			t.Errorf("ParseFIR(%q) = %v; want refused", in, f)
		}
	}
	q, err := cases.ParseFIRQuery("123/2025", cases.English)
	if err != nil || q != (cases.FIRQuery{Year: 2025, Serial: 123}) {
		t.Errorf("ParseFIRQuery(short) = %+v, %v", q, err)
	}
	q, err = cases.ParseFIRQuery("UP/162/LKO-1/2025/123", cases.English)
	if err != nil || q.Number != "UP/162/LKO-1/2025/00123" || q.Year != 2025 || q.Serial != 123 {
		t.Errorf("ParseFIRQuery(full) = %+v, %v", q, err)
	}
	var ue *vikalp.UserError
	if _, err := cases.ParseFIRQuery("FIR 123", cases.Hindi); !errors.As(err, &ue) || ue.Code != cases.CodeFIRInvalid ||
		ue.Message != cases.Message(cases.CodeFIRInvalid, cases.Hindi) {
		t.Errorf("ParseFIRQuery(garbage) = %v; want fir_invalid in Hindi", err)
	}
}

// TestATRRecordsFIR walks the CCTNS link: a station records the FIR on its
// ATR (its own station by default, another by code), bad numbers are refused
// with the field named, she sees the FIR with the station's and district's
// names once the ATR is published, and staff find the complaint by the FIR
// number within their scope only.
func TestATRRecordsFIR(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	draft := func(fir *cases.FIRInput) error {
		_, err := b.svc.DraftATR(b.ctx, b.stationA1, f.ID, cases.ATRInput{Text: "FIR registered; accused arrested.",
			ActionTaken: "FIR under section 78 BNS", FIR: fir}, cases.English)
		return err
	}
	for _, tc := range []struct {
		fir   cases.FIRInput
		field string
	}{
		{cases.FIRInput{Year: 2025, Serial: 0}, "fir.serial"},
		{cases.FIRInput{Year: 2025, Serial: 100000}, "fir.serial"},
		{cases.FIRInput{Year: 2024, Serial: 5}, "fir.year"}, // before she filed
		{cases.FIRInput{Year: 2026, Serial: 5}, "fir.year"}, // in the future
		{cases.FIRInput{StationCode: "NOPE-9", Year: 2025, Serial: 5}, "fir.station_code"},
	} {
		var ue *vikalp.UserError
		if err := draft(&tc.fir); !errors.As(err, &ue) || ue.Field != tc.field || ue.Kind != vikalp.ErrInvalid {
			t.Errorf("draft with FIR %+v = %v; want invalid %s", tc.fir, err, tc.field)
		}
	}
	// Her own station by default; a redraft may correct it to another.
	if err := draft(&cases.FIRInput{Year: 2025, Serial: 41}); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM atrs WHERE complaint_id = $1 AND fir_number = 'UP/162/LKO-1/2025/00041'
		AND fir_station_id = $2 AND fir_year = 2025 AND fir_serial = 41`, f.ID, b.fx.StationA1); n != 1 {
		t.Fatalf("draft did not store UP/162/LKO-1/2025/00041")
	}
	if err := draft(&cases.FIRInput{StationCode: " lko-2 ", Year: 2025, Serial: 123}); err != nil {
		t.Fatal(err)
	}
	tr, err := b.svc.Track(b.ctx, string(f.Code), string(f.Secret), cases.English)
	if err != nil || len(tr.ATRs) != 0 {
		t.Fatalf("before publication she sees ATRs %+v, %v", tr.ATRs, err)
	}
	if _, err := b.svc.SubmitATR(b.ctx, b.stationA1, f.ID, cases.English); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.ApproveATR(b.ctx, b.nodalA, f.ID, cases.English); err != nil {
		t.Fatal(err)
	}
	tr, err = b.svc.Track(b.ctx, string(f.Code), string(f.Secret), cases.Hindi)
	if err != nil || len(tr.ATRs) != 1 || tr.ATRs[0].FIR == nil {
		t.Fatalf("after publication: %+v, %v", tr.ATRs, err)
	}
	want := cases.PublicFIR{Number: "UP/162/LKO-2/2025/00123", Short: "123/2025", StationNameEN: "Gomti Nagar",
		StationNameHI: "गोमती नगर", DistrictNameEN: "Lucknow", DistrictNameHI: "लखनऊ"}
	if *tr.ATRs[0].FIR != want {
		t.Errorf("her FIR = %+v; want %+v", *tr.ATRs[0].FIR, want)
	}
	if kinds := b.eventKinds(t, f.ID, true); !slices.Contains(kinds, cases.EventFIRRegistered) {
		t.Errorf("public timeline %v has no %s", kinds, cases.EventFIRRegistered)
	}

	// Search: full and short forms in scope; nothing outside it. The
	// complaint stays with StationA1: the FIR's station does not move it.
	scopes := []struct {
		name  string
		who   auth.Principal
		finds bool
	}{{"nodal A", b.nodalA, true}, {"MSP", b.analyst, true}, {"its station", b.stationA1, true},
		{"other station", b.stationA2, false}, {"nodal B", b.nodalB, false}}
	for _, q := range []string{"UP/162/LKO-2/2025/123", "123/2025", " 123 / 2025 "} {
		for _, sc := range scopes {
			found, err := b.svc.SearchFIR(b.ctx, sc.who, q, cases.English)
			if err != nil {
				t.Fatalf("SearchFIR(%q) as %s: %v", q, sc.name, err)
			}
			if got := len(found) == 1 && found[0].ID == f.ID && found[0].FIRNumber == want.Number; got != sc.finds ||
				!sc.finds && len(found) != 0 {
				t.Errorf("SearchFIR(%q) as %s = %+v; want found=%v", q, sc.name, found, sc.finds)
			}
		}
	}
	for _, q := range []string{"UP/162/LKO-1/2025/123", "124/2025", "123/2024"} {
		if found, err := b.svc.SearchFIR(b.ctx, b.analyst, q, cases.English); err != nil || len(found) != 0 {
			t.Errorf("SearchFIR(%q) = %+v, %v; want none", q, found, err)
		}
	}
	if _, err := b.svc.SearchFIR(b.ctx, b.ecell, "123/2025", cases.English); !errors.Is(err, vikalp.ErrForbidden) {
		t.Errorf("E-cell search = %v; want forbidden", err)
	}
}
