package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/testkit"
)

// attachPhotoAndStationSeesIt adds a photo to her open complaint from the
// (Hindi) tracking page, checks her thumbnail and the timeline entry, then
// opens the complaint as its station and waits for the watermarked
// thumbnail to load. The page language is left as it was.
func (b *bundle) attachPhotoAndStationSeesIt(t *testing.T, code, secret string) {
	t.Helper()
	photo := filepath.Join(t.TempDir(), "evidence.jpg")
	if err := os.WriteFile(photo, ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 640, Height: 480, GPS: &testkit.Lucknow}), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do(t, "track her complaint", chromedp.Navigate(b.server.URL+"/track"), chromedp.WaitVisible(chromedp.CSS(`#code`)),
		typeInto(`#code`, code), typeInto(`#secret`, secret), click(`[data-testid="track-submit"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="evidence-picker-input"]`)))
	b.do(t, "add a photo", chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="evidence-picker-input"]`), []string{photo}),
		waitJS(`document.querySelectorAll('[data-testid="evidence-picker-list"] img').length === 1`),
		click(`[data-testid="evidence-submit"]`),
		waitJS(`document.querySelectorAll('[data-testid="evidence-photos"] img').length === 1`),
		waitJS(`!!document.querySelector('.timeline li[data-kind="evidence_added"]')`))
	if left := eval[[]string](t, b, englishLeft); len(left) > 0 {
		t.Errorf("English left on the Hindi tracking page after adding a photo: %v", left)
	}
	b.shot(t, "05b-track-photo-added")

	b.login(t, "station.hzg")
	b.openFromQueue(t, code)
	b.do(t, "station sees the photo", waitJS(fmt.Sprintf(`(() => {
		const img = document.querySelector('[data-testid="detail-photos"] img');
		return !!img && img.complete && img.naturalWidth > 0 && img.closest('a').getAttribute('href').endsWith(%s);
	})()`, js("/photos/1"))))
	b.shot(t, "05c-detail-photo")
	b.logout(t)
}
