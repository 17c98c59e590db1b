package ingest

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/auth"
)

// StorePhotos is the media pipeline for photos that belong to another
// package's rows (complaint evidence, package cases). It runs every upload
// through the pipeline first (type from content, byte and pixel limits
// before decoding, EXIF stripped from the derivative and thumbnail), so a
// refused photo stores nothing and fn is never called. Then, in one
// transaction, it seals each original, writes its blobs and media row, and
// calls fn with the transaction and the new media ids in upload order. When
// fn or the commit fails, every blob written is deleted: the caller's
// refusals inside fn leave neither rows nor blobs.
//
// Refusals of a photo are user-safe vikalp.ErrInvalid errors on field
// "photos" naming the photo ("photo 2: …"). The caller bounds the count.
func (s *Service) StorePhotos(ctx context.Context, uploads [][]byte,
	fn func(ctx context.Context, tx pgx.Tx, mediaIDs []int64) error) error {
	photos, err := s.processPhotos(ctx, uploads)
	if err != nil {
		return err
	}
	return s.inTxWithBlobs(ctx, func(tx pgx.Tx, batch *blobBatch) error {
		ids, err := s.storePhotos(ctx, tx, batch, photos)
		if err != nil {
			return fmt.Errorf("store photos: %w", err)
		}
		return fn(ctx, tx, ids)
	})
}

// MediaPhoto returns the metadata-free thumbnail (thumb) or derivative of
// media id, as stored and without a watermark. It checks no access: the
// caller must already have decided the reader may see this photo.
func (s *Service) MediaPhoto(ctx context.Context, id int64, thumb bool) ([]byte, error) {
	m, err := NewMediaStore(s.db).Media(ctx, id)
	if err != nil {
		return nil, err
	}
	v := VariantDerivative
	if thumb {
		v = VariantThumbnail
	}
	return s.readVariant(ctx, m, v)
}

// WatermarkedPhoto renders the derivative (or thumbnail) of media id with
// p's username and the time drawn across it, as tip photos are, so every
// copy that leaves Vikalp names who took it. Like MediaPhoto it checks no
// access; the caller authorizes and audits the view first.
func (s *Service) WatermarkedPhoto(ctx context.Context, p auth.Principal, id int64, thumb bool) ([]byte, error) {
	return s.watermarkedMedia(ctx, p, id, thumb)
}
