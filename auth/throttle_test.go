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

	t.Run("FailN", func(t *testing.T) {
		t.Parallel()
		th := NewThrottle(10, 15*time.Minute)
		th.Fail("code", now)
		th.FailN("code", now.Add(time.Minute), 8)
		if err := th.Allow("code", now.Add(2*time.Minute)); err != nil {
			t.Fatalf("after 9 counted failures Allow = %v", err)
		}
		th.FailN("code", now.Add(3*time.Minute), 1)
		if err := th.Allow("code", now.Add(3*time.Minute)); !errors.Is(err, vikalp.ErrTooManyRequests) {
			t.Fatalf("after 10 counted failures Allow = %v, want ErrTooManyRequests", err)
		}
	})

	// Take counts before the check, so concurrent attempts cannot all pass
	// Allow before the first one fails; Refund gives a success back.
	t.Run("TakeAndRefund", func(t *testing.T) {
		t.Parallel()
		th := NewThrottle(3, 15*time.Minute)
		for i := range 3 {
			if err := th.Take("ip:1", now); err != nil {
				t.Fatalf("take %d: %v", i+1, err)
			}
		}
		if err := th.Take("ip:1", now); !errors.Is(err, vikalp.ErrTooManyRequests) {
			t.Fatalf("fourth take = %v, want ErrTooManyRequests", err)
		}
		th.Refund("ip:1", now)
		if err := th.Take("ip:1", now); err != nil {
			t.Fatalf("take after a refund: %v", err)
		}
		if err := th.TakeUnder("ip:2", now, 1); err != nil {
			t.Fatal(err)
		}
		if err := th.TakeUnder("ip:2", now, 1); !errors.Is(err, vikalp.ErrTooManyRequests) {
			t.Fatalf("second TakeUnder(1) = %v, want ErrTooManyRequests", err)
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
