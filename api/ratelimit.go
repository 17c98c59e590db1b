package api

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"

	"github.com/vikalp/vikalp"
)

// RateLimit caps public submissions (complaints, reports, tips, Open311
// requests) per client address with a token bucket. Staff callers (a
// session or API token) are not limited here. Each replica counts on its
// own, so the effective limit behind N replicas is up to N times this.
// Mobile carriers put many phones behind one address (CGNAT), so the
// default is generous: it stops floods, not a busy neighbourhood.
type RateLimit struct {
	// PerMinute is the sustained rate; 0 means 30, negative disables limits
	// (load tests from one address).
	PerMinute float64
	// Burst is how many may come at once; 0 means 20.
	Burst int
}

// maxLimitedClients bounds the limiter's memory: the least recently seen
// addresses are forgotten first (they start again with a full bucket).
const maxLimitedClients = 100_000

// clientLimiter holds a token bucket per client address.
type clientLimiter struct {
	limit   rate.Limit
	burst   int
	buckets *lru.Cache[string, *rate.Limiter]
}

// newClientLimiter returns nil when cfg disables limiting.
func newClientLimiter(cfg RateLimit) *clientLimiter {
	if cfg.PerMinute < 0 {
		return nil
	}
	if cfg.PerMinute == 0 {
		cfg.PerMinute = 30
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 20
	}
	buckets, _ := lru.New[string, *rate.Limiter](maxLimitedClients) // fails only for a size ≤ 0
	return &clientLimiter{limit: rate.Limit(cfg.PerMinute / 60), burst: cfg.Burst, buckets: buckets}
}

// reserve takes a token for key at now; when none is left it returns how
// long until one is, without taking it.
func (l *clientLimiter) reserve(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	b, found := l.buckets.Get(key)
	if !found {
		b = rate.NewLimiter(l.limit, l.burst)
		if prev, loaded, _ := l.buckets.PeekOrAdd(key, b); loaded {
			b = prev
		}
	}
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// errRateLimited is what a limited client sees.
var errRateLimited = &vikalp.UserError{Kind: vikalp.ErrTooManyRequests, Code: "rate_limited",
	Message: "too many submissions from your network; please wait a little and try again"}

// limitPublic refuses anonymous callers over the limit with 429 and a
// Retry-After header. Authenticated staff pass.
func (h *Handler) limitPublic() gin.HandlerFunc {
	return func(c *gin.Context) {
		if h.publicLimiter == nil {
			return
		}
		if _, staff := principalOf(c); staff {
			return
		}
		if ok, wait := h.publicLimiter.reserve(c.ClientIP(), time.Now()); !ok {
			c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			writeError(c, fmt.Errorf("public submission: %w", errRateLimited))
		}
	}
}
