package notify_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/notify"
)

// TestWebhookPolicyStore: nothing is recorded at first; the first record
// wins and a second InsertIfAbsent changes nothing; Put replaces it.
func TestWebhookPolicyStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := notify.NewWebhookPolicyStore(pgtest.New(t))
	if _, err := s.Get(ctx); !errors.Is(err, vikalp.ErrNotFound) {
		t.Fatalf("Get before any record: %v; want ErrNotFound", err)
	}
	first := notify.WebhookPolicy{AllowNets: "10.0.0.0/8", Fingerprint: strings.Repeat("a", 64), RecordedAt: now}
	if ok, err := s.InsertIfAbsent(ctx, first); err != nil || !ok {
		t.Fatalf("first InsertIfAbsent = %v, %v; want true", ok, err)
	}
	second := notify.WebhookPolicy{AllowNets: "192.168.0.0/16", Fingerprint: strings.Repeat("b", 64), RecordedAt: now}
	if ok, err := s.InsertIfAbsent(ctx, second); err != nil || ok {
		t.Fatalf("second InsertIfAbsent = %v, %v; want false", ok, err)
	}
	if got, err := s.Get(ctx); err != nil || got.AllowNets != first.AllowNets || got.Fingerprint != first.Fingerprint {
		t.Errorf("after a second insert: %+v, %v; want the first policy", got, err)
	}
	if err := s.Put(ctx, second); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx); err != nil || got.AllowNets != second.AllowNets || got.Fingerprint != second.Fingerprint {
		t.Errorf("after Put: %+v, %v; want the second policy", got, err)
	}
}
