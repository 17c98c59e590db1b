package api

import "time"

// SetStreamHeartbeat shortens the SSE heartbeat for tests and returns a
// function restoring it.
func SetStreamHeartbeat(d time.Duration) func() {
	old := streamHeartbeat
	streamHeartbeat = d
	return func() { streamHeartbeat = old }
}
