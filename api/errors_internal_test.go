package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

// A request whose client went away ends as 499, not as a logged 500.
func TestWriteErrorClientGone(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/reports", nil).WithContext(ctx)
	writeError(c, fmt.Errorf("insert report: %w", context.Canceled))
	if rec.Code != statusClientClosed {
		t.Fatalf("status %d, want 499", rec.Code)
	}
	rec = httptest.NewRecorder()
	c, _ = gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest(http.MethodPost, "/api/v1/reports", nil)
	writeError(c, fmt.Errorf("insert report: %w", context.Canceled))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("cancelled work with a live client: status %d, want 500", rec.Code)
	}
}
