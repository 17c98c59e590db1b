// Package clock gives services an injectable notion of "now" so tests can
// drive deadlines (SLA ladders, duplicate windows) without sleeping.
package clock

import "time"

// Clock tells the time. Tests pass a controllable one.
type Clock interface{ Now() time.Time }

// System is the wall clock.
type System struct{}

// Now implements Clock.
func (System) Now() time.Time { return time.Now() }
