package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/ingest/ingesttest"
	"github.com/vikalp/vikalp/testkit"
)

func TestStorePhotos(t *testing.T) {
	t.Parallel()
	t.Run("StoresAndHandsOverIDs", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		photo := ingesttest.JPEG(t, ingesttest.PhotoOpts{Width: 80, Height: 60, GPS: &[2]float64{26.85, 80.95}})
		var ids []int64
		err := b.svc.StorePhotos(b.ctx, [][]byte{photo, ingesttest.PNG(t, 20, 20)}, func(ctx context.Context, tx pgx.Tx, got []int64) error {
			ids = got
			// The media rows are visible in the caller's transaction.
			var n int
			return tx.QueryRow(ctx, `SELECT count(*) FROM media WHERE id = ANY($1)`, got).Scan(&n)
		})
		if err != nil || len(ids) != 2 {
			t.Fatalf("StorePhotos: ids %v, %v", ids, err)
		}
		if n := ingesttest.BlobCount(b.ctx, t, b.bucket); n != 6 {
			t.Fatalf("%d blobs; want 6", n)
		}
		thumb, err := b.svc.MediaPhoto(b.ctx, ids[0], true)
		if err != nil || ingesttest.HasEXIF(thumb) {
			t.Fatalf("MediaPhoto thumb: %v (or it carries EXIF)", err)
		}
		deriv, err := b.svc.MediaPhoto(b.ctx, ids[0], false)
		if err != nil || ingesttest.HasEXIF(deriv) {
			t.Fatalf("MediaPhoto derivative: %v", err)
		}
		p := testkit.User(b.ctx, t, b.db, auth.RoleStation, auth.Scope{Kind: auth.ScopeStation, ID: 1})
		marked, err := b.svc.WatermarkedPhoto(b.ctx, p, ids[0], false)
		if err != nil || bytes.Equal(marked, deriv) || ingesttest.HasEXIF(marked) {
			t.Fatalf("WatermarkedPhoto: %v (or it is not marked)", err)
		}
		_, err = b.svc.MediaPhoto(b.ctx, 999_999, true)
		if !errors.Is(err, vikalp.ErrNotFound) {
			t.Fatalf("MediaPhoto of a missing id: %v; want ErrNotFound", err)
		}
	})
	t.Run("CallerRefusalRemovesEverything", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		refused := vikalp.InvalidField("photos", "photo_limit", "too many")
		err := b.svc.StorePhotos(b.ctx, [][]byte{ingesttest.JPEG(t, ingesttest.PhotoOpts{})},
			func(context.Context, pgx.Tx, []int64) error { return refused })
		if !errors.Is(err, refused) {
			t.Fatalf("StorePhotos: %v; want the caller's refusal", err)
		}
		b.wantNothingStored(t)
	})
	t.Run("RefusedPhotoNeverCallsBack", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		called := false
		err := b.svc.StorePhotos(b.ctx, [][]byte{ingesttest.JPEG(t, ingesttest.PhotoOpts{}), ingesttest.PNGBomb(100000, 100000)},
			func(context.Context, pgx.Tx, []int64) error { called = true; return nil })
		ue, ok := vikalp.AsUserError(err)
		if !ok || ue.Code != "photo_too_many_pixels" || called {
			t.Fatalf("StorePhotos of a bomb: %v, called back %v; want photo_too_many_pixels before any callback", err, called)
		}
		b.wantNothingStored(t)
	})
}
