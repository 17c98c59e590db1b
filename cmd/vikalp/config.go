package main

import (
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/internal/netguard"
)

// Config is every setting Vikalp reads, parsed and validated once from the
// environment. No other package reads the environment.
type Config struct {
	DatabaseURL string // DATABASE_URL (or VIKALP_DATABASE_URL)
	// ReadDatabaseURL (VIKALP_READ_DATABASE_URL) is a streaming replica of
	// DatabaseURL for tile, hotspot and lead-list reads; empty: the primary.
	ReadDatabaseURL string
	// PprofAddr (VIKALP_PPROF_ADDR, e.g. 127.0.0.1:6060) serves
	// net/http/pprof for profiling; empty (default) serves nothing.
	PprofAddr string
	// MetricsAddr (VIKALP_METRICS_ADDR, default 127.0.0.1:9464) serves
	// Prometheus /metrics on a listener of its own, never on Addr: the
	// per-route counters show when complaints are filed. Set empty or
	// "off" to serve no metrics.
	MetricsAddr   string
	Addr          string        // VIKALP_ADDR, default ":8080"
	Env           string        // VIKALP_ENV: "development" (default) or "production"
	LogLevel      string        // VIKALP_LOG_LEVEL: debug, info (default), warn, error
	DataKeys      string        // VIKALP_DATA_KEY(_FILE): "id:base64key[,id:base64key…]", first is current
	DistrictsFile string        // VIKALP_DISTRICTS_FILE, default ../shared/data/up-districts.geojson
	TransitFile   string        // VIKALP_TRANSIT_FILE, default ../shared/data/up-railway-stations.geojson
	BorderFile    string        // VIKALP_BORDER_FILE, default ../shared/data/up-nepal-border.geojson
	CookieSecure  bool          // VIKALP_COOKIE_SECURE, default true in production
	SessionTTL    time.Duration // VIKALP_SESSION_TTL, default 12h
	MaxDBConns    int32         // VIKALP_DB_MAX_CONNS, default 20
	MediaURL      string        // VIKALP_MEDIA_URL, default file://./var/media
	// BasemapPMTiles (VIKALP_BASEMAP_PMTILES) is the street base map: a
	// PMTiles archive as a file path, an http(s) URL or an s3:// URL, served
	// under /basemap; empty (the default) draws Vikalp's own base layer.
	BasemapPMTiles string
	// TrustedProxies (VIKALP_TRUSTED_PROXIES, comma-separated IPs/CIDRs) may
	// set X-Forwarded-For; default none.
	TrustedProxies []string
	// AnalyticsInterval (VIKALP_ANALYTICS_INTERVAL, default 15m) is how often
	// the periodic hotspot analysis runs; HotspotMinReports
	// (VIKALP_HOTSPOT_MIN_REPORTS, default 3) is the k public hotspot cells need.
	AnalyticsInterval time.Duration
	HotspotMinReports int
	// WorkerMemoryLimitMB (VIKALP_WORKER_MEMORY_LIMIT_MB, MiB, default 230;
	// "off": 0, none) is the Go soft memory limit of `vikalp work` and `vikalp
	// analyze`, the processes that run the analysis: the collector works
	// harder near it instead of letting the heap grow to twice the live
	// data. Sized for about a million reports in the analysis window
	// (docs/OPERATIONS.md, "Processes and memory"); GOMEMLIMIT, when set,
	// wins.
	WorkerMemoryLimitMB int
	// PCRAckTimeout (VIKALP_ALERT_PCR_ACK_TIMEOUT, default 10m) and
	// AHTUAckTimeout (VIKALP_ALERT_AHTU_ACK_TIMEOUT, default 60m) are how long
	// a unit has to acknowledge an alert before it escalates.
	PCRAckTimeout  time.Duration
	AHTUAckTimeout time.Duration
	// WebhookAllowNets (VIKALP_WEBHOOK_ALLOW_NETS, comma-separated networks
	// or addresses, default none) are the internal networks webhook
	// receivers may be on; every other loopback, private or link-local
	// address is refused.
	WebhookAllowNets []netip.Prefix
	// SMSURL (VIKALP_SMS_URL) selects the HTTP SMS gateway; empty keeps
	// messages in the outbox only. SMSAuthHeader (VIKALP_SMS_AUTH_HEADER(_FILE),
	// "Name: value"), SMSBodyTemplate (VIKALP_SMS_BODY_TEMPLATE, a Go
	// text/template over To, Recipient, Template, Body, Ref with a json
	// function) and SMSContentType (VIKALP_SMS_CONTENT_TYPE) shape requests.
	SMSURL          string
	SMSAuthHeader   string
	SMSBodyTemplate string
	SMSContentType  string
	// SMSInboundSecret (VIKALP_SMS_INBOUND_SECRET(_FILE)) is shared with the
	// SMS gateway that posts received messages to /api/v1/sms/inbound;
	// empty (the default) leaves that webhook unserved. At least 16
	// characters (docs/SMS.md).
	SMSInboundSecret string
	// PublicRatePerMinute (VIKALP_PUBLIC_RATE, default 30; "off" disables)
	// and PublicBurst (VIKALP_PUBLIC_BURST, default 20) limit anonymous
	// submissions per client address.
	PublicRatePerMinute float64
	PublicBurst         int
	// JobTimeout (VIKALP_JOB_TIMEOUT, default 2m) cancels a background job
	// that runs longer (workers may set their own). JobRescueAfter
	// (VIKALP_JOB_RESCUE_AFTER, default 5m, at least JobTimeout) is when a
	// job still "running" on a worker that died (SIGKILL, OOM, lost machine)
	// is handed to another worker; River's own default is an hour.
	JobTimeout     time.Duration
	JobRescueAfter time.Duration
	// RetentionRejected (VIKALP_RETENTION_REJECTED, default 90d) is how long
	// a rejected public report is kept after moderation; RetentionOriginals
	// (VIKALP_RETENTION_ORIGINALS, default 1095d) is the legal hold on sealed
	// photo originals. Both take days ("90d") or a Go duration ("2160h").
	RetentionRejected  time.Duration
	RetentionOriginals time.Duration
	// DigestAt (VIKALP_DIGEST_AT, "HH:MM" in IST, default 08:00) is when
	// the supervisors' daily digest is made and sent, as a time of day.
	DigestAt time.Duration
}

// devDataKey is the fixed development key used only when VIKALP_ENV is not
// production and no key is configured, so `make run` works out of the box.
const devDataKey = "dev:ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZCE="

// LoadConfig reads and validates the environment.
func LoadConfig() (Config, error) {
	c := Config{
		DatabaseURL:     firstNonEmpty(os.Getenv("VIKALP_DATABASE_URL"), os.Getenv("DATABASE_URL")),
		ReadDatabaseURL: os.Getenv("VIKALP_READ_DATABASE_URL"),
		PprofAddr:       os.Getenv("VIKALP_PPROF_ADDR"),
		MetricsAddr:     metricsAddr(),
		Addr:            envOr("VIKALP_ADDR", ":8080"),
		Env:             envOr("VIKALP_ENV", "development"),
		LogLevel:        envOr("VIKALP_LOG_LEVEL", "info"),
		DistrictsFile:   envOr("VIKALP_DISTRICTS_FILE", "../shared/data/up-districts.geojson"),
		TransitFile:     envOr("VIKALP_TRANSIT_FILE", "../shared/data/up-railway-stations.geojson"),
		BorderFile:      envOr("VIKALP_BORDER_FILE", "../shared/data/up-nepal-border.geojson"),
		MediaURL:        envOr("VIKALP_MEDIA_URL", "file://./var/media"),
		BasemapPMTiles:  os.Getenv("VIKALP_BASEMAP_PMTILES"),
	}
	if c.Env != "development" && c.Env != "production" {
		return c, fmt.Errorf("VIKALP_ENV must be development or production, not %q", c.Env)
	}
	var err error
	if c.DataKeys, err = secret("VIKALP_DATA_KEY"); err != nil {
		return c, err
	}
	if c.DataKeys == "" {
		if c.Production() {
			return c, fmt.Errorf("VIKALP_DATA_KEY (or VIKALP_DATA_KEY_FILE) is required in production")
		}
		c.DataKeys = devDataKey
	}
	if c.CookieSecure, err = envBool("VIKALP_COOKIE_SECURE", c.Production()); err != nil {
		return c, err
	}
	if c.SessionTTL, err = envDuration("VIKALP_SESSION_TTL", 12*time.Hour); err != nil {
		return c, err
	}
	if v := os.Getenv("VIKALP_TRUSTED_PROXIES"); v != "" {
		for _, p := range strings.Split(v, ",") {
			c.TrustedProxies = append(c.TrustedProxies, strings.TrimSpace(p))
		}
	}
	if c.PublicRatePerMinute, err = envRate("VIKALP_PUBLIC_RATE", 30); err != nil {
		return c, err
	}
	if c.PublicBurst, err = envInt("VIKALP_PUBLIC_BURST", 20); err != nil {
		return c, err
	}
	if c.AnalyticsInterval, err = envDuration("VIKALP_ANALYTICS_INTERVAL", 15*time.Minute); err != nil {
		return c, err
	}
	if c.HotspotMinReports, err = envInt("VIKALP_HOTSPOT_MIN_REPORTS", 3); err != nil {
		return c, err
	}
	if !strings.EqualFold(strings.TrimSpace(os.Getenv("VIKALP_WORKER_MEMORY_LIMIT_MB")), "off") {
		if c.WorkerMemoryLimitMB, err = envInt("VIKALP_WORKER_MEMORY_LIMIT_MB", 230); err != nil {
			return c, err
		}
	}
	if c.PCRAckTimeout, err = envDuration("VIKALP_ALERT_PCR_ACK_TIMEOUT", 10*time.Minute); err != nil {
		return c, err
	}
	if c.AHTUAckTimeout, err = envDuration("VIKALP_ALERT_AHTU_ACK_TIMEOUT", 60*time.Minute); err != nil {
		return c, err
	}
	if c.WebhookAllowNets, err = netguard.ParseAllow(os.Getenv("VIKALP_WEBHOOK_ALLOW_NETS")); err != nil {
		return c, fmt.Errorf("VIKALP_WEBHOOK_ALLOW_NETS: %w", err)
	}
	c.SMSURL = os.Getenv("VIKALP_SMS_URL")
	c.SMSBodyTemplate = os.Getenv("VIKALP_SMS_BODY_TEMPLATE")
	c.SMSContentType = os.Getenv("VIKALP_SMS_CONTENT_TYPE")
	if c.SMSAuthHeader, err = secret("VIKALP_SMS_AUTH_HEADER"); err != nil {
		return c, err
	}
	if c.SMSInboundSecret, err = secret("VIKALP_SMS_INBOUND_SECRET"); err != nil {
		return c, err
	}
	if n := len(c.SMSInboundSecret); n > 0 && n < 16 {
		return c, fmt.Errorf("VIKALP_SMS_INBOUND_SECRET must be at least 16 characters")
	}
	if c.JobTimeout, err = envDuration("VIKALP_JOB_TIMEOUT", 2*time.Minute); err != nil {
		return c, err
	}
	if c.JobRescueAfter, err = envDuration("VIKALP_JOB_RESCUE_AFTER", max(5*time.Minute, c.JobTimeout)); err != nil {
		return c, err
	}
	if c.JobRescueAfter < c.JobTimeout {
		return c, fmt.Errorf("VIKALP_JOB_RESCUE_AFTER (%v) must be at least VIKALP_JOB_TIMEOUT (%v)", c.JobRescueAfter, c.JobTimeout)
	}
	if c.RetentionRejected, err = envRetention("VIKALP_RETENTION_REJECTED", 90); err != nil {
		return c, err
	}
	if c.RetentionOriginals, err = envRetention("VIKALP_RETENTION_ORIGINALS", 3*365); err != nil {
		return c, err
	}
	if c.DigestAt, err = envTimeOfDay("VIKALP_DIGEST_AT", cases.DefaultDigestAt); err != nil {
		return c, err
	}
	conns, err := envInt("VIKALP_DB_MAX_CONNS", 20)
	if err != nil {
		return c, err
	}
	c.MaxDBConns = int32(conns)
	return c, nil
}

// defaultMetricsAddr is where serve answers Prometheus unless told
// otherwise: loopback, for a scraper on the same host or a sidecar.
const defaultMetricsAddr = "127.0.0.1:9464"

// metricsAddr reads VIKALP_METRICS_ADDR: unset is defaultMetricsAddr;
// set but empty, or "off", serves no metrics.
func metricsAddr() string {
	v, ok := os.LookupEnv("VIKALP_METRICS_ADDR")
	switch v = strings.TrimSpace(v); {
	case !ok:
		return defaultMetricsAddr
	case strings.EqualFold(v, "off"):
		return ""
	}
	return v
}

// Production reports whether Vikalp runs with production settings.
func (c Config) Production() bool { return c.Env == "production" }

// requireDB returns an error naming the variable when no database is set.
func (c Config) requireDB() error {
	if c.DatabaseURL == "" {
		return fmt.Errorf("DATABASE_URL is not set (make run sets it for the local cluster)")
	}
	return nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// secret reads KEY, or the file named by KEY_FILE.
func secret(key string) (string, error) {
	if v := os.Getenv(key); v != "" {
		return v, nil
	}
	path := os.Getenv(key + "_FILE")
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read %s_FILE: %w", key, err)
	}
	return strings.TrimSpace(string(b)), nil
}

func envBool(key string, def bool) (bool, error) {
	v := os.Getenv(key)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s must be true or false, not %q", key, v)
	}
	return b, nil
}

func envInt(key string, def int) (int, error) {
	v := os.Getenv(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s must be a positive integer, not %q", key, v)
	}
	return n, nil
}

func envDuration(key string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s must be a positive duration like 12h, not %q", key, v)
	}
	return d, nil
}

// envRate reads a per-minute rate: a positive number, or "off" (returned
// as -1) to disable the limit.
func envRate(key string, def float64) (float64, error) {
	v := strings.TrimSpace(os.Getenv(key))
	switch {
	case v == "":
		return def, nil
	case strings.EqualFold(v, "off"):
		return -1, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("%s must be a positive number per minute or \"off\", not %q", key, v)
	}
	return f, nil
}

// envRetention reads a retention period: whole days ("90d") or a Go
// duration ("2160h"), at least a day; defDays when unset.
func envRetention(key string, defDays int) (time.Duration, error) {
	v := strings.TrimSpace(os.Getenv(key))
	if v == "" {
		return time.Duration(defDays) * 24 * time.Hour, nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("%s must be a number of days like 90d or a duration like 2160h, not %q", key, v)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, fmt.Errorf("%s must be a number of days like 90d or a duration like 2160h, not %q", key, v)
		}
	}
	if d < 24*time.Hour {
		return 0, fmt.Errorf("%s must be at least a day (1d), not %q", key, v)
	}
	return d, nil
}

// envTimeOfDay reads a time of day "HH:MM" (24-hour) as the duration
// since midnight.
func envTimeOfDay(key string, def time.Duration) (time.Duration, error) {
	v := strings.TrimSpace(os.Getenv(key))
	if v == "" {
		return def, nil
	}
	t, err := time.Parse("15:04", v)
	if err != nil {
		return 0, fmt.Errorf("%s must be a time of day like 08:00, not %q", key, v)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}
