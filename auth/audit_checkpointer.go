package auth

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"gocloud.dev/blob"

	"github.com/vikalp/vikalp/internal/pg"
)

// AuditCheckpointPrefix is where checkpoints are published in the bucket,
// one object each, never overwritten.
const AuditCheckpointPrefix = "audit-checkpoints/"

// AuditCheckpointDeps are an AuditCheckpointer's collaborators.
type AuditCheckpointDeps struct {
	Key    ed25519.PrivateKey // required: the signing key, kept outside the database
	Bucket *blob.Bucket       // required: where checkpoints are published
	Logger *slog.Logger       // slog.Default() when nil; each checkpoint is logged as JSON
	// BeforeWrite, when set, is passed to the bucket writer of every
	// checkpoint (blob.WriterOptions.BeforeWrite): cmd/vikalp uses it to put
	// an S3 Object Lock retention on the object.
	BeforeWrite func(asFunc func(any) bool) error
}

// AuditCheckpointer reads the audit chain's head, signs it and publishes
// the checkpoint to the bucket and the log, where the database owner cannot
// change it.
type AuditCheckpointer struct {
	store *AuditStore
	deps  AuditCheckpointDeps
}

// NewAuditCheckpointer returns an AuditCheckpointer on db.
func NewAuditCheckpointer(db pg.DBTX, d AuditCheckpointDeps) (*AuditCheckpointer, error) {
	if db == nil || len(d.Key) != ed25519.PrivateKeySize || d.Bucket == nil {
		return nil, errors.New("audit checkpointer: db, Key and Bucket are required")
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return &AuditCheckpointer{store: NewAuditStore(db), deps: d}, nil
}

// PublicKey is the key that verifies this checkpointer's signatures.
func (c *AuditCheckpointer) PublicKey() ed25519.PublicKey {
	return c.deps.Key.Public().(ed25519.PublicKey)
}

// Checkpoint signs the chain's head now and publishes it: a new object
// under AuditCheckpointPrefix (written only if no object of that name
// exists) and an Info log record carrying the checkpoint as JSON.
func (c *AuditCheckpointer) Checkpoint(ctx context.Context) (AuditCheckpoint, error) {
	cp, err := c.store.Head(ctx)
	if err != nil {
		return AuditCheckpoint{}, err
	}
	cp = cp.Sign(c.deps.Key)
	line, err := json.Marshal(cp)
	if err != nil {
		return AuditCheckpoint{}, fmt.Errorf("encode audit checkpoint: %w", err)
	}
	opts := &blob.WriterOptions{ContentType: "application/json", IfNotExist: true, BeforeWrite: c.deps.BeforeWrite}
	if err := c.deps.Bucket.WriteAll(ctx, cp.ObjectKey(), append(line, '\n'), opts); err != nil {
		return AuditCheckpoint{}, fmt.Errorf("publish audit checkpoint %s: %w", cp.ObjectKey(), err)
	}
	cp.Source = cp.ObjectKey()
	c.deps.Logger.InfoContext(ctx, "Audit checkpoint published", slog.String("object", cp.ObjectKey()),
		slog.Any("checkpoint", json.RawMessage(line)))
	return cp, nil
}

// ReadAuditCheckpoints reads every checkpoint published in bucket.
func ReadAuditCheckpoints(ctx context.Context, bucket *blob.Bucket) ([]AuditCheckpoint, error) {
	var cps []AuditCheckpoint
	it := bucket.List(&blob.ListOptions{Prefix: AuditCheckpointPrefix})
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			return cps, nil
		}
		if err != nil {
			return nil, fmt.Errorf("list audit checkpoints: %w", err)
		}
		if obj.IsDir || !strings.HasSuffix(obj.Key, ".json") {
			continue
		}
		b, err := bucket.ReadAll(ctx, obj.Key)
		if err != nil {
			return nil, fmt.Errorf("read audit checkpoint %s: %w", obj.Key, err)
		}
		got, err := ParseAuditCheckpoints(bytes.NewReader(b), obj.Key)
		if err != nil {
			return nil, err
		}
		cps = append(cps, got...)
	}
}

// AuditCheckpointArgs publishes one audit checkpoint (Checkpoint).
type AuditCheckpointArgs struct{}

// Kind implements river.JobArgs.
func (AuditCheckpointArgs) Kind() string { return "auth.audit_checkpoint" }

// AuditCheckpointPeriodicJob publishes a checkpoint every interval (at most
// an hour in production) and once at start.
func AuditCheckpointPeriodicJob(interval time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return AuditCheckpointArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

// AuditCheckpointWorker runs AuditCheckpointArgs jobs.
type AuditCheckpointWorker struct {
	river.WorkerDefaults[AuditCheckpointArgs]
	Checkpointer *AuditCheckpointer
}

// Work implements river.Worker.
func (w *AuditCheckpointWorker) Work(ctx context.Context, _ *river.Job[AuditCheckpointArgs]) error {
	_, err := w.Checkpointer.Checkpoint(ctx)
	return err
}
