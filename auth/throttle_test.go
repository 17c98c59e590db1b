package auth

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
)

func TestThrottle(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)

	t.Run("BlocksAtMaxThenForgets", func(t *testing.T) {
		t.Parallel()
		th := NewThrottle(3, 15*time.Minute)
		for i := range 3 {
			if err := th.Allow("ip:1", now); err != nil {
				t.Fatalf("attempt %d refused: %v", i, err)
			}
			th.Fail("ip:1", now.Add(time.Duration(i)*time.Minute))
		}
		if err := th.Allow("ip:1", now.Add(5*time.Minute)); !errors.Is(err, vikalp.ErrTooManyRequests) {
			t.Fatalf("after 3 failures Allow = %v, want ErrTooManyRequests", err)
		}
		if err := th.Allow("ip:2", now); err != nil {
			t.Fatalf("another key refused: %v", err)
		}
		if err := th.Allow("ip:1", now.Add(15*time.Minute)); err != nil {
			t.Fatalf("after the window Allow = %v", err)
		}
	})

	t.Run("Reset", func(t *testing.T) {
		t.Parallel()
		th := NewThrottle(1, time.Minute)
		th.Fail("u", now)
		th.Reset("u")
		if err := th.Allow("u", now); err != nil {
			t.Fatalf("after Reset Allow = %v", err)
		}
	})

	t.Run("BoundedMemory", func(t *testing.T) {
		t.Parallel()
		th := NewThrottle(1, time.Minute)
		th.maxKeys = 10
		for i := range 25 {
			th.Fail(fmt.Sprint("ip:", i), now)
		}
		if len(th.entries) > 10 {
			t.Fatalf("throttle holds %d keys, cap 10", len(th.entries))
		}
	})
}
