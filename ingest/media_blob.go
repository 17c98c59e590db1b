package ingest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/pg"
)

// Variant names one of the stored renderings of a photo.
type Variant string

// The renderings served. Originals are never served: they are sealed.
const (
	VariantDerivative Variant = "derivative"  // upright, ≤ 2048 px, no metadata
	VariantThumbnail  Variant = "thumbnail"   // ≤ 320 px
	VariantRedacted   Variant = "redacted"    // derivative with moderator blurs
	VariantRedThumb   Variant = "redacted_th" // thumbnail of the redacted derivative
	variantOriginal   Variant = "original"    // sealed upload, evidence only
)

// validate refuses a variant that may not be served.
func (v Variant) validate() error {
	switch v {
	case VariantDerivative, VariantThumbnail, VariantRedacted, VariantRedThumb:
		return nil
	}
	return vikalp.InvalidField("variant", "bad_variant",
		"variant must be derivative, thumbnail, redacted or redacted_th")
}

// blobKey returns the bucket key of variant v under a media prefix.
// Redacted renderings are keyed by a hash of their rectangles, so a new
// redaction never overwrites the one the database still points to.
func blobKey(prefix string, v Variant, rects []Rect) string {
	switch v {
	case variantOriginal:
		return prefix + "/original.sealed"
	case VariantThumbnail:
		return prefix + "/thumb.jpg"
	case VariantRedacted:
		return prefix + "/redacted-" + rectsHash(rects) + ".jpg"
	case VariantRedThumb:
		return prefix + "/redacted-" + rectsHash(rects) + "-thumb.jpg"
	}
	return prefix + "/derivative.jpg"
}

// rectsHash names a set of redaction rectangles.
func rectsHash(rects []Rect) string {
	raw, _ := json.Marshal(rects) // a slice of plain float structs always encodes
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:8])
}

// newMediaPrefix returns a fresh random blob prefix, "media/<32 hex>". It is
// random rather than the SHA-256 so two uploads of one photo stay separate
// and deleting one never touches the other.
func newMediaPrefix() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("read random media key: %w", err)
	}
	return "media/" + hex.EncodeToString(b[:]), nil
}

// originalAAD binds a sealed original to its blob prefix, so a sealed blob
// copied under another prefix does not open.
func originalAAD(prefix string) []byte { return []byte("media.original:" + prefix) }

// blobBatch remembers the blobs written for one request so a failure can
// remove every one of them: a refused or failed upload leaves nothing behind.
type blobBatch struct {
	bucket *blob.Bucket
	keys   []string
}

// put writes one blob and remembers its key.
func (b *blobBatch) put(ctx context.Context, key string, data []byte, contentType string) error {
	opts := &blob.WriterOptions{ContentType: contentType, CacheControl: "private, no-store"}
	if err := b.bucket.WriteAll(ctx, key, data, opts); err != nil {
		return fmt.Errorf("write blob: %w", err)
	}
	b.keys = append(b.keys, key)
	return nil
}

// discard deletes every blob written so far, even when ctx is cancelled.
func (b *blobBatch) discard(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx)
	var errs []error
	for _, key := range b.keys {
		if err := b.bucket.Delete(ctx, key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
			errs = append(errs, err)
		}
	}
	b.keys = nil
	return errors.Join(errs...)
}

// writePhotoBlobs seals the original and writes it with the derivative and
// thumbnail under a fresh prefix, returning the media row to insert.
func (s *Service) writePhotoBlobs(ctx context.Context, batch *blobBatch, p ProcessedPhoto, now time.Time) (Media, error) {
	prefix, err := newMediaPrefix()
	if err != nil {
		return Media{}, err
	}
	sealed, err := s.keyring.Seal(p.Original, originalAAD(prefix))
	if err != nil {
		return Media{}, fmt.Errorf("seal original: %w", err)
	}
	writes := []struct {
		v    Variant
		data []byte
		ct   string
	}{{variantOriginal, sealed, "application/octet-stream"}, {VariantDerivative, p.Derivative, TypeJPEG},
		{VariantThumbnail, p.Thumbnail, TypeJPEG}}
	for _, w := range writes {
		if err := batch.put(ctx, blobKey(prefix, w.v, nil), w.data, w.ct); err != nil {
			return Media{}, err
		}
	}
	return Media{BlobPrefix: prefix, SHA256: p.SHA256[:], ContentType: p.ContentType, Bytes: int64(p.Bytes),
		Width: p.Width, Height: p.Height, DerivativeWidth: p.DerivativeWidth,
		DerivativeHeight: p.DerivativeHeight, SealedKeyID: s.keyring.Current(), EXIF: p.EXIF,
		CreatedAt: now}, nil
}

// storePhotos writes the blobs of every photo and inserts their media rows
// on db (the request's transaction), returning the new media ids in order.
// The caller discards batch when anything after this fails.
func (s *Service) storePhotos(ctx context.Context, db pg.DBTX, batch *blobBatch, photos []ProcessedPhoto) ([]int64, error) {
	now := s.now()
	ids := make([]int64, 0, len(photos))
	store := NewMediaStore(db)
	for _, p := range photos {
		m, err := s.writePhotoBlobs(ctx, batch, p, now)
		if err != nil {
			return nil, err
		}
		id, err := store.Insert(ctx, m)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// readVariant returns the bytes of one rendering of m. A redacted variant
// falls back to the plain one while m has no redactions.
func (s *Service) readVariant(ctx context.Context, m Media, v Variant) ([]byte, error) {
	if m.RedactedAt == nil {
		switch v {
		case VariantRedacted:
			v = VariantDerivative
		case VariantRedThumb:
			v = VariantThumbnail
		}
	}
	data, err := s.bucket.ReadAll(ctx, blobKey(m.BlobPrefix, v, m.Redactions))
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, fmt.Errorf("read media %d %s: %w", m.ID, v, vikalp.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read media %d %s: %w", m.ID, v, err)
	}
	return data, nil
}

// processPhotos runs the pipeline over every upload, naming the photo in a
// refusal ("photo 2: …").
func (s *Service) processPhotos(ctx context.Context, uploads [][]byte) ([]ProcessedPhoto, error) {
	out := make([]ProcessedPhoto, 0, len(uploads))
	for i, data := range uploads {
		p, err := s.pipeline.Process(ctx, data)
		if err != nil {
			return nil, numberPhotoError(i+1, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// numberPhotoError prefixes a user-safe photo refusal with the photo's
// number so the person knows which one to replace.
func numberPhotoError(n int, err error) error {
	ue, ok := vikalp.AsUserError(err)
	if !ok {
		return err
	}
	return vikalp.InvalidField(ue.Field, ue.Code, fmt.Sprintf("photo %d: %s", n, ue.Message))
}

// inTxWithBlobs runs fn in a transaction with a fresh blob batch. When the
// transaction fails, every blob fn wrote is deleted, so a refused or failed
// submission leaves neither rows nor blobs.
func (s *Service) inTxWithBlobs(ctx context.Context, fn func(tx pgx.Tx, batch *blobBatch) error) error {
	batch := &blobBatch{bucket: s.bucket}
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error { return fn(tx, batch) })
	if err != nil {
		if derr := batch.discard(ctx); derr != nil {
			s.logger.ErrorContext(ctx, "Blobs left behind after a failed submission", slog.String("error", derr.Error()))
		}
	}
	return err
}
