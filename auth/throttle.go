package auth

import (
	"fmt"
	"sync"
	"time"

	"github.com/vikalp/vikalp"
)

// Throttle counts failures per key (an IP address, a username) in memory and
// refuses a key that has failed Max times within Window of its first
// counted failure. It complements the per-account lockout in the database:
// it stops floods before any password hashing, and it treats unknown
// usernames like known ones. Each replica counts on its own.
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

// Fail counts one failure for key at now.
func (t *Throttle) Fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[key]
	if !ok || now.Sub(e.since) >= t.window {
		if len(t.entries) >= t.maxKeys {
			t.prune(now)
		}
		e = throttleEntry{since: now}
	}
	e.failures++
	t.entries[key] = e
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
