package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/alerts"
)

// streamHeartbeat is how often an idle alert stream sends a comment line,
// so proxies keep it open and consoles notice a dead connection.
var streamHeartbeat = 15 * time.Second

// streamAlerts is GET /api/v1/alerts/stream: Server-Sent Events of the
// caller's alert events. Each event is "id: <event id>", "event: <kind>",
// "data: <JSON>"; a console that reconnects sends Last-Event-ID (or
// ?last_event_id=) and receives every event it missed, exactly once, then
// live ones. ": ping" comments come every 15 s.
func (h *Handler) streamAlerts(c *gin.Context) error {
	if h.deps.AlertHub == nil {
		return fmt.Errorf("alert stream without a hub")
	}
	last, err := lastEventID(c)
	if err != nil {
		return err
	}
	p, _ := principalOf(c)
	ctx := c.Request.Context()
	st, err := h.deps.Alerts.Follow(ctx, h.deps.AlertHub, p, last)
	if err != nil {
		return err
	}
	defer st.Close()

	// The stream outlives any server write deadline.
	rc := http.NewResponseController(c.Writer)
	_ = rc.SetWriteDeadline(time.Time{})
	hdr := c.Writer.Header()
	hdr.Set("Content-Type", "text/event-stream; charset=utf-8")
	hdr.Set("Cache-Control", "no-cache, no-store")
	hdr.Set("Connection", "keep-alive")
	hdr.Set("X-Accel-Buffering", "no") // no proxy buffering
	c.Status(http.StatusOK)
	if _, err := fmt.Fprint(c.Writer, "retry: 2000\n\n"); err != nil {
		return nil
	}
	if err := rc.Flush(); err != nil {
		return nil
	}
	for {
		waitCtx, cancel := context.WithTimeout(ctx, streamHeartbeat)
		e, err := st.Next(waitCtx)
		cancel()
		switch {
		case err == nil:
			err = h.writeSSE(ctx, c.Writer, e)
		case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
			_, err = fmt.Fprint(c.Writer, ": ping\n\n")
		default:
			return nil // client gone, or the hub dropped a lagging stream: the console resumes
		}
		if err != nil {
			return nil
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	}
}

// writeSSE writes one event, its alert described (placeAlerts); JSON has
// no raw newlines, so one data line.
func (h *Handler) writeSSE(ctx context.Context, w gin.ResponseWriter, e alerts.EventView) error {
	ev := newAlertEventResponse(e, true)
	one := []alertResponse{*ev.Alert}
	h.placeAlerts(ctx, one)
	ev.Alert = &one[0]
	data, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.ID, e.Kind, data)
	return err
}

var badLastEventID = vikalp.InvalidField("last_event_id", "bad_event_id", "Last-Event-ID must be an event id")

// lastEventID reads Last-Event-ID (EventSource reconnects) or the
// last_event_id query parameter (first connection of a console that kept
// its place); 0 when neither is given.
func lastEventID(c *gin.Context) (int64, error) {
	s := strings.TrimSpace(c.GetHeader("Last-Event-ID"))
	if s == "" {
		s = c.Query("last_event_id")
	}
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, badLastEventID
	}
	return n, nil
}
