package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/internal/loadgen"
)

// benchCategories are report categories the submission benches draw from.
var benchCategories = []string{"stalking", "catcalling_comments", "groping", "staring_following",
	"drunk_gathering", "poorly_lit_area", "unsafe_transport_stop"}

// benchFlags are what every submission bench shares.
type benchFlags struct {
	base        string
	center      string
	radiusKM    float64
	duration    time.Duration
	concurrency int
	headers     []string
}

func (f *benchFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.base, "base", "http://localhost:8080", "server base URL")
	cmd.Flags().StringVar(&f.center, "center", "26.85,80.95", "submissions fall around LAT,LON")
	cmd.Flags().Float64Var(&f.radiusKM, "radius-km", 10, "spread of submission locations")
	cmd.Flags().DurationVar(&f.duration, "duration", 20*time.Second, "how long to run")
	cmd.Flags().IntVar(&f.concurrency, "concurrency", 16, "concurrent clients")
	cmd.Flags().StringArrayVar(&f.headers, "header", nil, "extra request header 'Name: value' (repeatable)")
}

// run runs one submission target and prints the report.
func (f *benchFlags) run(cmd *cobra.Command, group string, build func(n int64, lat, lon float64) (body []byte, contentType string, err error), path string) error {
	lat, lon, err := parseLatLon(f.center)
	if err != nil {
		return err
	}
	header, err := parseHeaders(f.headers)
	if err != nil {
		return err
	}
	target := submitTarget(group, strings.TrimSuffix(f.base, "/")+path, lat, lon, f.radiusKM, build)
	rep, err := loadgen.Run(cmd.Context(), loadgen.Config{Targets: []loadgen.Target{target},
		Duration: f.duration, Concurrency: f.concurrency, Header: header})
	if err != nil {
		return err
	}
	rep.Write(cmd.OutOrStdout())
	return nil
}

// submitTarget POSTs to url a body build makes for each request number n, at
// a point within ±radiusKM of lat, lon (a fixed seed per n keeps runs
// comparable), with a fresh Idempotency-Key.
func submitTarget(group, url string, lat, lon, radiusKM float64,
	build func(n int64, lat, lon float64) (body []byte, contentType string, err error)) loadgen.Target {
	runID := time.Now().UnixNano()
	return loadgen.Target{Group: group, URL: url, New: func(ctx context.Context, n int64) (*http.Request, error) {
		pLat, pLon := benchPoint(n, lat, lon, radiusKM)
		body, ct, err := build(n, pLat, pLon)
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%s-%d-%d", group, runID, n))
		return req, nil
	}}
}

// jitterKM moves lat, lon uniformly within a square of ±r km.
func jitterKM(rng *rand.Rand, lat, lon, r float64) (float64, float64) {
	const kmPerDegree = 111.32
	dLat := (rng.Float64()*2 - 1) * r / kmPerDegree
	dLon := (rng.Float64()*2 - 1) * r / kmPerDegree / math.Cos(lat*math.Pi/180)
	return lat + dLat, lon + dLon
}

func newBenchReportsCmd() *cobra.Command {
	var f benchFlags
	var photo bool
	var happeningNow float64
	cmd := &cobra.Command{
		Use:   "reports [--photo]",
		Short: "Load-test hotspot report submissions (JSON, or multipart with a 2-megapixel JPEG)",
		Long: `bench reports POSTs hotspot reports to /api/v1/reports for --duration with
--concurrency clients, each with a fresh Idempotency-Key, at locations spread
within --radius-km of --center, and prints requests/s and latency percentiles.
By default reports are JSON without photos; --photo sends each as multipart
with one 2-megapixel JPEG (1632×1224, generated once). --happening-now marks a
share of them "happening now" (each raises a PCR alert).

The server's per-address rate limit must be off for a load test from one
machine: run it with VIKALP_PUBLIC_RATE=off.

Examples:
  vikalp bench reports --duration 20s --concurrency 32
  vikalp bench reports --photo --concurrency 8`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !photo {
				return f.run(cmd, "reports", func(n int64, lat, lon float64) ([]byte, string, error) {
					b, err := json.Marshal(map[string]any{"category": benchCategories[n%int64(len(benchCategories))],
						"text": "bench", "lat": lat, "lon": lon, "happening_now": happenNow(n, happeningNow)})
					return b, "application/json", err
				}, "/api/v1/reports")
			}
			img, err := benchJPEG(1632, 1224)
			if err != nil {
				return err
			}
			return f.run(cmd, "photo", func(n int64, lat, lon float64) ([]byte, string, error) {
				return multipartReport(img, benchCategories[n%int64(len(benchCategories))], lat, lon, happenNow(n, happeningNow))
			}, "/api/v1/reports")
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&photo, "photo", false, "send a 2-megapixel JPEG with each report (multipart)")
	cmd.Flags().Float64Var(&happeningNow, "happening-now", 0, "share of reports marked happening now (0–1)")
	return cmd
}

// happenNow marks about share of request numbers.
func happenNow(n int64, share float64) bool {
	return share > 0 && float64(n%1000) < share*1000
}

func newBenchComplaintsCmd() *cobra.Command {
	var f benchFlags
	cmd := &cobra.Command{
		Use:   "complaints",
		Short: "Load-test anonymous complaint filing",
		Long: `bench complaints POSTs anonymous complaints (with a location, so each is routed
to a district and police station, its SLA timer scheduled and its officer SMS
queued) to /api/v1/complaints with fresh Idempotency-Keys. Run the server
with VIKALP_PUBLIC_RATE=off.

Example: vikalp bench complaints --duration 20s --concurrency 32`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.run(cmd, "complaints", func(n int64, lat, lon float64) ([]byte, string, error) {
				b, err := json.Marshal(map[string]any{"category": "stalking", "language": "en",
					"description": "A man follows me from the bus stop every evening.", "lat": lat, "lon": lon})
				return b, "application/json", err
			}, "/api/v1/complaints")
		},
	}
	f.register(cmd)
	return cmd
}

// multipartReport encodes a report form with one photo.
func multipartReport(photo []byte, category string, lat, lon float64, now bool) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"category": category, "lat": fmt.Sprint(lat), "lon": fmt.Sprint(lon),
		"happening_now": fmt.Sprint(now)} {
		if err := w.WriteField(k, v); err != nil {
			return nil, "", err
		}
	}
	fw, err := w.CreateFormFile("photos", "photo.jpg")
	if err != nil {
		return nil, "", err
	}
	if _, err := fw.Write(photo); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// benchJPEG draws a photo-like w×h JPEG: smooth gradients with a little
// noise, so it compresses like a phone photo (about 0.5–1 MB), not like a
// flat colour.
func benchJPEG(w, h int) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			n := uint8(rng.IntN(24))
			img.Set(x, y, color.RGBA{uint8(x*200/w) + n, uint8(y*180/h) + n, uint8((x+y)*120/(w+h)) + n, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88}); err != nil {
		return nil, fmt.Errorf("encode bench photo: %w", err)
	}
	return buf.Bytes(), nil
}
