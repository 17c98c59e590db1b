package web_test

import (
	"bytes"
	"context"
	"image/png"
	"math"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// a4Points is an A4 sheet in PDF points (1/72 inch).
var a4Points = [2]float64{595.28, 841.89}

var (
	pdfPage     = regexp.MustCompile(`/Type\s*/Page\b[^s]`)
	pdfMediaBox = regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]`)
)

// outreachPosterAndLink prints a Lucknow A4 poster to PDF as an officer
// would ("save as PDF"): one A4 page; its QR code, read back from the
// rendered page by a QR decoder, is the Hindi filing link for Lucknow
// counted as "poster". Then she follows that link: the app opens in Hindi
// with Lucknow chosen, and her filing is counted as a poster filing in
// Lucknow, with nothing that ties the count to her complaint.
func (b *bundle) outreachPosterAndLink(t *testing.T) {
	t.Helper()
	b.do(t, "open the poster", chromedp.Navigate(b.server.URL+"/outreach/print?d=lucknow&format=a4&lang=hi"),
		waitJS(`document.querySelector('[data-testid="poster"]')?.dataset.ready === 'true'`))
	want := b.server.URL + "/?lang=hi&d=lucknow&src=poster"
	if got := eval[string](t, b, `document.querySelector('[data-testid="poster"]').dataset.link`); got != want {
		t.Errorf("poster link %q; want %q", got, want)
	}
	pdf := run(t, b, "print to PDF", chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if n := len(pdfPage.FindAll(pdf, -1)); n != 1 {
		t.Errorf("the poster prints on %d pages; want 1", n)
	}
	for _, m := range pdfMediaBox.FindAllSubmatch(pdf, -1) {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		if math.Abs(w-a4Points[0]) > 2 || math.Abs(h-a4Points[1]) > 2 {
			t.Errorf("page is %.1f × %.1f pt; want A4 %.1f × %.1f", w, h, a4Points[0], a4Points[1])
		}
	}
	shot := run(t, b, "screenshot the QR code", chromedp.ScreenshotScale(chromedp.CSS(`[data-testid="poster-qr"]`), 2))
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the poster's QR code does not decode: %v", err)
	}
	if res.GetText() != want {
		t.Errorf("QR code says %q; want %q", res.GetText(), want)
	}
	b.shot(t, "30-outreach-poster")

	// She follows the link: Hindi, Lucknow already chosen, counted as a poster.
	b.do(t, "follow the poster's link", chromedp.Navigate(want), waitJS(`document.documentElement.lang === 'hi'`),
		click(`[data-testid="cta-file"]`), chromedp.WaitVisible(chromedp.CSS(`#category`)),
		waitJS(`document.querySelectorAll('#category option').length > 5`),
		choose(`#category`, "stalking"), typeInto(`#description`, "बाज़ार में एक आदमी रोज़ परेशान करता है"),
		click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`#district_id`)),
		waitJS(`document.querySelector('#district_id').value === '162'`),
		click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`#phone`)),
		click(`[data-testid="next"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="review"]`)),
		click(`[data-testid="submit"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="filed-secret"]`)))
	var n int
	if err := b.pool.QueryRow(b.ctx, `SELECT COALESCE(sum(filings), 0) FROM filing_channels
		WHERE district_id = 162 AND channel = 'poster'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("poster filings in Lucknow: %d, %v; want 1", n, err)
	}
}

// run runs one action that returns a value, failing the test on error.
func run[T any](t *testing.T, b *bundle, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}
