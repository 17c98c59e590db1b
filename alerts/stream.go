package alerts

import (
	"context"
	"errors"
	"fmt"

	"github.com/vikalp/vikalp/auth"
)

// ErrStreamClosed ends a Stream whose console fell too far behind or whose
// hub stopped; the console reconnects with Last-Event-ID and loses nothing.
var ErrStreamClosed = errors.New("alert stream closed")

// replayPage is how many missed events a Stream, or the Hub catching up,
// reads at once.
const replayPage = 500

// Stream is one console's ordered feed of the alert events it may see:
// first the events after its Last-Event-ID from the database, then live
// ones from the hub, each exactly once.
//
// Why no event is lost or doubled: the stream subscribes to the hub before
// it reads the database. An event committed before the subscription is in
// the database read; one committed after reaches the hub queue; one in
// between is in both and is skipped by id (ids only grow, see doc.go).
type Stream struct {
	hub    *Hub
	store  *AlertStore
	vis    Visibility
	sub    *hubSub
	sent   int64       // highest event id returned
	replay []EventView // fetched, not yet returned
	live   bool        // the database has nothing more above sent
}

// Follow opens p's stream after event id lastEventID; with lastEventID 0 it
// starts with the events that come next.
func (s *Service) Follow(ctx context.Context, hub *Hub, p auth.Principal, lastEventID int64) (*Stream, error) {
	v, err := VisibilityFor(p)
	if err != nil {
		return nil, err
	}
	sub, cursor, err := hub.subscribe(ctx)
	if err != nil {
		return nil, fmt.Errorf("follow alerts: %w", err)
	}
	st := &Stream{hub: hub, store: NewAlertStore(s.db), vis: v, sub: sub, sent: lastEventID}
	if lastEventID <= 0 {
		st.sent, st.live = cursor, true
	}
	return st, nil
}

// Next returns the next event, blocking until one comes or ctx ends.
func (st *Stream) Next(ctx context.Context) (EventView, error) {
	for {
		if len(st.replay) > 0 {
			e := st.replay[0]
			st.replay = st.replay[1:]
			st.sent = e.ID
			return e, nil
		}
		if !st.live {
			page, err := st.store.EventsAfter(ctx, st.vis, st.sent, replayPage)
			if err != nil {
				return EventView{}, err
			}
			st.replay, st.live = page, len(page) < replayPage
			continue
		}
		select {
		case <-ctx.Done():
			return EventView{}, ctx.Err()
		case e, ok := <-st.sub.ch:
			if !ok {
				return EventView{}, ErrStreamClosed
			}
			if e.ID <= st.sent {
				continue
			}
			if !st.vis.Allows(e.Alert) {
				continue
			}
			st.sent = e.ID
			return e, nil
		}
	}
}

// Close ends the stream.
func (st *Stream) Close() { st.hub.unsubscribe(st.sub) }
