package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/testkit"
)

// TestReportLifecycleBrowser: a moderator records that the police took
// action on an approved hotspot report from its moderation page; once it is
// closed, the reporter, with her code and secret, sees its state and
// history in Hindi and in English and adds an update.
func TestReportLifecycleBrowser(t *testing.T) {
	b, srv := setupServer(t)
	ctx := context.Background()
	lat, lon := testkit.Lucknow[0], testkit.Lucknow[1]
	rec, err := srv.Ingest.SubmitReport(ctx, ingest.NewReport{Category: "poorly_lit_area", Lat: &lat, Lon: &lon,
		WithoutPhotos: true})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := b.pool.QueryRow(ctx, `SELECT id FROM reports WHERE code = $1`, rec.Code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	mod := testkit.User(ctx, t, b.pool, auth.RoleModerator, auth.StateScope)
	if err := srv.Ingest.ApproveReport(ctx, mod, id); err != nil {
		t.Fatal(err)
	}

	t.Run("ModeratorRecordsActionTaken", func(t *testing.T) {
		b.login(t, "moderator.up")
		b.setLang(t, "en")
		b.do(t, "open the approved report", chromedp.Navigate(fmt.Sprintf("%s/staff/moderation/%d", b.server.URL, id)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="mod-outcome"]`)),
			waitJS(`document.querySelectorAll('#outcome-reason option').length > 3`))
		b.do(t, "outcome needs a reason", click(`input[name="outcome"][value="action_taken"]`),
			click(`[data-testid="mod-outcome-save"]`), chromedp.WaitVisible(chromedp.CSS(`[data-field-error="outcome"]`)))
		b.do(t, "record action taken", choose(`#outcome-reason`, "patrolling_increased"),
			typeInto(`#outcome-note`, "beat constable posted from 6 pm"),
			click(`[data-testid="mod-outcome-save"]`), waitText(`[data-testid="mod-outcome"]`, rec.Code))
		var outcome string
		if err := b.pool.QueryRow(ctx, `SELECT COALESCE(outcome, '') FROM reports WHERE id = $1`, id).Scan(&outcome); err != nil ||
			outcome != ingest.OutcomeActionTaken {
			t.Fatalf("outcome %q (%v), want action_taken", outcome, err)
		}
		b.shot(t, "60-moderation-outcome")
		b.logout(t)
	})
	if err := srv.Ingest.SetOutcome(ctx, mod, id, ingest.OutcomeClosed, "lighting_repaired", "pole 7 fixed"); err != nil {
		t.Fatal(err)
	}

	t.Run("SheFollowsInHindiAndEnglishAndAddsAnUpdate", func(t *testing.T) {
		b.do(t, "open tracking", chromedp.Navigate(b.server.URL+"/report/track"),
			chromedp.WaitVisible(chromedp.CSS(`#report-code`)))
		b.setLang(t, "hi")
		b.do(t, "code and secret", typeInto(`#report-code`, rec.Code), typeInto(`#report-secret`, rec.Secret),
			click(`[data-testid="report-track-submit"]`),
			waitJS(`document.querySelector('[data-testid="report-history"]')?.dataset.state === 'closed'`),
			waitText(`[data-testid="report-state"]`, "बंद"),
			waitText(`[data-testid="report-timeline"]`, "रोशनी की व्यवस्था ठीक की गई"),
			waitText(`[data-testid="report-timeline"]`, "पुलिस ने कार्रवाई की"))
		b.noEnglish(t, "report history")
		if eval[bool](t, b, `document.body.textContent.includes('pole 7') || document.body.textContent.includes('constable')`) {
			t.Error("a staff note is on her page")
		}
		b.shot(t, "61-report-history-hi")
		b.do(t, "an empty update is refused", click(`[data-testid="report-update-submit"]`),
			chromedp.WaitVisible(chromedp.CSS(`[data-field-error="report-update-text"]`)))
		b.do(t, "add an update", typeInto(`#report-update-text`, "लाइट फिर से खराब हो गई है"),
			click(`[data-testid="report-update-submit"]`),
			waitText(`[data-testid="report-updates"]`, "लाइट फिर से खराब"))
		var n int
		if err := b.pool.QueryRow(ctx, `SELECT count(*) FROM report_updates WHERE report_id = $1`, id).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d updates stored (%v), want 1", n, err)
		}
		b.setLang(t, "en")
		b.do(t, "the same page in English", waitText(`[data-testid="report-state"]`, "Closed"),
			waitText(`[data-testid="report-timeline"]`, "Lighting repaired"))
		b.shot(t, "62-report-history-en")
	})
	b.noConsoleErrors(t)
}
