package jurisdiction_test

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/vikalp/vikalp/jurisdiction"
)

// offset returns the point d metres from lat, lon along bearing (degrees
// clockwise from north), on a sphere: close enough at a few kilometres.
func offset(lat, lon, d, bearing float64) (float64, float64) {
	const r = 6371008.8
	b := bearing * math.Pi / 180
	dLat := d * math.Cos(b) / r * 180 / math.Pi
	dLon := d * math.Sin(b) / (r * math.Cos(lat*math.Pi/180)) * 180 / math.Pi
	return lat + dLat, lon + dLon
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	ctx, db := setup(t)
	if _, err := jurisdiction.SeedDemo(ctx, db, "", nil); err != nil {
		t.Fatal(err)
	}
	// Railway stations as `vikalp import transit` stores them (capitals, no
	// Hindi name): Lucknow Jn and, far away, Gonda Jn.
	if _, err := db.Exec(ctx, `INSERT INTO transit_places (kind, code, name_en, geom) VALUES
		('railway_station', 'LJN', 'LUCKNOW JN', ST_SetSRID(ST_MakePoint(80.918587, 26.831967), 4326)),
		('railway_station', 'GD', 'GONDA JN', ST_SetSRID(ST_MakePoint(81.9617, 27.1339), 4326))`); err != nil {
		t.Fatal(err)
	}
	store := jurisdiction.NewDescribeStore(db)

	t.Run("NearestStationRailwayAndDistrict", func(t *testing.T) {
		// 1.2 km north-east of Hazratganj thana (demo data: 26.8505, 80.9466).
		lat, lon := offset(26.8505, 80.9466, 1200, 45)
		d, err := store.DescribePoint(ctx, lat, lon)
		if err != nil {
			t.Fatal(err)
		}
		if d.Station == nil || d.Station.NameEN != "Hazratganj" || math.Abs(d.Station.DistanceM-1200) > 15 {
			t.Fatalf("station = %+v, want Hazratganj at 1.2 km", d.Station)
		}
		if d.Railway == nil || d.Railway.NameEN != "LUCKNOW JN" {
			t.Fatalf("railway = %+v, want LUCKNOW JN", d.Railway)
		}
		if d.DistrictID != 162 || d.DistrictHI != "लखनऊ" {
			t.Fatalf("district = %d %q, want 162 लखनऊ", d.DistrictID, d.DistrictHI)
		}
		wantEN := "1.2 km NE of Hazratganj police station; "
		if !strings.HasPrefix(d.TextEN, wantEN) || !strings.Contains(d.TextEN, " NE of Lucknow Jn railway station; Lucknow district") {
			t.Errorf("TextEN = %q", d.TextEN)
		}
		wantHI := "हजरतगंज थाना से 1.2 किमी उत्तर-पूर्व; Lucknow Jn रेलवे स्टेशन से "
		if !strings.HasPrefix(d.TextHI, wantHI) || !strings.HasSuffix(d.TextHI, "उत्तर-पूर्व; लखनऊ जिला") {
			t.Errorf("TextHI = %q", d.TextHI)
		}
		if want := jurisdiction.GeoURI(lat, lon); d.GeoURI != want || !strings.HasPrefix(want, "geo:26.8") {
			t.Errorf("GeoURI = %q, want %q", d.GeoURI, want)
		}
	})

	t.Run("AtAStationAndInOrder", func(t *testing.T) {
		pts := []orb.Point{{81.9617, 27.1339}, {80.9466, 26.8505}}
		list, err := store.Describe(ctx, pts)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 {
			t.Fatalf("got %d descriptions, want 2", len(list))
		}
		if !strings.Contains(list[0].TextEN, "at Gonda Jn railway station") ||
			!strings.Contains(list[0].TextHI, "Gonda Jn रेलवे स्टेशन के पास") || !strings.HasSuffix(list[0].TextEN, "Gonda district") {
			t.Errorf("Gonda: %q / %q", list[0].TextEN, list[0].TextHI)
		}
		if !strings.HasPrefix(list[1].TextEN, "at Hazratganj police station; ") ||
			!strings.HasPrefix(list[1].TextHI, "हजरतगंज थाना के पास; ") {
			t.Errorf("Hazratganj: %q / %q", list[1].TextEN, list[1].TextHI)
		}
	})

	t.Run("NoRailwayStations", func(t *testing.T) {
		if _, err := db.Exec(ctx, `DELETE FROM transit_places`); err != nil {
			t.Fatal(err)
		}
		d, err := store.DescribePoint(ctx, 26.8505, 80.9466)
		if err != nil {
			t.Fatal(err)
		}
		if d.Railway != nil || strings.Contains(d.TextEN, "railway") {
			t.Errorf("without railway stations: %+v %q", d.Railway, d.TextEN)
		}
	})
}

func TestLandmarkCompass(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		bearing float64
		en, hi  string
	}{
		{0, "N", "उत्तर"}, {22.4, "N", "उत्तर"}, {22.6, "NE", "उत्तर-पूर्व"}, {90, "E", "पूर्व"},
		{135, "SE", "दक्षिण-पूर्व"}, {180, "S", "दक्षिण"}, {-135, "SW", "दक्षिण-पश्चिम"},
		{270, "W", "पश्चिम"}, {315, "NW", "उत्तर-पश्चिम"}, {359, "N", "उत्तर"}, {math.NaN(), "", ""},
	} {
		en, hi := jurisdiction.Landmark{Bearing: tc.bearing}.Compass()
		if en != tc.en || hi != tc.hi {
			t.Errorf("Compass(%v) = %q, %q; want %q, %q", tc.bearing, en, hi, tc.en, tc.hi)
		}
	}
}

func TestDescribeDistances(t *testing.T) {
	t.Parallel()
	ctx, db := setup(t)
	if _, err := jurisdiction.SeedDemo(ctx, db, "", nil); err != nil {
		t.Fatal(err)
	}
	store := jurisdiction.NewDescribeStore(db)
	for _, tc := range []struct {
		metres, bearing float64
		en, hi          string
	}{
		{450, 0, "450 m N of Hazratganj", "हजरतगंज थाना से 450 मीटर उत्तर"},
		{3400, 180, "3.4 km S of Hazratganj", "हजरतगंज थाना से 3.4 किमी दक्षिण"},
	} {
		lat, lon := offset(26.8505, 80.9466, tc.metres, tc.bearing)
		d, err := store.DescribePoint(ctx, lat, lon)
		if err != nil {
			t.Fatal(err)
		}
		if d.Station == nil || d.Station.NameEN != "Hazratganj" {
			t.Fatalf("%v m: nearest station %+v", tc.metres, d.Station)
		}
		if !strings.HasPrefix(d.TextEN, tc.en) || !strings.HasPrefix(d.TextHI, tc.hi) {
			t.Errorf("%v m: %q / %q", tc.metres, d.TextEN, d.TextHI)
		}
	}
}
