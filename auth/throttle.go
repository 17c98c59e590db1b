package auth

import (
	"fmt"
	"sync"
	"time"

	"github.com/vikalp/vikalp"
)

// Throttle counts failures per key (an IP address, a username and address
// pair, a complaint code) in memory and refuses a key that has failed Max
// times within Window of its first counted failure. It complements the
// per-account failure ceiling in the database: it stops floods before any
// password hashing, and it treats unknown usernames like known ones. Each
// replica counts on its own.
type Throttle struct {
	max     int
	window  time.Duration
	maxKeys int

	mu      sync.Mutex
	entries map[string]throttleEntry
}

type throttleEntry struct {
	failures int
	since    time.Time // time of the first failure counted
}

// NewThrottle returns a Throttle allowing max failures per key within window.
func NewThrottle(max int, window time.Duration) *Throttle {
	return &Throttle{max: max, window: window, maxKeys: 100_000, entries: map[string]throttleEntry{}}
}

// errThrottled is what every throttled login sees, whichever limit hit.
var errThrottled = &vikalp.UserError{Kind: vikalp.ErrTooManyRequests, Code: "login_throttled",
	Message: "too many failed login attempts; please try again later"}

// Allow returns an ErrTooManyRequests when key has used up its failures at
// now, and nil otherwise.
func (t *Throttle) Allow(key string, now time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[key]
	if !ok {
		return nil
	}
	if now.Sub(e.since) >= t.window {
		delete(t.entries, key)
		return nil
	}
	if e.failures >= t.max {
		return fmt.Errorf("throttle: %w", errThrottled)
	}
	return nil
}

// Take is Allow and Fail in one step, for a caller about to check
// something (a password, a code, a secret): it counts one failure for key at
// now in advance, or returns an ErrTooManyRequests without counting when key
// has used up its failures. Concurrent attempts therefore cannot all pass
// before the first of them fails. The caller gives the failure back with
// Refund when the attempt succeeded.
func (t *Throttle) Take(key string, now time.Time) error { return t.TakeUnder(key, now, t.max) }

// TakeUnder is Take with a tighter limit: it refuses key once it has limit
// failures (or Max, if that is lower).
func (t *Throttle) TakeUnder(key string, now time.Time, limit int) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.current(key, now)
	if e.failures >= min(limit, t.max) {
		return fmt.Errorf("throttle: %w", errThrottled)
	}
	e.failures++
	t.entries[key] = e
	return nil
}

// Refund gives back one failure that Take counted for key, for an attempt
// that turned out to succeed.
func (t *Throttle) Refund(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.entries[key]; ok && e.failures > 0 && now.Sub(e.since) < t.window {
		e.failures--
		t.entries[key] = e
	}
}

// Fail counts one failure for key at now.
func (t *Throttle) Fail(key string, now time.Time) { t.FailN(key, now, 1) }

// FailN counts n failures for key at now: a failure that should cost more
// of the key's budget than one.
func (t *Throttle) FailN(key string, now time.Time, n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.current(key, now)
	e.failures += n
	t.entries[key] = e
}

// current returns key's entry, or a fresh one when it has none or its
// window has passed (pruning expired keys when the table is full). The
// caller holds t.mu and stores the entry back.
func (t *Throttle) current(key string, now time.Time) throttleEntry {
	e, ok := t.entries[key]
	if !ok || now.Sub(e.since) >= t.window {
		if len(t.entries) >= t.maxKeys {
			t.prune(now)
		}
		e = throttleEntry{since: now}
	}
	return e
}

// Reset forgets key's failures (after a successful login).
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.entries, key)
}

// prune drops expired entries; if the map is still full (a flood from many
// addresses), it starts over rather than grow without bound. Callers hold mu.
func (t *Throttle) prune(now time.Time) {
	for k, e := range t.entries {
		if now.Sub(e.since) >= t.window {
			delete(t.entries, k)
		}
	}
	if len(t.entries) >= t.maxKeys {
		clear(t.entries)
	}
}
