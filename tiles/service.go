package tiles

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/geo"
	"github.com/vikalp/vikalp/internal/pg"
)

// Config tunes the tile service. The zero value takes every default.
type Config struct {
	// MinDistinct is k: the fewest distinct reports a hotspot cell needs to
	// appear on a public tile (default 3, ARCHITECTURE §6).
	MinDistinct int
	// CacheTiles bounds the in-process cache of public tiles (default 8192
	// tiles; a public tile is a few kB to a few tens of kB).
	CacheTiles int
	// CacheTTL bounds how long a cached jurisdiction tile lives, so boundary
	// imports show up without a restart (default 10 minutes). Hotspot tiles
	// are keyed on the latest analysis run and need no TTL, but get it too.
	CacheTTL time.Duration
	// RunCheckInterval is how often, at most, the newest hotspot run id is
	// read to invalidate cached hotspot tiles (default 1 s).
	RunCheckInterval time.Duration
	// ClusterRefresh is how often RefreshLoop rewrites the report rollup
	// behind the low-zoom report clusters (default 5 minutes).
	ClusterRefresh time.Duration
}

func (c Config) withDefaults() Config {
	if c.MinDistinct <= 0 {
		c.MinDistinct = 3
	}
	if c.CacheTiles <= 0 {
		c.CacheTiles = 8192
	}
	if c.CacheTTL <= 0 {
		c.CacheTTL = 10 * time.Minute
	}
	if c.RunCheckInterval <= 0 {
		c.RunCheckInterval = time.Second
	}
	if c.ClusterRefresh <= 0 {
		c.ClusterRefresh = 5 * time.Minute
	}
	return c
}

// Service renders tiles for a caller: it checks the layer and the caller's
// access, picks the resolution and scope, and serves public tiles from an
// in-process LRU cache.
type Service struct {
	cfg   Config
	store *TileStore // renders tiles: the read replica when there is one
	// rollup rewrites tile_report_cells, so it is always on the primary.
	rollup *TileStore
	cache  *expirable.LRU[string, *Tile]
	runs   *runWatcher
}

// Deps are what a Service needs besides the database.
type Deps struct {
	// Read is where tiles are rendered from: a streaming replica of db (db
	// when nil). The report rollup is always rewritten on db.
	Read   pg.DBTX
	Config Config // defaults when zero
}

// NewService returns a tile service that renders tiles from d.Read and
// rewrites the report rollup on db. The newest hotspot run is read from
// d.Read too: a replica that shows run N also holds run N's hex_stats (WAL
// replays in commit order), so a cached tile is never rendered from older
// rows than its key names.
func NewService(db pg.DBTX, d Deps) *Service {
	if d.Read == nil {
		d.Read = db
	}
	cfg := d.Config.withDefaults()
	store := NewTileStore(d.Read)
	return &Service{
		cfg:    cfg,
		store:  store,
		rollup: NewTileStore(db),
		cache:  expirable.NewLRU[string, *Tile](cfg.CacheTiles, nil, cfg.CacheTTL),
		runs:   &runWatcher{store: store, every: cfg.RunCheckInterval},
	}
}

// Request names one tile: a layer, an address and, for windowed layers, a
// time window ("" for DefaultWindow).
type Request struct {
	Layer   string
	Address Address
	Window  string
}

var (
	errNoLayer = &vikalp.UserError{Kind: vikalp.ErrNotFound, Code: "unknown_layer", Message: "no such tile layer"}
	errLogin   = &vikalp.UserError{Kind: vikalp.ErrUnauthorized, Code: "login_required",
		Message: "please log in to see this map layer"}
)

// view is what a caller sees of a layer.
type view struct {
	scope       Scope
	public      bool // the same for every caller: cacheable anywhere
	minDistinct int
	maxRes      int
}

// viewOf decides what p (the zero Principal for an anonymous caller) sees of
// l: a public view, a scoped staff view, or nothing. Refusals follow the
// API: anonymous callers of a staff layer get ErrUnauthorized, staff without
// the role ErrNotFound, as if the layer did not exist.
func (s *Service) viewOf(p auth.Principal, l Layer) (view, error) {
	staff := p.UserID != 0 && p.Has(l.Roles...)
	switch {
	case l.Access == AccessPublic:
		return view{scope: publicScope, public: true}, nil
	case l.Access == AccessPublicDetail && !staff:
		return view{scope: publicScope, public: true, minDistinct: s.cfg.MinDistinct, maxRes: geo.ResPublicFinest}, nil
	case staff:
		return view{scope: ScopeOf(p)}, nil
	case p.UserID == 0:
		return view{}, errLogin
	}
	return view{}, fmt.Errorf("%s layer for role %s: %w", l.Name, p.Role, errNoLayer)
}

// layerFor returns the layer named name or a user-safe ErrNotFound.
func layerFor(name string) (Layer, error) {
	l, ok := LookupLayer(name)
	if !ok {
		return Layer{}, errNoLayer
	}
	return l, nil
}

// window validates a requested window for l ("" for unwindowed layers).
func window(l Layer, w string) (string, error) {
	if !l.Windowed {
		return "", nil
	}
	if w == "" {
		return DefaultWindow, nil
	}
	if !slices.Contains(Windows, w) {
		return "", vikalp.InvalidField("window", "bad_window", "window must be one of 7d, 30d, 90d or 365d")
	}
	return w, nil
}

// Tile returns one tile for p. An empty tile has no Data (HTTP 204). Public
// tiles come from the cache when they can; scoped tiles never do.
func (s *Service) Tile(ctx context.Context, p auth.Principal, req Request) (*Tile, error) {
	l, err := layerFor(req.Layer)
	if err != nil {
		return nil, err
	}
	w, err := window(l, req.Window)
	if err != nil {
		return nil, err
	}
	v, err := s.viewOf(p, l)
	if err != nil {
		return nil, err
	}
	a := req.Address
	meta := tileMeta{layer: l, view: v, params: l.Name + "|" + w + "|" + v.scope.Key()}
	if a.Z < l.MinZoom || a.Z > l.MaxZoom {
		return newTile(nil, meta), nil
	}
	q := Query{Address: a, Window: w, MinDistinct: v.minDistinct, Scope: v.scope}
	if l.resolution != nil {
		q.Res = l.resolution(a.Z)
		if v.maxRes > 0 && q.Res > v.maxRes {
			q.Res = v.maxRes // privacy: public views are never finer than r8
		}
	}
	if !v.public {
		data, err := l.tile(s.store, ctx, q)
		if err != nil {
			return nil, err
		}
		return newTile(data, meta), nil
	}
	return s.cached(ctx, l, q, meta)
}

// cached serves a public tile from the cache, rendering it on a miss. Hotspot
// keys carry the newest analysis run id, so a new run invalidates them.
func (s *Service) cached(ctx context.Context, l Layer, q Query, meta tileMeta) (*Tile, error) {
	key := meta.params + "|" + q.Address.String() + "|" + strconv.Itoa(q.Res)
	if l.Analysis {
		run, err := s.runs.latest(ctx)
		if err != nil {
			return nil, err
		}
		key += "|run" + strconv.FormatInt(run, 10)
	}
	if t, ok := s.cache.Get(key); ok {
		return t, nil
	}
	data, err := l.tile(s.store, ctx, q)
	if err != nil {
		return nil, err
	}
	t := newTile(data, meta)
	s.cache.Add(key, t)
	return t, nil
}

// RefreshReportCells rewrites the report rollup the low-zoom report
// clusters read (zooms up to 12); reports newer than the last refresh show
// from zoom 13 on at once, below it after the next refresh.
func (s *Service) RefreshReportCells(ctx context.Context) error {
	_, err := s.rollup.RefreshReportCells(ctx)
	return err
}

// RefreshLoop refreshes the report rollup now and then every
// Config.ClusterRefresh until ctx ends, logging failures (there is no caller
// to return them to). With several replicas, one refreshes at a time.
func (s *Service) RefreshLoop(ctx context.Context, logger *slog.Logger) {
	t := time.NewTicker(s.cfg.ClusterRefresh)
	defer t.Stop()
	for {
		start := time.Now()
		if done, err := s.rollup.RefreshReportCells(ctx); err != nil && ctx.Err() == nil {
			logger.ErrorContext(ctx, "Report clusters not refreshed", slog.String("error", err.Error()))
		} else if done {
			logger.DebugContext(ctx, "Report clusters refreshed", slog.Duration("duration", time.Since(start)))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
