package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vikalp/vikalp/app"
	"github.com/vikalp/vikalp/auth"
)

// The audit checkpoint settings (docs/SECURITY.md, "Audit checkpoints"):
//
//   - VIKALP_AUDIT_SIGNING_KEY (or _FILE): the Ed25519 key that signs
//     checkpoints, its 32-byte seed in hex or base64. Keep it outside the
//     database and away from its administrators. Required in production to
//     run workers; in development "demo" selects demoAuditSigningKey, and
//     unset publishes no checkpoints.
//   - VIKALP_AUDIT_CHECKPOINT_INTERVAL (default 1h, at most 1h): how often
//     the workers publish one.
//   - VIKALP_AUDIT_CHECKPOINT_RETENTION (days like 2555d, or a Go duration;
//     default unset): when set, each checkpoint object is written with an S3
//     Object Lock retention in compliance mode for that long (the bucket must
//     have Object Lock enabled); unset relies on the bucket's own settings.
const (
	envAuditSigningKey         = "VIKALP_AUDIT_SIGNING_KEY"
	envAuditCheckpointInterval = "VIKALP_AUDIT_CHECKPOINT_INTERVAL"
	envAuditCheckpointRetain   = "VIKALP_AUDIT_CHECKPOINT_RETENTION"
)

// demoAuditSigningKey is the public development seed that
// VIKALP_AUDIT_SIGNING_KEY=demo selects. Anyone can forge checkpoints with
// it: it is refused in production.
const demoAuditSigningKey = "64656d6f2d6f6e6c792d61756469742d7369676e696e672d6b65792d21212121"

// auditSigningKey returns the configured signing key, or nil when none is
// set.
func (a *cli) auditSigningKey() (ed25519.PrivateKey, error) {
	v, err := secret(envAuditSigningKey)
	if err != nil || v == "" {
		return nil, err
	}
	if strings.EqualFold(v, "demo") {
		if a.cfg.Production() {
			return nil, fmt.Errorf("%s=demo is a public development key, refused in production", envAuditSigningKey)
		}
		v = demoAuditSigningKey
	}
	key, err := auth.ParseAuditSigningKey(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envAuditSigningKey, err)
	}
	return key, nil
}

// auditCheckpointer builds the checkpointer on pool and the media bucket,
// or returns nil when no signing key is configured.
func (a *cli) auditCheckpointer(pool *pgxpool.Pool) (*auth.AuditCheckpointer, error) {
	key, err := a.auditSigningKey()
	if err != nil || key == nil {
		return nil, err
	}
	retain, err := auditCheckpointRetention()
	if err != nil {
		return nil, err
	}
	bucket, err := openMediaBucket(a.cfg.MediaURL)
	if err != nil {
		return nil, err
	}
	return auth.NewAuditCheckpointer(pool, auth.AuditCheckpointDeps{Key: key, Bucket: bucket,
		Logger: a.logger.With(slog.String("component", "audit_checkpoint")), BeforeWrite: objectLock(retain)})
}

// auditCheckpoints are the workers' audit checkpoints
// (VIKALP_AUDIT_CHECKPOINT_INTERVAL, VIKALP_AUDIT_SIGNING_KEY). Without a
// signing key they are off in development and refuse to start in production.
func (a *cli) auditCheckpoints(pool *pgxpool.Pool) (app.AuditCheckpoints, error) {
	interval, err := envDuration(envAuditCheckpointInterval, time.Hour)
	if err != nil {
		return app.AuditCheckpoints{}, err
	}
	if interval > time.Hour {
		return app.AuditCheckpoints{}, fmt.Errorf("%s must be at most 1h, not %v", envAuditCheckpointInterval, interval)
	}
	cpr, err := a.auditCheckpointer(pool)
	if err != nil {
		return app.AuditCheckpoints{}, err
	}
	if cpr == nil {
		if a.cfg.Production() {
			return app.AuditCheckpoints{}, fmt.Errorf("%s (or %s_FILE) is required in production: the workers sign audit checkpoints with it",
				envAuditSigningKey, envAuditSigningKey)
		}
		a.logger.Info("Audit checkpoints off", slog.String("reason", envAuditSigningKey+" is not set"))
		return app.AuditCheckpoints{}, nil
	}
	return app.AuditCheckpoints{Checkpointer: cpr, Interval: interval}, nil
}

// auditCheckpointRetention reads VIKALP_AUDIT_CHECKPOINT_RETENTION; 0 when
// unset.
func auditCheckpointRetention() (time.Duration, error) {
	if strings.TrimSpace(os.Getenv(envAuditCheckpointRetain)) == "" {
		return 0, nil
	}
	return envRetention(envAuditCheckpointRetain, 0)
}

// objectLock returns a BeforeWrite that puts an S3 Object Lock retention in
// compliance mode (nobody, the bucket's owner included, can delete or
// overwrite the object before it ends) of retain on an S3 object; nil when
// retain is 0. Other buckets (file://) have no such lock and are left alone.
func objectLock(retain time.Duration) func(asFunc func(any) bool) error {
	if retain <= 0 {
		return nil
	}
	return func(asFunc func(any) bool) error {
		var in *transfermanager.UploadObjectInput
		if asFunc(&in) {
			until := time.Now().Add(retain)
			in.ObjectLockMode = tmtypes.ObjectLockModeCompliance
			in.ObjectLockRetainUntilDate = &until
		}
		return nil
	}
}

// loadCheckpoints reads the checkpoints at src: a bucket URL (file:// or
// s3://, the objects under audit-checkpoints/) or a directory, every
// .json, .jsonl or .log file in it and below (checkpoint objects copied
// out of the bucket, or JSON log extracts).
func loadCheckpoints(ctx context.Context, src string) ([]auth.AuditCheckpoint, error) {
	if strings.Contains(src, "://") {
		bucket, err := openMediaBucket(src)
		if err != nil {
			return nil, fmt.Errorf("--checkpoints: %w", err)
		}
		defer bucket.Close()
		return auth.ReadAuditCheckpoints(ctx, bucket)
	}
	var cps []auth.AuditCheckpoint
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(path) {
		case ".json", ".jsonl", ".log":
		default:
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		got, err := auth.ParseAuditCheckpoints(f, path)
		cps = append(cps, got...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("--checkpoints: %w", err)
	}
	return cps, nil
}

// auditPublicKeys are the --public-key values when given (several after a
// key rotation), else the configured signing key's public half.
func (a *cli) auditPublicKeys(flags []string) ([]ed25519.PublicKey, error) {
	var keys []ed25519.PublicKey
	for _, f := range flags {
		k, err := auth.ParseAuditPublicKey(f)
		if err != nil {
			return nil, fmt.Errorf("--public-key: %w", err)
		}
		keys = append(keys, k)
	}
	if len(keys) > 0 {
		return keys, nil
	}
	key, err := a.auditSigningKey()
	if err != nil {
		return nil, err
	}
	if key == nil {
		return nil, fmt.Errorf("give --public-key, or set %s to derive it", envAuditSigningKey)
	}
	return []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}, nil
}

// verifyCheckpoints checks the chain against the checkpoints at src and
// prints the outcome; an error when anything fails.
func (a *cli) verifyCheckpoints(ctx context.Context, pool *pgxpool.Pool, src string, publicKeys []string, out io.Writer) error {
	keys, err := a.auditPublicKeys(publicKeys)
	if err != nil {
		return err
	}
	cps, err := loadCheckpoints(ctx, src)
	if err != nil {
		return err
	}
	if len(cps) == 0 {
		return fmt.Errorf("no audit checkpoints found in %s", src)
	}
	rep, err := auth.NewAuditStore(pool).CheckCheckpoints(ctx, keys, cps)
	if err != nil {
		return err
	}
	if !rep.Chain.Intact() {
		fmt.Fprintf(out, "audit log BROKEN at row %d (checked %d rows; last intact head %s)\n",
			rep.Chain.BrokenID, rep.Chain.Rows, hex.EncodeToString(rep.Chain.Head))
	}
	for _, f := range rep.Failures {
		fmt.Fprintf(out, "checkpoint FAILED: %s: %s\n", f.Checkpoint.Name(), f.Reason)
	}
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = auth.AuditKeyID(k)
	}
	fmt.Fprintf(out, "checked %d checkpoints (keys %s): %d failed\n", rep.Checked, strings.Join(ids, ", "), len(rep.Failures))
	if !rep.OK() {
		return errors.New("audit log verification against checkpoints failed")
	}
	fmt.Fprintf(out, "audit log intact: %d rows, head %s, consistent with every checkpoint\n",
		rep.Chain.Rows, hex.EncodeToString(rep.Chain.Head))
	return nil
}
