package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg"
)

// tipScopeOf returns the tips p may see. MSP and admin see every tip, a
// state-scoped AHTU every tip, an AHTU-scoped one the tips routed to it.
// Anyone else (PCR, stations, moderators…) sees none: ok is false, and the
// caller answers vikalp.ErrNotFound exactly as for a missing tip.
func tipScopeOf(p auth.Principal) (TipScope, bool) {
	switch {
	case p.Has(auth.RoleMSPAnalyst, auth.RoleMSPLegal, auth.RoleAdmin):
		return TipScope{All: true}, true
	case p.Has(auth.RoleAHTU) && p.Scope.Kind == auth.ScopeState:
		return TipScope{All: true}, true
	case p.Has(auth.RoleAHTU) && p.Scope.Kind == auth.ScopeAHTU && p.Scope.ID > 0:
		return TipScope{AHTUID: int(p.Scope.ID)}, true
	}
	return TipScope{}, false
}

var errTipNotFound = fmt.Errorf("tip: %w", vikalp.ErrNotFound)

// Tips lists up to limit (1–100, default 50) tips p may see, newest first,
// older than beforeID (0: from the newest). Summaries carry no text; the
// listing is still audited.
func (s *Service) Tips(ctx context.Context, p auth.Principal, beforeID int64, limit int) ([]TipSummary, error) {
	scope, ok := tipScopeOf(p)
	if !ok {
		return nil, errTipNotFound
	}
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	var list []TipSummary
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if list, err = NewTipStore(tx).List(ctx, scope, beforeID, limit); err != nil {
			return err
		}
		_, err = auth.Append(ctx, tx, auth.EntryBy(p, "tip.listed", "tip", 0,
			map[string]any{"count": len(list), "before_id": beforeID}))
		return err
	})
	return list, err
}

// Tip returns tip id in full when p may see it, after writing the view to
// the audit log. Anything else is vikalp.ErrNotFound.
func (s *Service) Tip(ctx context.Context, p auth.Principal, id int64) (Tip, error) {
	scope, ok := tipScopeOf(p)
	if !ok {
		return Tip{}, errTipNotFound
	}
	var t Tip
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if t, err = NewTipStore(tx).Tip(ctx, scope, id); err != nil {
			return err
		}
		_, err = auth.Append(ctx, tx, auth.EntryBy(p, "tip.viewed", "tip", id, nil))
		return err
	})
	return t, err
}

// TipContact opens the sealed contact details of tip id for an AHTU or MSP
// reader who may see the tip, after auditing the decryption. A tip without
// contact details is vikalp.ErrNotFound.
func (s *Service) TipContact(ctx context.Context, p auth.Principal, id int64) (TipContact, error) {
	scope, ok := tipScopeOf(p)
	if !ok {
		return TipContact{}, errTipNotFound
	}
	if !p.Has(auth.RoleAHTU, auth.RoleMSPAnalyst, auth.RoleMSPLegal) {
		return TipContact{}, fmt.Errorf("open tip contact as %s: %w", p.Role, vikalp.ErrForbidden)
	}
	var t Tip
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if t, err = NewTipStore(tx).Tip(ctx, scope, id); err != nil {
			return err
		}
		if t.contact == nil {
			return errTipNotFound
		}
		_, err = auth.Append(ctx, tx, auth.EntryBy(p, "tip.contact_decrypted", "tip", id, nil))
		return err
	})
	if err != nil {
		return TipContact{}, err
	}
	plain, err := s.keyring.Open(t.contact, contactAAD(t.Code))
	if err != nil {
		return TipContact{}, fmt.Errorf("open tip %d contact: %w", id, err)
	}
	defer clear(plain)
	var c TipContact
	if err := json.Unmarshal(plain, &c); err != nil {
		return TipContact{}, fmt.Errorf("decode tip %d contact: %w", id, err)
	}
	return c, nil
}

// TipPhoto returns photo n of tip id for a reader who may see the tip: the
// derivative (or thumbnail) with the reader's username and the time drawn
// across it, so every copy that leaves Vikalp names who took it. The view
// is audited before the photo is rendered.
func (s *Service) TipPhoto(ctx context.Context, p auth.Principal, id int64, n int, thumb bool) ([]byte, error) {
	scope, ok := tipScopeOf(p)
	if !ok {
		return nil, errTipNotFound
	}
	var mediaID int64
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if mediaID, _, err = NewTipStore(tx).PhotoMedia(ctx, scope, id, n); err != nil {
			return err
		}
		_, err = auth.Append(ctx, tx, auth.EntryBy(p, "tip.photo_viewed", "tip", id,
			map[string]any{"photo": n, "media_id": mediaID}))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.watermarkedMedia(ctx, p, mediaID, thumb)
}

// watermarkedMedia renders a media item with the viewer's watermark.
func (s *Service) watermarkedMedia(ctx context.Context, p auth.Principal, mediaID int64, thumb bool) ([]byte, error) {
	m, err := NewMediaStore(s.db).Media(ctx, mediaID)
	if err != nil {
		return nil, err
	}
	v := VariantDerivative
	if thumb {
		v = VariantThumbnail
	}
	data, err := s.readVariant(ctx, m, v)
	if err != nil {
		return nil, err
	}
	img, err := s.pipeline.decode(ctx, data, TypeJPEG)
	if err != nil {
		return nil, fmt.Errorf("decode media %d: %w", mediaID, err)
	}
	return encodeJPEG(watermark(img, WatermarkText(p, s.clock.Now())), s.cfg.Media.JPEGQuality)
}

// WatermarkText is what a protected photo shows about its viewer: the
// username (or user id) and the time in IST.
func WatermarkText(p auth.Principal, at time.Time) string {
	name := p.Username
	if name == "" {
		name = fmt.Sprintf("user %d", p.UserID)
	}
	return fmt.Sprintf("%s  %s  VIKALP CONFIDENTIAL", name, at.In(vikalp.IST).Format("2006-01-02 15:04 IST"))
}
