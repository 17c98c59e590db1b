// Package api is Vikalp's HTTP surface: the Gin router, thin handlers, DTOs
// and the one error→HTTP mapper. It holds no SQL; every handler binds a DTO,
// makes one domain call with the request context, and writes JSON.
//
// api builds no service: New takes every one in Deps, from the one graph
// that app.Build wires (app.Services.APIDeps; tests get the same graph from
// apitest.Deps), and fails when a required one is missing. Only the alert
// services are optional: without them the alert routes are off.
package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vikalp/vikalp/alerts"
	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/jurisdiction"
	"github.com/vikalp/vikalp/leads"
	"github.com/vikalp/vikalp/notify"
	"github.com/vikalp/vikalp/tiles"
)

// Deps are the services the handlers call, all from one graph
// (app.Services.APIDeps, in tests apitest.Deps). The services marked
// required must be set: New refuses to build a router without them and
// never builds one itself. Alerts, AlertHub and Webhooks may be nil, which
// turns their routes off; the settings have defaults.
type Deps struct {
	// Pool answers /readyz; required.
	Pool   *pgxpool.Pool
	Logger *slog.Logger // slog.Default() when nil
	// Registry receives the HTTP metrics; a fresh one is made when nil.
	// The router does not serve it: its per-route counters show when
	// complaints are filed, so cmd/vikalp serves MetricsHandler on a
	// separate, loopback listener (VIKALP_METRICS_ADDR).
	Registry *prometheus.Registry
	// CookieSecure marks session cookies Secure (true behind HTTPS).
	CookieSecure bool
	// Auth logs staff in and authenticates sessions and API tokens;
	// required.
	Auth *auth.Service
	// TrustedProxies are the addresses (or CIDRs) of reverse proxies whose
	// X-Forwarded-For is believed; with none, the peer address is the client.
	// Per-client throttles depend on this being right.
	TrustedProxies []string
	// Jurisdiction lists the districts and police stations; required.
	Jurisdiction *jurisdiction.Service
	// Places describes where alerts, leads and hotspots are (place_dto.go);
	// required.
	Places *jurisdiction.Describer
	// Cases runs the complaint lifecycle; required.
	Cases *cases.Service
	// Ingest takes in hotspot reports and trafficking tips; required.
	Ingest *ingest.Service
	// PublicRate limits anonymous submissions per client address.
	PublicRate RateLimit
	// Tiles renders the vector map tiles (/tiles); required.
	Tiles *tiles.Service
	// Hotspots answers the hotspot map and its exports; required.
	Hotspots *analytics.HotspotService
	// Priority answers the forecast's priority places; required.
	Priority *analytics.PriorityService
	// Alerts runs alert consoles and checks webhook subscriptions' units;
	// AlertHub feeds the live alert streams. Alert routes are off when
	// Alerts is nil.
	Alerts   *alerts.Service
	AlertHub *alerts.Hub
	// Webhooks manages webhook subscriptions and deliveries for admins;
	// the admin webhook routes are off when it (or Alerts) is nil.
	Webhooks *notify.Webhooks
	// Notify is the SMS outbox, listed for admins (with the alert routes);
	// required.
	Notify *notify.Service
	// Leads serves trafficking leads and their workflow; required.
	Leads *leads.Service
	// BasemapPMTiles is the street base map archive served under /basemap
	// (VIKALP_BASEMAP_PMTILES: a file path, an http(s) URL or an s3:// URL);
	// "" serves none and maps draw Vikalp's own base layer.
	BasemapPMTiles string
	// SMSInbound configures the inbound SMS webhook (/api/v1/sms/inbound);
	// without a secret it is not served.
	SMSInbound SMSInbound
}

// missing names the required services d lacks.
func (d Deps) missing() []string {
	var out []string
	for _, dep := range []struct {
		name string
		set  bool
	}{
		{"Pool", d.Pool != nil}, {"Auth", d.Auth != nil}, {"Jurisdiction", d.Jurisdiction != nil},
		{"Places", d.Places != nil}, {"Cases", d.Cases != nil}, {"Ingest", d.Ingest != nil},
		{"Tiles", d.Tiles != nil}, {"Hotspots", d.Hotspots != nil}, {"Priority", d.Priority != nil},
		{"Leads", d.Leads != nil}, {"Notify", d.Notify != nil},
	} {
		if !dep.set {
			out = append(out, dep.name)
		}
	}
	return out
}

// Handler carries the dependencies of every route.
type Handler struct {
	deps Deps
	// trackByAddr and trackByCode count failed code+secret attempts per
	// client address and per complaint code (see throttledComplainant).
	trackByAddr, trackByCode *auth.Throttle
	// publicLimiter rate-limits anonymous submissions; nil when disabled.
	publicLimiter *clientLimiter
	// smsLimiter rate-limits inbound SMS replies per sender hash.
	smsLimiter *clientLimiter
	// basemap serves the street base map archive; nil without one.
	basemap *basemap
	// describing holds a token for each describeAhead lookup in flight.
	describing chan struct{}
}

// New builds the router with middleware and every route. It fails when
// deps lacks a required service.
func New(deps Deps) (*gin.Engine, error) {
	if missing := deps.missing(); len(missing) > 0 {
		return nil, fmt.Errorf("api: Deps without %s (build them with app.Build)", strings.Join(missing, ", "))
	}
	gin.SetMode(gin.ReleaseMode)
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.Registry == nil {
		deps.Registry = NewRegistry()
	}
	h := &Handler{deps: deps, publicLimiter: newClientLimiter(deps.PublicRate),
		trackByAddr: auth.NewThrottle(trackFailures, trackWindow),
		trackByCode: auth.NewThrottle(trackFailures, trackWindow), smsLimiter: newSMSLimiter(deps.SMSInbound),
		describing: make(chan struct{}, maxDescribedAhead)}

	r := gin.New()
	r.ContextWithFallback = true
	if err := r.SetTrustedProxies(deps.TrustedProxies); err != nil {
		deps.Logger.Warn("Ignoring invalid trusted proxies; trusting none", slog.String("error", err.Error()))
		_ = r.SetTrustedProxies(nil)
	}
	r.HandleMethodNotAllowed = true
	r.Use(requestIDs(), accessLog(deps.Logger), recovery(), securityHeaders(),
		newHTTPMetrics(deps.Registry).middleware())
	r.NoRoute(handle(func(*gin.Context) error { return errNoRoute }))
	mountWeb(r) // the browser app for GET paths outside /api/; see web.go
	r.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed,
			errorResponse{Error: "this method is not allowed here", RequestID: requestID(c)})
	})

	r.GET("/healthz", h.healthz)
	r.GET("/readyz", handle(h.readyz))

	v1 := r.Group("/api/v1", maxBody(1<<20), h.authenticate(), requireJSON())
	h.registerRoutes(v1)
	h.registerIntakeRoutes(r)
	h.registerComplaintMediaRoutes(r)
	h.registerSMSRoutes(r)
	h.registerTileRoutes(r)
	h.registerBasemapRoutes(r)
	return r, nil
}

// NewRegistry returns a Prometheus registry with the Go runtime and process
// collectors, for Deps.Registry and MetricsHandler.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// MetricsHandler serves reg in the Prometheus text format. Serve it only to
// the scraper, never on the public listener.
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// registerRoutes wires the versioned JSON API. Each domain adds its routes here.
func (h *Handler) registerRoutes(v1 *gin.RouterGroup) {
	h.registerSessionRoutes(v1)
	h.registerComplaintRoutes(v1)
	h.registerSupervisionRoutes(v1)
	h.registerDistrictRoutes(v1)
	h.registerIngestRoutes(v1)
	h.registerAlertRoutes(v1)
	h.registerHotspotRoutes(v1)
	h.registerPriorityRoutes(v1)
	h.registerLeadRoutes(v1)
	h.registerQualityRoutes(v1)
	h.registerOutreachRoutes(v1)
	h.registerOpenAPIRoutes(v1)
	h.registerReportLifecycleRoutes(v1)
	h.registerFeedRoutes(v1)
}

func (h *Handler) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz reports whether the database answers within a second.
func (h *Handler) readyz(c *gin.Context) error {
	ctx, cancel := context.WithTimeout(c.Request.Context(), time.Second)
	defer cancel()
	if err := h.deps.Pool.Ping(ctx); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "database unavailable"})
		return nil
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
	return nil
}

// recovery turns a panic into a logged 500 without leaking its text.
func recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if p := recover(); p != nil {
				logger(c).ErrorContext(c.Request.Context(), "Handler panicked",
					slog.String("request_id", requestID(c)), slog.Any("panic", p))
				c.AbortWithStatusJSON(http.StatusInternalServerError,
					errorResponse{Error: "internal error", RequestID: requestID(c)})
			}
		}()
		c.Next()
	}
}
