package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vikalp/vikalp/notify"
)

func TestSignatureVerify(t *testing.T) {
	secret := []byte("whsec_test")
	body := []byte(`{"a":1}`)
	now := time.Unix(1_800_000_000, 0)
	h := notify.Sign(secret, now, body)
	if !strings.HasPrefix(h, "t=1800000000,v1=") {
		t.Fatalf("header %q", h)
	}
	if err := notify.Verify(secret, h, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Errorf("valid signature refused: %v", err)
	}
	for name, err := range map[string]error{
		"Tampered": notify.Verify(secret, h, []byte(`{"a":2}`), now, 5*time.Minute),
		"Replayed": notify.Verify(secret, h, body, now.Add(10*time.Minute), 5*time.Minute),
		"WrongKey": notify.Verify([]byte("other"), h, body, now, 5*time.Minute),
		"Garbage":  notify.Verify(secret, "v1=abc", body, now, 5*time.Minute),
	} {
		if err == nil {
			t.Errorf("%s signature accepted", name)
		}
	}
}
