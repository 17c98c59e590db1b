package pmtiles

import (
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// dirKey names a leaf directory of one version of an archive: after a
// reload the old version's directories are never asked for again and age
// out of the cache.
type dirKey struct {
	version      string
	offset, size uint64
}

// dirCache is an LRU of decompressed leaf directories bounded by their
// size in memory rather than by count: leaves vary from a few entries to
// tens of thousands.
type dirCache struct {
	mu    sync.Mutex
	lru   *simplelru.LRU[dirKey, []entry]
	bytes int64
	max   int64
}

// newDirCache returns a cache holding at most maxBytes of entries.
func newDirCache(maxBytes int64) *dirCache {
	c := &dirCache{max: maxBytes}
	// The count bound is never the one reached: eviction is by bytes, in add.
	c.lru, _ = simplelru.NewLRU(1<<30, func(_ dirKey, v []entry) { c.bytes -= int64(len(v)) * entryBytes })
	return c
}

func (c *dirCache) get(k dirKey) ([]entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Get(k)
}

// add keeps v unless it alone exceeds the budget, evicting the least
// recently used directories to make room.
func (c *dirCache) add(k dirKey, v []entry) {
	size := int64(len(v)) * entryBytes
	if size > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru.Contains(k) {
		return
	}
	c.lru.Add(k, v)
	c.bytes += size
	for c.bytes > c.max {
		c.lru.RemoveOldest()
	}
}
