package alerts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Hub fans alert events out to the consoles connected to this process. It
// holds one dedicated connection that LISTENs on NotifyChannel; a
// notification only wakes it: it then reads every event above its cursor
// from the database, in id order, and hands each to every subscriber. So a
// dropped connection loses nothing: after reconnecting (with backoff) the
// hub reads what it missed the same way. Events reach consoles on every
// replica because every replica's hub LISTENs on the same database.
type Hub struct {
	pool   *pgxpool.Pool
	logger *slog.Logger

	mu     sync.Mutex
	cursor int64 // highest event id handed to subscribers
	subs   map[*hubSub]struct{}
	ready  chan struct{}
}

// hubSub is one subscriber's queue.
type hubSub struct {
	ch chan EventView
}

// subBuffer is how many events a slow console may lag before the hub drops
// it (it reconnects with Last-Event-ID and loses nothing).
const subBuffer = 512

// HubDeps are what a Hub needs besides the pool.
type HubDeps struct {
	Logger *slog.Logger // slog.Default() when nil
}

// NewHub returns a Hub reading from pool (a pool, not a DBTX: LISTEN holds
// one of its connections); Run starts it.
func NewHub(pool *pgxpool.Pool, d HubDeps) *Hub {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return &Hub{pool: pool, logger: d.Logger, subs: map[*hubSub]struct{}{}, ready: make(chan struct{})}
}

// Run listens until ctx ends, reconnecting with backoff after any error.
func (h *Hub) Run(ctx context.Context) {
	backoff := 100 * time.Millisecond
	first := true
	for ctx.Err() == nil {
		err := h.listen(ctx, func() {
			backoff = 100 * time.Millisecond
			if first {
				first = false
				close(h.ready)
			}
		})
		if ctx.Err() != nil {
			break
		}
		h.logger.WarnContext(ctx, "Alert hub lost its listener; reconnecting", slog.String("error", err.Error()),
			slog.Duration("backoff", backoff))
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		close(s.ch)
		delete(h.subs, s)
	}
}

// Ready is closed once the hub listens for the first time.
func (h *Hub) Ready() <-chan struct{} { return h.ready }

// listen runs one connection's life: LISTEN, catch up, then catch up again
// on every notification.
func (h *Hub) listen(ctx context.Context, listening func()) error {
	conn, err := pgx.ConnectConfig(ctx, h.pool.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("connect listener: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+NotifyChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	h.mu.Lock()
	if !h.started() {
		// First start: begin at the newest committed event; history is
		// what Last-Event-ID replay is for.
		last, err := NewAlertStore(conn).LastEventID(ctx)
		if err != nil {
			h.mu.Unlock()
			return err
		}
		h.cursor = last
	}
	h.mu.Unlock()
	listening()
	if err := h.catchUp(ctx, conn); err != nil {
		return err
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("wait for notification: %w", err)
		}
		if h.seen(n.Payload) {
			continue // read with an earlier notification's events (a filing commits two at once)
		}
		if err := h.catchUp(ctx, conn); err != nil {
			return err
		}
	}
}

// seen reports whether the event at position payload (a notification's
// text) was already broadcast. An unreadable payload is not seen.
func (h *Hub) seen(payload string) bool {
	pos, err := strconv.ParseInt(payload, 10, 64)
	if err != nil {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return pos <= h.cursor
}

func (h *Hub) started() bool {
	select {
	case <-h.ready:
		return true
	default:
		return false
	}
}

// catchUp reads every event above the cursor and broadcasts it.
func (h *Hub) catchUp(ctx context.Context, conn *pgx.Conn) error {
	store := NewAlertStore(conn)
	for {
		h.mu.Lock()
		after := h.cursor
		h.mu.Unlock()
		events, err := store.AllEventsAfter(ctx, after, replayPage)
		if err != nil {
			return err
		}
		for _, e := range events {
			h.broadcast(e)
		}
		if len(events) < replayPage {
			return nil
		}
	}
}

// broadcast hands e to every subscriber and advances the cursor; a
// subscriber whose queue is full is dropped (its channel closed).
func (h *Hub) broadcast(e EventView) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if e.ID <= h.cursor {
		return
	}
	h.cursor = e.ID
	for s := range h.subs {
		select {
		case s.ch <- e:
		default:
			close(s.ch)
			delete(h.subs, s)
		}
	}
}

// errHubNotReady is returned by Subscribe before the hub first listens.
var errHubNotReady = errors.New("alert hub is not listening yet")

// subscribe registers a subscriber and returns its queue and the cursor at
// that instant: every event above the cursor will arrive on the queue.
func (h *Hub) subscribe(ctx context.Context) (*hubSub, int64, error) {
	select {
	case <-h.ready:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	case <-time.After(5 * time.Second):
		return nil, 0, errHubNotReady
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := &hubSub{ch: make(chan EventView, subBuffer)}
	h.subs[s] = struct{}{}
	return s, h.cursor, nil
}

// unsubscribe removes s (a no-op when the hub already dropped it).
func (h *Hub) unsubscribe(s *hubSub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		close(s.ch)
	}
}
