package web_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
)

// atrQualityAndDigest: Hazratganj pastes an earlier ATR into a new case;
// the nodal officer opens "Today" (the morning's digest, made by the job's
// function), follows its dissatisfied count to the filtered queue, then
// opens ATR quality, sees the pair and the list behind the station's
// near-copy figure.
func (b *bundle) atrQualityAndDigest(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	svc := b.api.Services.Cases // standing in for the worker that makes the digests
	station, nodal := b.principal(t, "station.hzg"), b.principal(t, "nodal.lko")
	const first = "Both parties were called to the police station; the accused gave a written apology and was bound over. The beat constable will check on her every week."
	earlier := b.answered(t, svc, station, nodal, first)
	pasted := b.answered(t, svc, station, nodal, strings.ToUpper(first))
	if _, err := svc.MakeDigests(ctx, cases.DigestDay(time.Now(), cases.DefaultDigestAt)); err != nil {
		t.Fatal(err)
	}
	var newCount, dissatisfied int
	if err := b.pool.QueryRow(ctx, `SELECT new_complaints, dissatisfied_open FROM supervisor_digests
		WHERE district_id = 162 ORDER BY day DESC LIMIT 1`).Scan(&newCount, &dissatisfied); err != nil {
		t.Fatal(err)
	}

	b.login(t, "nodal.lko")
	b.do(t, "open today's digest", click(`a[href="/staff/today"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="digest"]`)),
		waitText(`[data-count="new_complaints"] .stat-value`, strconv.Itoa(newCount)),
		waitText(`[data-count="dissatisfied_open"] .stat-value`, strconv.Itoa(dissatisfied)))
	b.shot(t, "digest-today")
	b.do(t, "follow the dissatisfied count", click(`[data-count="dissatisfied_open"]`),
		waitJS(`location.pathname === '/staff/queue' && location.search === '?dissatisfied=true'`),
		waitJS(`!!document.querySelector('[data-testid="queue"], [data-testid="queue-empty"]')`))

	pair := `[data-testid="near-copies"]`
	b.do(t, "open ATR quality", click(`a[href="/staff/quality"]`), chromedp.WaitVisible(chromedp.CSS(pair)),
		waitJS(fmt.Sprintf(`document.querySelector(%s).textContent.includes(%s) && document.querySelector(%s).textContent.includes(%s)`,
			js(pair), js(pasted), js(pair), js(earlier))),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="too-few"]`)))
	b.shot(t, "atr-quality")
	var hzg int64
	if err := b.pool.QueryRow(ctx, `SELECT id FROM police_stations WHERE code = 'LKO-HAZ'`).Scan(&hzg); err != nil {
		t.Fatal(err)
	}
	figure := fmt.Sprintf(`[data-testid="quality-table"] tr[data-unit="%d"] a[data-figure="near_copy"]`, hzg)
	b.do(t, "open the complaints behind the near-copy figure", click(figure),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="quality-list"] li.overdue a[data-code=%s]`, js(pasted)))))
	b.logout(t)
}

// principal is the seeded account username as the services see it.
func (b *bundle) principal(t *testing.T, username string) auth.Principal {
	t.Helper()
	u, err := auth.NewUserStore(b.pool).ByUsername(context.Background(), username)
	if err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	return u.Principal()
}

// answered files a complaint at Hazratganj whose ATR (text) the station
// submits and the nodal officer publishes; it returns the code.
func (b *bundle) answered(t *testing.T, svc *cases.Service, station, nodal auth.Principal, text string) string {
	t.Helper()
	ctx := context.Background()
	lat, lon := hazratganjLat, hazratganjLon
	f, err := svc.File(ctx, nil, cases.FileInput{Category: "stalking", Description: "he waits outside my college",
		Language: "en", Lat: &lat, Lon: &lon}, cases.English)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.DraftATR(ctx, station, f.ID, cases.ATRInput{Text: text, ActionTaken: "bound over"}, cases.English); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SubmitATR(ctx, station, f.ID, cases.English); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ApproveATR(ctx, nodal, f.ID, cases.English); err != nil {
		t.Fatal(err)
	}
	return string(f.Code)
}
