package auth

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vikalp/vikalp"
)

// TestStaffAccountLockoutByStranger is the regression test of the "staff
// account lockout by anyone" finding (hardening round 2): five wrong
// passwords for a known username locked the account for 15 minutes,
// repeatably. Now a guesser is refused only at his own address, and the
// ceiling across addresses slows a spread-out guesser without locking the
// owner out.
func TestStaffAccountLockoutByStranger(t *testing.T) {
	t.Parallel()

	t.Run("StrangerLocksOnlyHimself", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		testUser(t, b, nil)
		stranger := "203.0.113.66"
		for range 30 { // he keeps at it, well past five
			b.clock.Advance(time.Second)
			_, _, _ = b.svc.Login(b.ctx, "officer", "wrong password", stranger, "")
		}
		// Even the right password is refused at his address: no guessing there.
		if _, _, err := b.svc.Login(b.ctx, "officer", testPassword, stranger, ""); !errors.Is(err, vikalp.ErrTooManyRequests) {
			t.Fatalf("right password from the guessing address = %v, want ErrTooManyRequests", err)
		}
		if _, _, err := b.svc.Login(b.ctx, "officer", testPassword, testIP, ""); err != nil {
			t.Fatalf("the officer from her own address: %v", err)
		}
	})

	// Concurrent guesses cannot all slip past the pair's limit before the
	// first of them fails.
	t.Run("ConcurrentGuessesStayWithinThePair", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		testUser(t, b, nil)
		var checked atomic.Int32
		var wg sync.WaitGroup
		for range 30 {
			wg.Go(func() {
				_, _, err := b.svc.Login(b.ctx, "officer", "wrong password", "203.0.113.77", "")
				if errors.Is(err, vikalp.ErrUnauthorized) {
					checked.Add(1)
				}
			})
		}
		wg.Wait()
		if n := int(checked.Load()); n > b.svc.cfg.PairFailures {
			t.Fatalf("%d of 30 concurrent guesses were checked, want at most %d", n, b.svc.cfg.PairFailures)
		}
	})

	for _, username := range []string{"officer", "ghost"} { // known and unknown alike
		t.Run("CeilingSlowsSpreadGuessing/"+username, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			u := testUser(t, b, nil)
			ceiling := b.svc.cfg.Lockout.MaxFailures
			for i := range ceiling {
				b.clock.Advance(time.Second)
				ip := fmt.Sprintf("203.0.113.%d", i+1)
				if _, _, err := b.svc.Login(b.ctx, username, "wrong password", ip, ""); !errors.Is(err, vikalp.ErrUnauthorized) {
					t.Fatalf("guess %d from %s = %v, want ErrUnauthorized", i+1, ip, err)
				}
			}
			if stored, _ := b.svc.users.ByID(b.ctx, u.ID); username == "officer" && !stored.Guarded(b.clock.Now()) {
				t.Fatalf("after %d failures the account is not guarded: %+v", ceiling, stored)
			}
			// Below the ceiling each address had five guesses; now one.
			if _, _, err := b.svc.Login(b.ctx, username, "wrong password", "203.0.113.1", ""); !errors.Is(err, vikalp.ErrTooManyRequests) {
				t.Fatalf("second guess from a guessing address = %v, want ErrTooManyRequests", err)
			}
			fresh := "198.51.100.200"
			if _, _, err := b.svc.Login(b.ctx, username, "wrong password", fresh, ""); !errors.Is(err, vikalp.ErrUnauthorized) {
				t.Fatalf("first guess from a new address = %v, want ErrUnauthorized", err)
			}
			if _, _, err := b.svc.Login(b.ctx, username, "wrong password", fresh, ""); !errors.Is(err, vikalp.ErrTooManyRequests) {
				t.Fatalf("second guess from the new address = %v, want ErrTooManyRequests", err)
			}
			if username != "officer" {
				return
			}
			// The owner, from an address without failures, still logs in.
			if _, _, err := b.svc.Login(b.ctx, "officer", testPassword, testIP, ""); err != nil {
				t.Fatalf("the officer from her own address while guarded: %v", err)
			}
		})
	}
}
