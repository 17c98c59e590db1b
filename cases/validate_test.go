package cases

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
)

func ptr[T any](v T) *T { return &v }

// goodInput is a valid filing; tests break one field at a time.
func goodInput() FileInput {
	return FileInput{Category: "stalking", Description: "He follows me from the bus stop every day.",
		Language: "en", IncidentAt: "2025-11-20T18:30", Lat: ptr(26.9), Lon: ptr(80.9),
		Contact: Contact{Name: "Asha", Phone: "98765 43210", Address: "Hazratganj"}, CallbackWindow: "10:00-13:00"}
}

func TestValidateFiling(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 11, 26, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name         string
		edit         func(*FileInput)
		field, code  string
		ecell        bool
		wantFiledBy  FiledBy
		wantPhone    string
		wantIncident bool
	}{
		{name: "Valid", edit: func(*FileInput) {}, wantFiledBy: FiledBySelf, wantPhone: "+919876543210", wantIncident: true},
		{name: "UnknownCategory", edit: func(in *FileInput) { in.Category = "theft" }, field: "category", code: CodeUnknownCategory},
		{name: "EmptyDescription", edit: func(in *FileInput) { in.Description = "  \n " }, field: "description", code: CodeDescriptionRequired},
		{name: "DescriptionTooLong", edit: func(in *FileInput) { in.Description = strings.Repeat("क", MaxDescription+1) }, field: "description", code: CodeDescriptionTooLong},
		{name: "HindiDescriptionAtLimit", edit: func(in *FileInput) { in.Description = strings.Repeat("क", MaxDescription) }, wantFiledBy: FiledBySelf, wantPhone: "+919876543210", wantIncident: true},
		{name: "InvalidLanguage", edit: func(in *FileInput) { in.Language = "fr" }, field: "language", code: CodeInvalidLanguage},
		{name: "IncidentUnparseable", edit: func(in *FileInput) { in.IncidentAt = "yesterday" }, field: "incident_at", code: CodeIncidentTimeInvalid},
		{name: "IncidentFuture", edit: func(in *FileInput) { in.IncidentAt = "2025-11-27" }, field: "incident_at", code: CodeIncidentTimeFuture},
		{name: "IncidentRFC3339", edit: func(in *FileInput) { in.IncidentAt = "2025-11-26T11:00:00Z" }, wantFiledBy: FiledBySelf, wantPhone: "+919876543210", wantIncident: true},
		{name: "IncidentUnknown", edit: func(in *FileInput) { in.IncidentAt = "" }, wantFiledBy: FiledBySelf, wantPhone: "+919876543210"},
		{name: "NoPlace", edit: func(in *FileInput) { in.Lat, in.Lon = nil, nil }, field: "location", code: CodeLocationRequired},
		{name: "HalfPoint", edit: func(in *FileInput) { in.Lon = nil }, field: "location", code: CodeLocationInvalid},
		{name: "BadLatitude", edit: func(in *FileInput) { in.Lat = ptr(95.0) }, field: "location", code: CodeLocationInvalid},
		{name: "DistrictOnly", edit: func(in *FileInput) { in.Lat, in.Lon, in.DistrictID = nil, nil, ptr(162) }, wantFiledBy: FiledBySelf, wantPhone: "+919876543210", wantIncident: true},
		{name: "BadDistrict", edit: func(in *FileInput) { in.Lat, in.Lon, in.DistrictID = nil, nil, ptr(-3) }, field: "district_id", code: CodeUnknownDistrict},
		{name: "PhoneShort", edit: func(in *FileInput) { in.Contact.Phone = "98765" }, field: "phone", code: CodePhoneInvalid},
		{name: "PhoneLandlineStart", edit: func(in *FileInput) { in.Contact.Phone = "5876543210" }, field: "phone", code: CodePhoneInvalid},
		{name: "PhoneLetters", edit: func(in *FileInput) { in.Contact.Phone = "98765abcde" }, field: "phone", code: CodePhoneInvalid},
		{name: "PhonePlus91", edit: func(in *FileInput) { in.Contact.Phone = "+91-7000000001" }, wantFiledBy: FiledBySelf, wantPhone: "+917000000001", wantIncident: true},
		{name: "PhoneLeadingZero", edit: func(in *FileInput) { in.Contact.Phone = "06000000001" }, wantFiledBy: FiledBySelf, wantPhone: "+916000000001", wantIncident: true},
		{name: "NameTooLong", edit: func(in *FileInput) { in.Contact.Name = strings.Repeat("a", MaxName+1) }, field: "name", code: CodeNameTooLong},
		{name: "AddressTooLong", edit: func(in *FileInput) { in.Contact.Address = strings.Repeat("a", MaxAddress+1) }, field: "address", code: CodeAddressTooLong},
		{name: "CallbackMalformed", edit: func(in *FileInput) { in.CallbackWindow = "morning" }, field: "callback_window", code: CodeCallbackWindowInvalid},
		{name: "CallbackBadHour", edit: func(in *FileInput) { in.CallbackWindow = "25:00-26:00" }, field: "callback_window", code: CodeCallbackWindowInvalid},
		{name: "CallbackEmptyWindow", edit: func(in *FileInput) { in.CallbackWindow = "10:00-10:00" }, field: "callback_window", code: CodeCallbackWindowInvalid},
		{name: "OnBehalfWithoutRelation", edit: func(in *FileInput) { in.FiledBy = "on_behalf" }, field: "relation", code: CodeRelationRequired},
		{name: "OnBehalf", edit: func(in *FileInput) { in.FiledBy, in.Relation = "on_behalf", "sister" }, wantFiledBy: FiledByOnBehalf, wantPhone: "+919876543210", wantIncident: true},
		{name: "FiledByUnknown", edit: func(in *FileInput) { in.FiledBy = "police" }, field: "filed_by", code: CodeFiledByInvalid},
		{name: "Ecell", edit: func(*FileInput) {}, ecell: true, wantFiledBy: FiledByEcell, wantPhone: "+919876543210", wantIncident: true},
		{name: "IdempotencyKeyBad", edit: func(in *FileInput) { in.IdempotencyKey = "a b" }, field: "idempotency_key", code: CodeIdempotencyKeyInvalid},
		{name: "IdempotencyKeyShort", edit: func(in *FileInput) { in.IdempotencyKey = "1" }, field: "idempotency_key", code: CodeIdempotencyKeyInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, lang := range []Language{English, Hindi} {
				in := goodInput()
				tt.edit(&in)
				f, err := validateFiling(in, now, tt.ecell, lang)
				if tt.code == "" {
					if err != nil {
						t.Fatalf("validateFiling: %v", err)
					}
					if f.filedBy != tt.wantFiledBy || f.contact.Phone != tt.wantPhone || (f.incidentAt != nil) != tt.wantIncident {
						t.Fatalf("got filed_by %s, phone %q, incident %v", f.filedBy, f.contact.Phone, f.incidentAt)
					}
					continue
				}
				ue, ok := vikalp.AsUserError(err)
				if !ok || !errors.Is(err, vikalp.ErrInvalid) || ue.Field != tt.field || ue.Code != tt.code {
					t.Fatalf("validateFiling(%s) error = %#v; want field %s code %s", lang, err, tt.field, tt.code)
				}
				if ue.Message == "" || ue.Message != Message(tt.code, lang) {
					t.Fatalf("message %q is not the %s text for %s", ue.Message, lang, tt.code)
				}
			}
		})
	}
}

// TestEveryMessageIsBilingual guards the message table.
func TestEveryMessageIsBilingual(t *testing.T) {
	t.Parallel()
	for code, m := range messages {
		if m[0] == "" || m[1] == "" || m[0] == m[1] {
			t.Errorf("message %s lacks an English or Hindi text", code)
		}
	}
	if Message(CodeOutsideUP, English) != "this location is outside Uttar Pradesh" {
		t.Errorf("outside_up message changed: %q", Message(CodeOutsideUP, English))
	}
}

func TestCategories(t *testing.T) {
	t.Parallel()
	cs := Categories()
	if len(cs) != 9 {
		t.Fatalf("%d categories; want 9", len(cs))
	}
	for _, c := range cs {
		if !c.Code.Valid() || c.LabelEN == "" || c.LabelHI == "" || c.Code.Label(Hindi) != c.LabelHI {
			t.Errorf("category %+v is incomplete", c)
		}
	}
	if Category("theft").Valid() {
		t.Error("theft is not in the taxonomy")
	}
}
