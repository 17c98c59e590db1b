package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/app"
	"github.com/vikalp/vikalp/internal/pg"
	"github.com/vikalp/vikalp/notify"
)

// appConfig is the service graph's configuration (app.Config) from the
// environment: the media bucket opened, the SMS gateway chosen.
func (a *cli) appConfig() (app.Config, error) {
	sms, err := a.smsProvider()
	if err != nil {
		return app.Config{}, err
	}
	bucket, err := openMediaBucket(a.cfg.MediaURL)
	if err != nil {
		return app.Config{}, err
	}
	c := a.cfg
	return app.Config{
		DataKeys:           c.DataKeys,
		SessionTTL:         c.SessionTTL,
		Logger:             a.logger,
		Bucket:             bucket,
		SMS:                sms,
		HotspotMinReports:  c.HotspotMinReports,
		PCRAckTimeout:      c.PCRAckTimeout,
		AHTUAckTimeout:     c.AHTUAckTimeout,
		WebhookAllowNets:   c.WebhookAllowNets,
		CookieSecure:       c.CookieSecure,
		TrustedProxies:     c.TrustedProxies,
		PublicRate:         api.RateLimit{PerMinute: c.PublicRatePerMinute, Burst: c.PublicBurst},
		SMSInbound:         api.SMSInbound{Secret: c.SMSInboundSecret},
		BasemapPMTiles:     c.BasemapPMTiles,
		JobTimeout:         c.JobTimeout,
		JobRescueAfter:     c.JobRescueAfter,
		AnalyticsInterval:  c.AnalyticsInterval,
		DigestAt:           c.DigestAt,
		RetentionRejected:  c.RetentionRejected,
		RetentionOriginals: c.RetentionOriginals,
	}, nil
}

// newServices builds the service graph (app.Build) on pool, with tile,
// hotspot and lead-list reads on read: a streaming replica (see readPool)
// or pool.
func (a *cli) newServices(pool *pgxpool.Pool, read pg.DBTX) (*app.Services, error) {
	cfg, err := a.appConfig()
	if err != nil {
		return nil, err
	}
	return app.Build(pool, read, cfg)
}

// readPool opens a pool on VIKALP_READ_DATABASE_URL, a streaming replica
// of the primary for reads that tolerate replication lag (tiles, hotspots,
// lead lists), or returns primary when it is unset. Writes, audited reads
// and anything that must see its own writes stay on the primary.
func (a *cli) readPool(ctx context.Context, primary *pgxpool.Pool) (*pgxpool.Pool, error) {
	if a.cfg.ReadDatabaseURL == "" {
		return primary, nil
	}
	read, err := pg.Open(ctx, a.cfg.ReadDatabaseURL, a.cfg.MaxDBConns)
	if err != nil {
		return nil, fmt.Errorf("VIKALP_READ_DATABASE_URL: %w", err)
	}
	return read, nil
}

// smsProvider is the HTTP gateway when VIKALP_SMS_URL is set, else the
// outbox-only provider that holds every message.
func (a *cli) smsProvider() (notify.Provider, error) {
	if a.cfg.SMSURL == "" {
		return notify.OutboxProvider{}, nil
	}
	p, err := notify.NewHTTPProvider(notify.HTTPConfig{URL: a.cfg.SMSURL, AuthHeader: a.cfg.SMSAuthHeader,
		BodyTemplate: a.cfg.SMSBodyTemplate, ContentType: a.cfg.SMSContentType})
	if err != nil {
		return nil, fmt.Errorf("VIKALP_SMS_*: %w", err)
	}
	return p, nil
}
