package api

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

const (
	requestIDHeader = "X-Request-ID"
	ctxRequestID    = "vikalp.request_id"
	ctxLogger       = "vikalp.logger"
	ctxPrivate      = "vikalp.private"
)

// requestIDs gives every request an ID (a well-formed incoming one is kept)
// and echoes it in the response.
func requestIDs() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(requestIDHeader)
		if !validRequestID(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set(ctxRequestID, id)
		c.Header(requestIDHeader, id)
		c.Next()
	}
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func requestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

func logger(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(ctxLogger); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

// accessLog logs one line per request: method, route pattern (never the raw
// path, which may carry a complaint code), status and duration. Query strings
// and bodies are never logged.
func accessLog(base *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Set(ctxLogger, base)
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		level := slog.LevelInfo
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
		}
		base.Log(c.Request.Context(), level, "Request served",
			slog.String("request_id", requestID(c)),
			slog.String("method", c.Request.Method),
			slog.String("route", route),
			slog.Int("status", c.Writer.Status()),
			slog.Duration("duration", time.Since(start)))
	}
}

// securityHeaders sets strict defaults on every response. The web app needs
// no third-party origin: scripts, styles, tiles and fonts are all our own.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; "+
			"style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; connect-src 'self'; "+
			"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		c.Next()
	}
}

// privateRoutes answer a person who proves who she is with a secret or a
// password, so their answers are personal even without a principal: her
// complaint code and secret, her tracking page and photos, a login.
var privateRoutes = map[string]bool{
	http.MethodPost + " /api/v1/complaints":              true,
	http.MethodPost + " /api/v1/complaints/track":        true,
	http.MethodPost + " /api/v1/complaints/rate":         true,
	http.MethodPost + " /api/v1/complaints/withdraw":     true,
	http.MethodPost + " /api/v1/complaints/attachments":  true,
	http.MethodPost + " /api/v1/complaints/track/photos": true,
	http.MethodPost + " /api/v1/session":                 true,
	http.MethodPost + " /api/v1/session/totp":            true,
}

// keepPrivate marks the answer to an authenticated request, or to one of
// privateRoutes, as personal, before the handler runs (authenticate calls
// it on every route that can identify a caller): Cache-Control: no-store
// keeps it out of every cache, the browser's included, and Vary: Cookie,
// Authorization keeps a cache that ignores no-store from serving it to
// another caller. Handlers may still tighten it ("private, no-store") but
// never make it shareable (setCacheControl).
func keepPrivate(c *gin.Context) {
	if _, ok := principalOf(c); !ok && !privateRoutes[c.Request.Method+" "+c.FullPath()] {
		return
	}
	c.Set(ctxPrivate, true)
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "Cookie, Authorization")
}

// isPrivate reports whether keepPrivate marked the answer as personal.
func isPrivate(c *gin.Context) bool { return c.GetBool(ctxPrivate) }

// setCacheControl sets the Cache-Control of an answer, except that a
// "public" value never replaces the no-store of a private one: staff
// reading a public district list or tile get it uncached, like everything
// else they read.
func setCacheControl(c *gin.Context, value string) {
	if isPrivate(c) && strings.HasPrefix(value, "public") {
		return
	}
	c.Header("Cache-Control", value)
}

// httpMetrics records request counts and latencies by route pattern.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vikalp_http_requests_total",
			Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vikalp_http_request_duration_seconds",
			Help:    "HTTP request latency by method and route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *httpMetrics) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
		m.duration.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds())
	}
}

// maxBody caps request bodies; multipart upload routes raise it themselves.
func maxBody(limit int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		}
		c.Next()
	}
}
