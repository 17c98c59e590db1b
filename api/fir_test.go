package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
)

// TestFIROverHTTP is the CCTNS link as users meet it: the station records
// the FIR on its ATR (a wrong number is refused naming the field, in her
// language when asked), she sees the FIR's number, station and district on
// tracking once the ATR is published, and staff find the complaint by FIR
// number only within their scope.
func TestFIROverHTTP(t *testing.T) {
	t.Parallel()
	b := setupComplaints(t)
	her := b.anonymous()
	var filed struct{ Code, Secret string }
	her.do(http.MethodPost, "/api/v1/complaints", map[string]any{"category": "stalking",
		"description": "He follows me from the market.", "language": "en", "lat": 26.8505, "lon": 80.9466},
		http.StatusCreated, &filed, "Idempotency-Key", "fir-filing-key-00001")
	id := b.count(`SELECT id FROM complaints WHERE code = $1`, filed.Code)
	path := "/api/v1/complaints/" + strconv.Itoa(id)
	year := time.Now().In(vikalp.IST).Year()

	station := b.login("station.hzg")
	atr := func(fir map[string]any) map[string]any {
		return map[string]any{"text": "FIR registered, accused arrested.", "action_taken": "FIR under section 78 BNS", "fir": fir}
	}
	var bad struct{ Field, Code, Error string }
	station.do(http.MethodPut, path+"/atr", atr(map[string]any{"year": year, "serial": 0}), http.StatusUnprocessableEntity, &bad,
		"Accept-Language", "hi")
	if bad.Field != "fir.serial" || bad.Code != "fir_serial_invalid" || !strings.Contains(bad.Error, "एफआईआर") {
		t.Errorf("serial 0: %+v", bad)
	}
	station.do(http.MethodPut, path+"/atr", atr(map[string]any{"station_code": "NO-SUCH", "year": year, "serial": 5}),
		http.StatusUnprocessableEntity, &bad)
	if bad.Field != "fir.station_code" {
		t.Errorf("unknown station: %+v", bad)
	}
	var drafted struct {
		FIRNumber string `json:"fir_number"`
	}
	station.do(http.MethodPut, path+"/atr", atr(map[string]any{"year": year, "serial": 77}), http.StatusOK, &drafted)
	want := "UP/162/LKO-HAZ/" + strconv.Itoa(year) + "/00077"
	if drafted.FIRNumber != want {
		t.Fatalf("drafted fir_number %q; want %q", drafted.FIRNumber, want)
	}
	station.do(http.MethodPost, path+"/atr/submit", nil, http.StatusOK, nil)
	b.login("nodal.lko").do(http.MethodPost, path+"/atr/approve", nil, http.StatusOK, nil)

	var tr struct {
		Timeline []struct{ Kind string } `json:"timeline"`
		ATRs     []struct {
			FIR *struct {
				Number, Short     string
				Station, District struct{ EN, HI string }
			} `json:"fir"`
		} `json:"atrs"`
	}
	her.do(http.MethodPost, "/api/v1/complaints/track", map[string]string{"code": filed.Code, "secret": filed.Secret},
		http.StatusOK, &tr)
	if len(tr.ATRs) != 1 || tr.ATRs[0].FIR == nil {
		t.Fatalf("tracking shows no FIR: %+v", tr)
	}
	if f := tr.ATRs[0].FIR; f.Number != want || f.Short != "77/"+strconv.Itoa(year) || f.Station.EN == "" ||
		f.Station.HI == "" || f.District.EN != "Lucknow" {
		t.Errorf("her FIR %+v", *f)
	}
	registered := false
	for _, e := range tr.Timeline {
		registered = registered || e.Kind == "fir_registered"
	}
	if !registered {
		t.Errorf("her timeline %+v has no fir_registered", tr.Timeline)
	}

	search := func(who, q string) []string {
		var res struct {
			Complaints []struct {
				Code      string `json:"code"`
				FIRNumber string `json:"fir_number"`
			} `json:"complaints"`
		}
		b.login(who).do(http.MethodGet, "/api/v1/complaints?fir="+url.QueryEscape(q), nil, http.StatusOK, &res)
		var codes []string
		for _, c := range res.Complaints {
			codes = append(codes, c.Code+" "+c.FIRNumber)
		}
		return codes
	}
	hit := filed.Code + " " + want
	for _, q := range []string{want, "77/" + strconv.Itoa(year)} {
		for who, finds := range map[string]bool{"nodal.lko": true, "station.hzg": true, "station.gom": false, "nodal.agra": false} {
			got := search(who, q)
			if finds != (len(got) == 1 && got[0] == hit) || !finds && len(got) != 0 {
				t.Errorf("%s searching %q got %v; want found=%v", who, q, got, finds)
			}
		}
	}
	b.login("nodal.lko").do(http.MethodGet, "/api/v1/complaints?fir=FIR-77", nil, http.StatusUnprocessableEntity, &bad)
	if bad.Field != "fir" || bad.Code != "fir_invalid" {
		t.Errorf("malformed search: %+v", bad)
	}
}
