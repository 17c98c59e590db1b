package cases_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/cases/casestest"
)

func TestFileByLocation(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	if f.Status != cases.StatusAssigned || !f.ATRDueAt.Equal(start.Add(24*time.Hour)) || f.Secret == "" || f.Replayed {
		t.Fatalf("Filed = %+v; want assigned, due in 24 h, with a secret", f)
	}
	var station int64
	var district int
	var h3r5, h3r9 *int64
	var sealed []byte
	var hasPhone bool
	err := b.db.QueryRow(b.ctx, `SELECT station_id, district_id, h3_r5, h3_r9, contact_sealed, has_phone,
		ST_SRID(geom) = 4326 FROM complaints WHERE id = $1`, f.ID).Scan(&station, &district, &h3r5, &h3r9, &sealed, &hasPhone, new(bool))
	if err != nil {
		t.Fatal(err)
	}
	if station != b.fx.StationA1 || district != b.fx.DistrictA || h3r5 == nil || h3r9 == nil || !hasPhone {
		t.Fatalf("stored station %d district %d h3 %v/%v phone %v", station, district, h3r5, h3r9, hasPhone)
	}
	// Encryption at rest: neither the phone (in any form) nor the name is in the row.
	for _, s := range []string{"9876543210", "98765 43210", "Asha", "Park Road"} {
		if bytes.Contains(sealed, []byte(s)) {
			t.Errorf("contact_sealed contains %q in clear", s)
		}
	}
	if got := b.eventKinds(t, f.ID, true); strings.Join(got, ",") != "filed,assigned" {
		t.Errorf("public timeline = %v; want filed, assigned", got)
	}
	// No River jobs: the SLA sweep and the SMS drain find the complaint and
	// its rows by themselves.
	if n := b.count(t, `SELECT count(*) FROM river_job`); n != 0 {
		t.Errorf("%d River jobs queued by a filing; want none", n)
	}
	if n := b.count(t, `SELECT count(*) FROM sms_outbox WHERE complaint_id = $1`, f.ID); n != 3 {
		t.Errorf("%d SMS queued; want officers, MSP and her", n)
	}
}

func TestFileByDistrictUsesDefaultStation(t *testing.T) {
	b := setup(t)
	in := input()
	in.Lat, in.Lon, in.DistrictID = nil, nil, &b.fx.DistrictB
	in.Contact = cases.Contact{}
	f := b.file(t, in)
	var station int64
	var hasGeom bool
	if err := b.db.QueryRow(b.ctx, `SELECT station_id, geom IS NOT NULL FROM complaints WHERE id = $1`, f.ID).Scan(&station, &hasGeom); err != nil {
		t.Fatal(err)
	}
	if station != b.fx.StationB1 || hasGeom {
		t.Fatalf("station %d, geom %v; want default station of district B and no point", station, hasGeom)
	}
	// No phone: no SMS to her, only officers and MSP.
	if n := b.count(t, `SELECT count(*) FROM sms_outbox WHERE complaint_id = $1 AND to_kind = 'complainant'`, f.ID); n != 0 {
		t.Errorf("%d SMS to a complainant without a phone", n)
	}
}

func TestFileRefusals(t *testing.T) {
	b := setup(t)
	tests := []struct {
		name  string
		edit  func(*cases.FileInput)
		field string
		code  string
	}{
		{"OutsideUPMumbai", func(in *cases.FileInput) { in.Lat, in.Lon = ptr(19.076), ptr(72.8777) }, "location", cases.CodeOutsideUP},
		{"InBoxButNoDistrict", func(in *cases.FileInput) { in.Lat, in.Lon = ptr(casestest.PointUP[0]), ptr(casestest.PointUP[1]) }, "location", cases.CodeOutsideUP},
		{"UnknownDistrict", func(in *cases.FileInput) { in.Lat, in.Lon, in.DistrictID = nil, nil, ptr(999) }, "district_id", cases.CodeUnknownDistrict},
		{"BadPhone", func(in *cases.FileInput) { in.Contact.Phone = "12345" }, "phone", cases.CodePhoneInvalid},
		{"UnknownCategory", func(in *cases.FileInput) { in.Category = "noise" }, "category", cases.CodeUnknownCategory},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := input()
			tt.edit(&in)
			_, err := b.svc.File(b.ctx, nil, in, cases.Hindi)
			wantCode(t, err, vikalp.ErrInvalid, tt.code)
			ue, _ := vikalp.AsUserError(err)
			if ue.Field != tt.field || ue.Message != cases.Message(tt.code, cases.Hindi) {
				t.Fatalf("field %q message %q; want %s in Hindi", ue.Field, ue.Message, tt.field)
			}
		})
	}
	if n := b.count(t, `SELECT count(*) FROM complaints`); n != 0 {
		t.Fatalf("%d complaints stored from refused filings", n)
	}
	if _, err := b.svc.File(b.ctx, &b.stationA1, input(), cases.English); !errors.Is(err, vikalp.ErrForbidden) {
		t.Fatalf("a station filing: %v; want ErrForbidden", err)
	}
}

func TestFileAssistedAndOnBehalf(t *testing.T) {
	b := setup(t)
	f, err := b.svc.File(b.ctx, &b.ecell, input(), cases.English)
	if err != nil {
		t.Fatal(err)
	}
	var filedBy string
	var userID *int64
	if err := b.db.QueryRow(b.ctx, `SELECT filed_by, filed_by_user_id FROM complaints WHERE id = $1`, f.ID).Scan(&filedBy, &userID); err != nil {
		t.Fatal(err)
	}
	if filedBy != "ecell" || userID == nil || *userID != b.ecell.UserID {
		t.Fatalf("filed_by %s by %v; want ecell by the E-cell user", filedBy, userID)
	}
	in := input()
	in.FiledBy, in.Relation = "on_behalf", "mother"
	g := b.file(t, in)
	if err := b.db.QueryRow(b.ctx, `SELECT filed_by FROM complaints WHERE id = $1`, g.ID).Scan(&filedBy); err != nil || filedBy != "on_behalf" {
		t.Fatalf("filed_by = %s, %v; want on_behalf", filedBy, err)
	}
}

func TestFileIdempotent(t *testing.T) {
	b := setup(t)
	in := input()
	in.IdempotencyKey = "0b6f1c2e-retry-key"
	first := b.file(t, in)
	again := b.file(t, in)
	if again.ID != first.ID || again.Code != first.Code || again.Secret != first.Secret || !again.Replayed {
		t.Fatalf("retry = %+v; want the same complaint and secret as %+v", again, first)
	}
	if n := b.count(t, `SELECT count(*) FROM complaints`); n != 1 {
		t.Fatalf("%d complaints after a retry; want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM sms_outbox`); n != 3 {
		t.Fatalf("%d SMS after a retry; want 3", n)
	}
	other := in
	other.Description = "Something else entirely."
	_, err := b.svc.File(b.ctx, nil, other, cases.English)
	wantCode(t, err, vikalp.ErrConflict, cases.CodeIdempotencyKeyReused)
	// Her key with someone else's contact details never gets her code and
	// secret; her own number typed another way is the same filing.
	for _, c := range []cases.Contact{{Name: "Asha Verma", Phone: "98765 43211", Address: "12 Park Road, Hazratganj"},
		{Phone: "98765 43210"}, {}} {
		other := in
		other.Contact = c
		_, err := b.svc.File(b.ctx, nil, other, cases.English)
		wantCode(t, err, vikalp.ErrConflict, cases.CodeIdempotencyKeyReused)
	}
	same := in
	same.Contact.Phone = "+91 98765-43210"
	if r := b.file(t, same); r.ID != first.ID || r.Secret != first.Secret {
		t.Errorf("her retry with the number spelled differently = %+v", r)
	}

	// Past the replay window the SLA sweep wipes the sealed secret; a
	// retry still gets the same complaint, without the secret.
	b.clock.Advance(24*time.Hour - time.Second)
	if _, err := b.svc.SweepSLA(b.ctx); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM complaints WHERE replay_sealed IS NOT NULL`); n != 1 {
		t.Fatal("replay secret wiped inside its window")
	}
	b.clock.Advance(time.Second)
	if _, err := b.svc.SweepSLA(b.ctx); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM complaints WHERE replay_sealed IS NOT NULL`); n != 0 {
		t.Fatal("replay secret kept past its window")
	}
	late := b.file(t, in)
	if late.ID != first.ID || late.Secret != "" || !late.Replayed {
		t.Fatalf("late retry = %+v; want the same complaint without a secret", late)
	}
}

func TestTrack(t *testing.T) {
	b := setup(t)
	f := b.file(t, input())
	tr, err := b.svc.Track(b.ctx, strings.ToLower(string(f.Code)), string(f.Secret), cases.English)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Status != cases.StatusAssigned || tr.Holder != cases.HolderStation || tr.NextDeadline == nil ||
		!tr.NextDeadline.Equal(f.ATRDueAt) || tr.StationNameEN != "Hazratganj" || !tr.CanWithdraw || tr.CanRate {
		t.Fatalf("Track = %+v", tr)
	}
	other, _ := cases.NewCode()
	_, errSecret := b.svc.Track(b.ctx, string(f.Code), "AAAA-AAAA-AAAA-AAAA", cases.English)
	_, errCode := b.svc.Track(b.ctx, string(other), string(f.Secret), cases.English)
	_, errGarbage := b.svc.Track(b.ctx, string(f.Code), "x", cases.English)
	for _, err := range []error{errSecret, errCode, errGarbage} {
		wantKind(t, err, vikalp.ErrNotFound)
		if err.Error() != errSecret.Error() {
			t.Errorf("wrong code and wrong secret differ: %q vs %q", err, errSecret)
		}
	}
	typo := []byte(f.Code)
	typo[3] = map[bool]byte{true: 'X', false: 'Y'}[typo[3] != 'X']
	_, err = b.svc.Track(b.ctx, string(typo), string(f.Secret), cases.Hindi)
	wantCode(t, err, vikalp.ErrInvalid, cases.CodeBadComplaintCode)
}
