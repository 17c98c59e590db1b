package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
)

// registerSessionRoutes wires login, logout and the caller's own account.
// Without an auth service (tests of other areas) there are none.
func (h *Handler) registerSessionRoutes(v1 *gin.RouterGroup) {
	if h.deps.Auth == nil {
		return
	}
	v1.POST("/session", handle(h.createSession))
	v1.DELETE("/session", handle(h.deleteSession))
	v1.GET("/me", h.requireAuth(), handle(h.getMe))
	v1.POST("/me/password", h.requireAuth(), handle(h.changePassword))
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type scopeResponse struct {
	Kind string `json:"kind"`
	ID   int64  `json:"id"`
}

type userResponse struct {
	ID          int64         `json:"id"`
	Username    string        `json:"username"`
	DisplayName string        `json:"display_name"`
	Role        string        `json:"role"`
	Scope       scopeResponse `json:"scope"`
}

func newUserResponse(p auth.Principal) userResponse {
	return userResponse{ID: p.UserID, Username: p.Username, DisplayName: p.DisplayName, Role: string(p.Role),
		Scope: scopeResponse{Kind: string(p.Scope.Kind), ID: p.Scope.ID}}
}

type sessionResponse struct {
	User      userResponse `json:"user"`
	CSRFToken string       `json:"csrf_token,omitempty"` // absent for API-token callers
	ExpiresAt *time.Time   `json:"expires_at,omitempty"`
}

var errLoginFields = vikalp.Invalidf("send JSON with a username and a password")

// createSession logs in: a fresh session cookie, a readable CSRF cookie, and
// the user with the CSRF token in the body. Any session the request already
// carried is ended, so a login always rotates the token.
func (h *Handler) createSession(c *gin.Context) error {
	var req loginRequest
	if err := c.ShouldBindJSON(&req); err != nil || req.Username == "" || req.Password == "" {
		return errLoginFields
	}
	ctx := c.Request.Context()
	sess, p, err := h.deps.Auth.Login(ctx, req.Username, req.Password, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if old, err := c.Cookie(sessionCookie); err == nil && old != "" {
		if err := h.deps.Auth.Logout(ctx, old); err != nil {
			return fmt.Errorf("end previous session: %w", err)
		}
	}
	h.setSessionCookies(c, sess)
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, sessionResponse{User: newUserResponse(p), CSRFToken: sess.CSRFToken, ExpiresAt: &sess.ExpiresAt})
	return nil
}

// deleteSession logs out: the session ends and both cookies are cleared.
// Logging out without a session is not an error.
func (h *Handler) deleteSession(c *gin.Context) error {
	if token, err := c.Cookie(sessionCookie); err == nil && token != "" {
		if err := h.deps.Auth.Logout(c.Request.Context(), token); err != nil {
			return fmt.Errorf("logout: %w", err)
		}
	}
	h.clearSessionCookies(c)
	c.Status(http.StatusNoContent)
	return nil
}

// getMe returns the caller's identity, role and scope (and, for a browser
// session, its CSRF token, so a reloaded page can recover it).
func (h *Handler) getMe(c *gin.Context) error {
	p, _ := principalOf(c)
	resp := sessionResponse{User: newUserResponse(p)}
	if sess, ok := sessionOf(c); ok {
		resp.CSRFToken = sess.CSRFToken
		resp.ExpiresAt = &sess.ExpiresAt
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, resp)
	return nil
}

type changePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword sets a new password for the caller and ends their other
// sessions.
func (h *Handler) changePassword(c *gin.Context) error {
	var req changePasswordRequest
	if err := c.ShouldBindJSON(&req); err != nil {
		return vikalp.Invalidf("send JSON with current_password and new_password")
	}
	p, _ := principalOf(c)
	sess, _ := sessionOf(c)
	if err := h.deps.Auth.ChangePassword(c.Request.Context(), p, sess.ID, req.CurrentPassword, req.NewPassword); err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	c.Status(http.StatusNoContent)
	return nil
}

// setSessionCookies sets the HttpOnly session cookie and the script-readable
// CSRF cookie, both expiring with the session.
func (h *Handler) setSessionCookies(c *gin.Context, sess auth.Session) {
	maxAge := int(time.Until(sess.ExpiresAt).Seconds())
	h.setCookie(c, sessionCookie, sess.Token, maxAge, true)
	h.setCookie(c, csrfCookie, sess.CSRFToken, maxAge, false)
}

// clearSessionCookies tells the browser to drop both cookies.
func (h *Handler) clearSessionCookies(c *gin.Context) {
	h.setCookie(c, sessionCookie, "", -1, true)
	h.setCookie(c, csrfCookie, "", -1, false)
}

func (h *Handler) setCookie(c *gin.Context, name, value string, maxAge int, httpOnly bool) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: httpOnly, Secure: h.deps.CookieSecure, SameSite: http.SameSiteLaxMode,
	})
}
