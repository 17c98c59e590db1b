package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"gocloud.dev/blob/memblob"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/notify"
	"github.com/vikalp/vikalp/testkit"
)

// TestKeysRotate seals values of every kind under key A (apitest's "test"
// key), rotates to key B, and opens every value with a keyring holding B
// alone.
func TestKeysRotate(t *testing.T) {
	ctx := context.Background()
	keyA := "test:" + strings.Repeat("ab", 32)
	keyB := "b:" + strings.Repeat("cd", 32)
	srv := apitest.Start(t, "rotate-password-1", func(*jurisdiction.Service) []auth.DemoUser {
		return []auth.DemoUser{{Username: "admin", Role: auth.RoleAdmin, Scope: auth.StateScope}}
	})
	ringA := mustKeyring(t, keyA)
	ringBA := mustKeyring(t, keyB+","+keyA)
	ringB := mustKeyring(t, keyB)

	// Under A: a complaint with a phone (contact, replay secret, SMS to her),
	// a tip with contact and photo, a report's secret, a webhook secret
	// (admin's TOTP is seeded).
	body := `{"category":"stalking","description":"someone follows me","language":"en","district_id":162,"contact":{"phone":"9123456780"}}`
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/complaints", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "rotate-test-key-0001")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("file complaint: %d %s", resp.StatusCode, data)
	}
	jobs, err := river.NewClient(riverpgxv5.New(srv.Pool), &river.Config{}) // insert-only
	if err != nil {
		t.Fatal(err)
	}
	bucket := memblob.OpenBucket(nil)
	t.Cleanup(func() { _ = bucket.Close() })
	ingestA, err := ingest.NewService(srv.Pool, ingest.Deps{Bucket: bucket, Keyring: ringA, Jobs: jobs})
	if err != nil {
		t.Fatal(err)
	}
	lat, lon := testkit.Lucknow[0], testkit.Lucknow[1]
	if _, err := ingestA.SubmitTip(ctx, ingest.NewTip{Text: "a girl was taken away in a white van",
		Places: []ingest.TipPlace{{Lat: lat, Lon: lon}}, Contact: &ingest.TipContact{Phone: "9123456781"},
		ConsentContact: true, Photos: [][]byte{ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 160, Height: 120})}}); err != nil {
		t.Fatal(err)
	}
	// A hotspot report: its reporter's secret is sealed for replays, her
	// phone for notifications; approving it queues one (sealed) SMS to her.
	rec, err := ingestA.SubmitReport(ctx, ingest.NewReport{Category: "stalking", Lat: &lat, Lon: &lon,
		WithoutPhotos: true, Phone: "9123456782"})
	if err != nil {
		t.Fatal(err)
	}
	var reportID int64
	if err := srv.Pool.QueryRow(ctx, `SELECT id FROM reports WHERE code = $1`, rec.Code).Scan(&reportID); err != nil {
		t.Fatal(err)
	}
	if err := ingestA.ApproveReport(ctx, auth.Principal{UserID: 1, Role: auth.RoleModerator, Scope: auth.StateScope},
		reportID); err != nil {
		t.Fatal(err)
	}
	hooksA := notify.NewWebhooks(srv.Pool, notify.WebhookDeps{Jobs: jobs, Keyring: ringA,
		Renderer: alerts.NewWebhookRenderer(srv.Pool)})
	alertsA, err := alerts.NewService(srv.Pool, alerts.Deps{Jobs: jobs, Webhooks: hooksA})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := alertsA.CreateSubscription(ctx, auth.Principal{UserID: 1, Role: auth.RoleAdmin},
		alerts.NewSubscription{Unit: alerts.Unit{Kind: alerts.UnitMSP}, URL: "https://cad.example.org/hook"}); err != nil {
		t.Fatal(err)
	}

	ingestBA, err := ingest.NewService(srv.Pool, ingest.Deps{Bucket: bucket, Keyring: ringBA, Jobs: jobs})
	if err != nil {
		t.Fatal(err)
	}
	tables := func() []auth.ResealTable {
		ts := append(auth.ResealTables(srv.Pool), cases.ResealTables(srv.Pool)...)
		ts = append(ts, notify.ResealTables(srv.Pool)...)
		return append(ts, ingestBA.ResealTables()...)
	}
	var out strings.Builder
	stats, err := rotateKeys(ctx, srv.Pool, ringBA, tables(), 2, &out)
	if err != nil {
		t.Fatalf("rotate: %v\n%s", err, out.String())
	}
	for _, st := range stats {
		if st.Name != "users.totp_pending" && st.Resealed == 0 {
			t.Errorf("%s: nothing re-encrypted (%+v)", st.Name, st)
		}
	}
	if again, err := rotateKeys(ctx, srv.Pool, ringBA, tables(), 2, io.Discard); err != nil {
		t.Fatal(err)
	} else {
		for _, st := range again {
			if st.Resealed != 0 {
				t.Errorf("rerun re-encrypted %d values of %s again", st.Resealed, st.Name)
			}
		}
	}

	// Every value now opens with B alone.
	for _, tb := range tables() {
		vals, err := tb.List(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if _, err := ringB.Open(v.Sealed, v.AAD); err != nil {
				t.Errorf("%s row %d does not open with key b alone: %v", tb.Name, v.ID, err)
			}
		}
	}
	var prefix, keyID string
	if err := srv.Pool.QueryRow(ctx, `SELECT blob_prefix, sealed_key_id FROM media`).Scan(&prefix, &keyID); err != nil {
		t.Fatal(err)
	}
	sealed, err := bucket.ReadAll(ctx, prefix+"/original.sealed")
	if err != nil || keyID != "b" {
		t.Fatalf("media original: key %q, %v", keyID, err)
	}
	if _, err := ringB.Open(sealed, []byte("media.original:"+prefix)); err != nil {
		t.Fatalf("the sealed original does not open with key b alone: %v", err)
	}
	var audited int
	if err := srv.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'keys.rotated'`).Scan(&audited); err != nil || audited != 2 {
		t.Fatalf("keys.rotated audited %d times, %v", audited, err)
	}
}

func mustKeyring(t *testing.T, s string) *auth.Keyring {
	t.Helper()
	k, err := auth.ParseKeyring(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
