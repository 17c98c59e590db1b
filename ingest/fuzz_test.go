package ingest

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/ingest/ingesttest"
)

// FuzzProcessPhoto feeds arbitrary bytes to the photo pipeline. Whatever
// comes in, it must not panic, must refuse with a user-safe ErrInvalid, or
// must produce a derivative and thumbnail that carry no metadata and fit the
// configured sides. Small limits keep each run fast; the committed corpus
// (testdata/fuzz/FuzzProcessPhoto) adds truncated and hostile headers.
func FuzzProcessPhoto(f *testing.F) {
	gps := [2]float64{26.85, 80.95}
	f.Add(ingesttest.JPEG(f, ingesttest.PhotoOpts{Width: 40, Height: 30, GPS: &gps, Orientation: 6}))
	f.Add(ingesttest.PNG(f, 24, 16))
	f.Add(ingesttest.WebP())
	f.Add(ingesttest.PNGBomb(100000, 100000))
	f.Add(ingesttest.TruncatedJPEG(f))
	f.Add(ingesttest.GarbageJPEG())
	f.Add(ingesttest.PDF())
	for _, name := range []string{"progressive.jpg", "cmyk.jpg"} { // libjpeg-turbo's and Go's paths
		b, err := os.ReadFile("../internal/turbojpeg/testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	p := NewPipeline(MediaConfig{MaxBytes: 1 << 20, MaxPixels: 1 << 20, DerivativeSide: 64, ThumbnailSide: 16})
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := p.Process(context.Background(), data)
		if err != nil {
			if _, ok := vikalp.AsUserError(err); !ok || !errors.Is(err, vikalp.ErrInvalid) {
				t.Fatalf("refusal %v is not a user-safe ErrInvalid", err)
			}
			return
		}
		for name, img := range map[string][]byte{"derivative": out.Derivative, "thumbnail": out.Thumbnail} {
			if ingesttest.HasEXIF(img) {
				t.Fatalf("%s carries EXIF", name)
			}
		}
		if out.DerivativeWidth > 64 || out.DerivativeHeight > 64 {
			t.Fatalf("derivative %dx%d exceeds 64 px", out.DerivativeWidth, out.DerivativeHeight)
		}
		if thumb, err := jpeg.DecodeConfig(bytes.NewReader(out.Thumbnail)); err != nil || thumb.Width > 16 || thumb.Height > 16 {
			t.Fatalf("thumbnail %dx%d (%v) exceeds 16 px", thumb.Width, thumb.Height, err)
		}
		if out.EXIF.GPS != nil && geo.CheckCoordinates(out.EXIF.GPS.Lat, out.EXIF.GPS.Lon) != nil {
			t.Fatalf("EXIF GPS %v is not a coordinate", *out.EXIF.GPS)
		}
	})
}

// FuzzReadEXIF reads EXIF from arbitrary bytes labelled as each accepted
// type: it never panics and yields a valid orientation.
func FuzzReadEXIF(f *testing.F) {
	gps := [2]float64{26.85, 80.95}
	f.Add(ingesttest.JPEG(f, ingesttest.PhotoOpts{Width: 8, Height: 8, GPS: &gps}))
	f.Add(ingesttest.EXIF(ingesttest.PhotoOpts{GPS: &gps, Orientation: 3}))
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*\x00\x00\x00\x08"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, ct := range []string{TypeJPEG, TypePNG, TypeWebP} {
			facts := readEXIF(data, ct)
			if facts.Orientation < 1 || facts.Orientation > 8 {
				t.Fatalf("%s: orientation %d", ct, facts.Orientation)
			}
		}
	})
}

// FuzzImportCSV parses arbitrary CSV through the importer's validation (no
// database): it never panics, and every row it accepts is in Uttar Pradesh,
// H3-indexed, of a known category, with a bounded source id and text.
func FuzzImportCSV(f *testing.F) {
	f.Add("time,lat,lon,category,text,source_id\n2024-05-01 18:30,26.85,80.95,groping,रात में,a1\n")
	f.Add("source_id,latitude,longitude,category,date\nx,27.17,78.01,Stalking,01/05/2024\n\"unterminated,1\n")
	f.Add("\uFEFFtime,lat,lon,category,source_id\n2024-05-01,NaN,Inf,other,n\n2024-05-01,19.07,72.87,other,m\n")
	f.Fuzz(func(t *testing.T, data string) {
		src := &importSource{sum: &ImportSummary{}, maxRejections: 10, seen: map[string]int{}}
		if err := src.openCSV(strings.NewReader(data)); err != nil {
			if _, ok := vikalp.AsUserError(err); !ok {
				t.Fatalf("header refusal %v is not user-safe", err)
			}
			return
		}
		checkImportRows(t, src)
	})
}

// FuzzImportGeoJSON does the same for GeoJSON input.
func FuzzImportGeoJSON(f *testing.F) {
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[80.95,26.85]},"properties":{"time":"2024-05-01T18:30:00+05:30","category":"groping","source_id":"g1"}}]}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[[80,26],[81,27]]},"properties":{}}]}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"id":7,"properties":{"time":1}}]}`)
	f.Fuzz(func(t *testing.T, data string) {
		src := &importSource{sum: &ImportSummary{}, maxRejections: 10, seen: map[string]int{}}
		if err := src.openGeoJSON(strings.NewReader(data)); err != nil {
			if _, ok := vikalp.AsUserError(err); !ok {
				t.Fatalf("file refusal %v is not user-safe", err)
			}
			return
		}
		checkImportRows(t, src)
	})
}

// checkImportRows drains src and checks each accepted row.
func checkImportRows(t *testing.T, src *importSource) {
	t.Helper()
	for {
		row, ok, err := src.next()
		if err != nil {
			var ue *vikalp.UserError
			if errors.As(err, &ue) || errors.Is(err, io.ErrUnexpectedEOF) {
				return
			}
			return // read errors of a malformed stream end the import with an error; that is allowed
		}
		if !ok {
			return
		}
		if !geo.InUP(row.lat, row.lon) || row.cells.R9 == 0 {
			t.Fatalf("accepted row at %v,%v with cells %+v", row.lat, row.lon, row.cells)
		}
		if _, known := row.category.Info(); !known {
			t.Fatalf("accepted unknown category %q", row.category)
		}
		if row.sourceID == "" || len(row.sourceID) > 200 || len([]rune(row.body)) > MaxReportText {
			t.Fatalf("accepted source id %q, body of %d runes", row.sourceID, len([]rune(row.body)))
		}
	}
}

// FuzzParseCode: a parsed code is canonical and parses to itself.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"HR-7H3Q-K9M2", "hr 7h3q k9m2", "7H3QK9M2", "TP-0000-0000", "HR-OIL0-0000", "ड-1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := parseCode(s, reportCodePrefix)
		if err != nil {
			return
		}
		if again, err := parseCode(code, reportCodePrefix); err != nil || again != code {
			t.Fatalf("%q parsed to %q, which parses to %q, %v", s, code, again, err)
		}
		if !bytes.HasPrefix([]byte(code), []byte("HR-")) || len(code) != 12 {
			t.Fatalf("%q parsed to non-canonical %q", s, code)
		}
	})
}
