package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
)

// TestAuthMiddleware drives authenticate, requireAuth and requireRole on a
// bare router with probe routes.
func TestAuthMiddleware(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.New(t)
	svc, err := auth.NewService(pool, auth.Deps{Config: auth.Config{
		Password: auth.PasswordParams{Memory: 1024, Iterations: 1, Parallelism: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(ctx, auth.Principal{}, auth.NewUser{Username: "station.officer",
		Password: "correct horse battery", Role: auth.RoleStation,
		Scope: auth.Scope{Kind: auth.ScopeStation, ID: 12}}); err != nil {
		t.Fatal(err)
	}
	sess, _, err := svc.Login(ctx, "station.officer", "correct horse battery", "192.0.2.1", "")
	if err != nil {
		t.Fatal(err)
	}

	h := &Handler{deps: Deps{Auth: svc}}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	g := r.Group("/api/v1", h.authenticate())
	whoami := func(c *gin.Context) {
		p, ok := principalOf(c)
		if !ok {
			c.String(http.StatusOK, "anonymous")
			return
		}
		c.String(http.StatusOK, string(p.Role)+" "+p.Scope.String())
	}
	g.GET("/open", whoami)
	g.POST("/open", whoami)
	g.GET("/staff", h.requireAuth(), whoami)
	g.GET("/station-only", h.requireRole(auth.RoleStation, auth.RoleSP), whoami)
	g.GET("/admin-only", h.requireRole(auth.RoleAdmin), whoami)

	do := func(method, path string, withCookie bool, csrf string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		if withCookie {
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: sess.Token})
		}
		if csrf != "" {
			req.Header.Set(csrfHeader, csrf)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		return rec
	}

	tests := []struct {
		name       string
		method     string
		path       string
		cookie     bool
		csrf       string
		wantStatus int
		wantBody   string
	}{
		{"AnonymousPassesThrough", http.MethodGet, "/api/v1/open", false, "", 200, "anonymous"},
		{"AnonymousPostNeedsNoCSRF", http.MethodPost, "/api/v1/open", false, "", 200, "anonymous"},
		{"CookieSetsPrincipal", http.MethodGet, "/api/v1/open", true, "", 200, "station station:12"},
		{"CookiePostWithoutCSRF", http.MethodPost, "/api/v1/open", true, "", 403, ""},
		{"CookiePostWithCSRF", http.MethodPost, "/api/v1/open", true, sess.CSRFToken, 200, "station station:12"},
		{"RequireAuthAnonymous", http.MethodGet, "/api/v1/staff", false, "", 401, ""},
		{"RequireAuthSession", http.MethodGet, "/api/v1/staff", true, "", 200, "station station:12"},
		{"RequireRoleAnonymous", http.MethodGet, "/api/v1/station-only", false, "", 401, ""},
		{"RequireRoleAllowed", http.MethodGet, "/api/v1/station-only", true, "", 200, "station station:12"},
		{"RequireRoleRefused", http.MethodGet, "/api/v1/admin-only", true, "", 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(tt.method, tt.path, tt.cookie, tt.csrf)
			if rec.Code != tt.wantStatus || tt.wantBody != "" && rec.Body.String() != tt.wantBody {
				t.Fatalf("status %d body %q; want %d %q", rec.Code, rec.Body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}
