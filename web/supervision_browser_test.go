package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// mspDirectsStationAnswers: the MSP analyst directs the station from the
// complaint page; the station's queue flags the complaint; the station
// answers on the complaint page; her tracking page (in Hindi) shows only
// the generic line, never the text.
func (b *bundle) mspDirectsStationAnswers(t *testing.T) {
	t.Helper()
	var filed struct{ Code, Secret string }
	b.postJSON(t, "/api/v1/complaints", map[string]any{
		"category": "stalking", "description": "A man waits for me outside the coaching centre", "language": "en",
		"lat": hazratganjLat, "lon": hazratganjLon,
	}, &filed)
	var id int64
	if err := b.pool.QueryRow(context.Background(), `SELECT id FROM complaints WHERE code = $1`, filed.Code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	direction := "Visit her today and record her statement."
	b.login(t, "msp.analyst")
	b.setLang(t, "en")
	b.do(t, "open the complaint", chromedp.Navigate(fmt.Sprintf("%s/staff/complaints/%d", b.server.URL, id)),
		waitText(`[data-testid="detail-code"]`, filed.Code), chromedp.WaitVisible(chromedp.CSS(`#direction_body`)))
	b.do(t, "a direction needs a text", click(`[data-testid="direction-issue"]`),
		waitJS(`document.querySelector('#direction_body').getAttribute('aria-invalid') === 'true'`))
	b.do(t, "direct the station", typeInto(`#direction_body`, direction), click(`[data-testid="direction-issue"]`),
		waitText(`.notice-ok`, "Direction issued"),
		waitText(`[data-testid="direction"][data-open="true"]`, direction))
	b.shot(t, "50-msp-direction")
	b.logout(t)

	b.login(t, "station.hzg")
	b.setLang(t, "en")
	item := fmt.Sprintf(`[data-testid="queue"] a[data-code=%s]`, js(filed.Code))
	b.do(t, "the queue flags the direction", chromedp.WaitVisible(chromedp.CSS(item+` [data-testid="open-direction"]`)),
		waitJS(`document.querySelector('[data-testid="queue"] a')?.dataset.code === `+js(filed.Code)))
	b.openFromQueue(t, filed.Code)
	b.do(t, "answer the direction", chromedp.WaitVisible(chromedp.CSS(`[data-testid="direction-answer"]`)),
		typeInto(`[data-testid="direction"] textarea`, "Statement recorded at 14:00."),
		click(`[data-testid="direction-answer"]`), waitText(`.notice-ok`, "Report sent"),
		waitText(`[data-testid="direction"][data-open="false"]`, "Statement recorded"))
	b.setLang(t, "hi")
	b.do(t, "the panel in Hindi", waitText(`[data-testid="directions"] h2`, "निर्देश"))
	b.shot(t, "51-station-answered-hi")
	b.logout(t)

	b.trackShowsStatus(t, filed.Code, filed.Secret, "assigned", "थाने के पास")
	b.do(t, "her timeline has the generic line", waitText(`.timeline`, "महिला प्रकोष्ठ ने पुलिस से प्रगति की जानकारी मांगी"))
	if got := eval[bool](t, b, `document.body.textContent.includes(`+js(direction)+`)`); got {
		t.Fatal("the direction's text reached her tracking page")
	}
}
