package tiles

import (
	"context"
	"sync"
	"time"
)

// runWatcher knows the newest finished hotspot run, reading it at most once
// per interval: the cache generation of hotspot tiles. Requests in between
// use the value last read, so a new run reaches public tiles within one
// interval of committing.
type runWatcher struct {
	store *TileStore
	every time.Duration

	mu      sync.Mutex
	checked time.Time
	id      int64
}

// latest returns the newest finished hotspot run id. The lock is held across
// the (rare, index-only) read so concurrent requests do not stampede it.
func (w *runWatcher) latest(ctx context.Context) (int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.checked.IsZero() && time.Since(w.checked) < w.every {
		return w.id, nil
	}
	id, err := w.store.LatestHotspotRun(ctx)
	if err != nil {
		return 0, err
	}
	w.id, w.checked = id, time.Now()
	return id, nil
}
