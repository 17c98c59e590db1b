package api

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// Upload read deadlines. The server's ReadTimeout (cmd/vikalp) bounds an
// ordinary request, but a woman sending three photos from a phone on a
// weak network may need minutes. Upload routes therefore replace it with a
// progress deadline: the body must keep arriving, at most uploadIdleTimeout
// between reads, and all of it within uploadMaxDuration. A stalled or
// trickling (slow-loris) upload is cut off and stores nothing.
var (
	uploadIdleTimeout = 30 * time.Second
	uploadMaxDuration = 10 * time.Minute
)

// uploadDeadline puts an upload's body under the progress deadline.
func uploadDeadline() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Body != nil && c.Request.Body != http.NoBody {
			b := &deadlineBody{ReadCloser: c.Request.Body, rc: http.NewResponseController(c.Writer),
				end: time.Now().Add(uploadMaxDuration)}
			b.extend()
			c.Request.Body = b
		}
		c.Next()
	}
}

// deadlineBody moves the connection's read deadline forward on every read,
// never past end, and lifts it once the body is read to its end (the
// request is then handled like any other).
type deadlineBody struct {
	io.ReadCloser
	rc  *http.ResponseController
	end time.Time
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case errors.Is(err, io.EOF):
		_ = b.rc.SetReadDeadline(time.Time{})
	case err == nil:
		b.extend()
	}
	return n, err
}

// extend sets the read deadline uploadIdleTimeout from now, capped at end.
// Recorders in tests do not support deadlines; the error is ignored.
func (b *deadlineBody) extend() {
	d := time.Now().Add(uploadIdleTimeout)
	if d.After(b.end) {
		d = b.end
	}
	_ = b.rc.SetReadDeadline(d)
}
