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
	v1.POST("/session", handle(h.createSession))
	v1.POST("/session/totp", handle(h.completeSession))
	v1.DELETE("/session", handle(h.deleteSession))
	v1.GET("/me", h.requireAuth(), handle(h.getMe))
	v1.POST("/me/password", h.requireAuth(), handle(h.changePassword))
	h.registerTOTPRoutes(v1)
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
	// TOTPEnrolmentRequired marks a restricted session: the user's role
	// requires a second factor, and the session can only enrol one.
	TOTPEnrolmentRequired bool `json:"totp_enrolment_required,omitempty"`
	// TOTP is the caller's second-factor status (GET /me only).
	TOTP *totpStatusResponse `json:"totp,omitempty"`
}

// challengeResponse answers a correct password of a user with TOTP: no
// session yet, only the challenge that POST /session/totp completes.
type challengeResponse struct {
	TOTPRequired bool      `json:"totp_required"`
	Challenge    string    `json:"challenge"`
	ExpiresAt    time.Time `json:"expires_at"`
}

var errLoginFields = vikalp.Invalidf("send JSON with a username and a password")

// createSession is the password step of a login. A user with TOTP gets 202
// and a challenge (no cookie: no session exists until the code). Anyone else
// gets a fresh session cookie, a readable CSRF cookie, and the user with the
// CSRF token in the body; for a role that requires TOTP but has none, the
// session is restricted to enrolment (totp_enrolment_required). Any session
// the request already carried is ended, so a login always rotates the token.
func (h *Handler) createSession(c *gin.Context) error {
	var req loginRequest
	if err := c.ShouldBindJSON(&req); err != nil || req.Username == "" || req.Password == "" {
		return errLoginFields
	}
	ctx := c.Request.Context()
	res, err := h.deps.Auth.PasswordLogin(ctx, req.Username, req.Password, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if err := h.endPreviousSession(c); err != nil {
		return err
	}
	if res.NeedsCode() {
		h.clearSessionCookies(c)
		c.JSON(http.StatusAccepted, challengeResponse{TOTPRequired: true, Challenge: res.Challenge, ExpiresAt: res.ChallengeExpiresAt})
		return nil
	}
	h.writeNewSession(c, res.Session, res.Principal)
	return nil
}

type completeLoginRequest struct {
	Challenge string `json:"challenge"`
	Code      string `json:"code"`
}

// completeSession is the second step of a login with TOTP: the challenge
// from createSession and a code (or recovery code) start the session.
func (h *Handler) completeSession(c *gin.Context) error {
	var req completeLoginRequest
	if err := c.ShouldBindJSON(&req); err != nil || req.Challenge == "" || req.Code == "" {
		return vikalp.Invalidf("send JSON with the challenge and the code")
	}
	ctx := c.Request.Context()
	sess, p, err := h.deps.Auth.CompleteLogin(ctx, req.Challenge, req.Code, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		return fmt.Errorf("complete login: %w", err)
	}
	if err := h.endPreviousSession(c); err != nil {
		return err
	}
	h.writeNewSession(c, sess, p)
	return nil
}

// endPreviousSession ends the session the request's cookie names, if any.
func (h *Handler) endPreviousSession(c *gin.Context) error {
	if old, err := c.Cookie(sessionCookie); err == nil && old != "" {
		if err := h.deps.Auth.Logout(c.Request.Context(), old); err != nil {
			return fmt.Errorf("end previous session: %w", err)
		}
	}
	return nil
}

// writeNewSession sets the cookies of sess and answers with its user.
func (h *Handler) writeNewSession(c *gin.Context, sess auth.Session, p auth.Principal) {
	h.setSessionCookies(c, sess)
	c.JSON(http.StatusOK, sessionResponse{User: newUserResponse(p), CSRFToken: sess.CSRFToken,
		ExpiresAt: &sess.ExpiresAt, TOTPEnrolmentRequired: sess.Restricted()})
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
		resp.TOTPEnrolmentRequired = sess.Restricted()
	}
	st, err := h.deps.Auth.TOTPStatus(c.Request.Context(), p)
	if err != nil {
		return fmt.Errorf("totp status: %w", err)
	}
	resp.TOTP = newTOTPStatusResponse(st)
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
