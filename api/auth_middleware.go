package api

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
)

const (
	// sessionCookie holds the session token: HttpOnly, never readable by
	// scripts.
	sessionCookie = "vikalp_session"
	// csrfCookie holds the session's CSRF token for the web app to read and
	// echo in csrfHeader on every unsafe request.
	csrfCookie = "vikalp_csrf"
	csrfHeader = "X-CSRF-Token"
	ctxSession = "vikalp.session"
)

// csrfExempt lists the unsafe routes a cookie may reach without a CSRF
// token: logging in replaces whatever session the cookie names. Their
// origin is checked instead, cookie or not (identify).
var csrfExempt = map[string]bool{
	http.MethodPost + " /api/v1/session":      true,
	http.MethodPost + " /api/v1/session/totp": true,
}

// enrolRoutes are all an enrol-only session (auth.Session.Restricted) may
// call as its user: elsewhere the caller is anonymous, so it can do nothing
// a stranger could not.
var enrolRoutes = map[string]bool{
	http.MethodGet + " /api/v1/me":               true,
	http.MethodPost + " /api/v1/me/totp":         true,
	http.MethodPost + " /api/v1/me/totp/confirm": true,
	http.MethodDelete + " /api/v1/session":       true,
	http.MethodPost + " /api/v1/session":         true,
	http.MethodPost + " /api/v1/session/totp":    true,
}

var (
	errCSRF = &vikalp.UserError{Kind: vikalp.ErrForbidden, Code: "csrf_token",
		Message: "missing or invalid CSRF token; reload the page and try again"}
	errCrossOrigin = &vikalp.UserError{Kind: vikalp.ErrForbidden, Code: "cross_origin",
		Message: "requests from other sites are not accepted; open Vikalp itself and try again"}
	errBadAuthorization = &vikalp.UserError{Kind: vikalp.ErrUnauthorized, Code: "bad_authorization",
		Message: `the Authorization header must be "Bearer <token>"`}
	errLoginRequired = fmt.Errorf("no session or token: %w", vikalp.ErrUnauthorized)
	errRoleForbidden = fmt.Errorf("role not allowed: %w", vikalp.ErrForbidden)
)

// crossOrigin refuses browser requests from other origins: Sec-Fetch-Site
// "cross-site" or "same-site", or, from browsers that do not send it, an
// Origin whose host is not the request's. Requests with neither header
// (curl, integrations with bearer tokens) and safe methods pass.
var crossOrigin = http.NewCrossOriginProtection()

// authenticate identifies the caller (identify) and marks the answer
// private when it is personal (keepPrivate); a refusal ends the request.
func (h *Handler) authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h.identify(c); err != nil {
			writeError(c, err)
			return
		}
		keepPrivate(c)
		c.Next()
	}
}

// identify identifies the caller. An "Authorization: Bearer" API token
// wins; a bad one is refused outright (401), since the caller meant to
// authenticate. Otherwise the vikalp_session cookie is checked: an unknown
// or expired one is cleared and the caller continues anonymously, and a live
// one must come with the session's CSRF token in X-CSRF-Token on every
// unsafe method (403 otherwise). Unsafe methods with a session cookie, and
// the login steps with or without one, must also come from our own origin
// (crossOrigin, 403): a cross-site form cannot log a browser in as someone
// else (login CSRF). Bearer requests need neither check: a browser never
// attaches that header on its own. The principal goes into the request
// context (auth.WithPrincipal); anonymous callers pass through. An enrol-only
// session acts as its user only on enrolRoutes.
func (h *Handler) identify(c *gin.Context) error {
	route := c.Request.Method + " " + c.FullPath()
	if csrfExempt[route] {
		if err := checkOrigin(c); err != nil {
			return err
		}
	}
	if header := c.GetHeader("Authorization"); header != "" {
		return h.authenticateBearer(c, header)
	}
	token, err := c.Cookie(sessionCookie)
	if err != nil || token == "" {
		return nil
	}
	if err := checkOrigin(c); err != nil {
		return err
	}
	sess, p, err := h.deps.Auth.Authenticate(c.Request.Context(), token)
	if errors.Is(err, vikalp.ErrUnauthorized) {
		h.clearSessionCookies(c)
		return nil
	}
	if err != nil {
		return fmt.Errorf("authenticate session: %w", err)
	}
	if !safeMethod(c.Request.Method) && !csrfExempt[route] && !validCSRF(c.GetHeader(csrfHeader), sess.CSRFToken) {
		return errCSRF
	}
	if sess.Restricted() && !enrolRoutes[route] {
		return nil // anonymous until a second factor is enrolled
	}
	c.Set(ctxSession, sess)
	c.Request = c.Request.WithContext(auth.WithPrincipal(c.Request.Context(), p))
	return nil
}

// checkOrigin refuses an unsafe request from another origin (crossOrigin).
func checkOrigin(c *gin.Context) error {
	if err := crossOrigin.Check(c.Request); err != nil {
		return fmt.Errorf("%w: %w", errCrossOrigin, err)
	}
	return nil
}

// authenticateBearer authenticates an API token from the Authorization
// header, or returns the 401 to answer.
func (h *Handler) authenticateBearer(c *gin.Context, header string) error {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return errBadAuthorization
	}
	_, p, err := h.deps.Auth.AuthenticateToken(c.Request.Context(), strings.TrimSpace(token))
	if err != nil {
		return fmt.Errorf("authenticate bearer token: %w", err)
	}
	c.Request = c.Request.WithContext(auth.WithPrincipal(c.Request.Context(), p))
	return nil
}

// requireAuth refuses anonymous callers with 401.
func (h *Handler) requireAuth() gin.HandlerFunc {
	return func(c *gin.Context) {
		if _, ok := principalOf(c); !ok {
			writeError(c, errLoginRequired)
			return
		}
		c.Next()
	}
}

// requireRole refuses anonymous callers with 401 and callers holding none of
// roles with 403.
func (h *Handler) requireRole(roles ...auth.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := principalOf(c)
		if !ok {
			writeError(c, errLoginRequired)
			return
		}
		if !p.Has(roles...) {
			writeError(c, errRoleForbidden)
			return
		}
		c.Next()
	}
}

// principalOf returns the authenticated caller, if any.
func principalOf(c *gin.Context) (auth.Principal, bool) {
	return auth.FromContext(c.Request.Context())
}

// sessionOf returns the session of a cookie-authenticated caller; callers
// using an API token have none.
func sessionOf(c *gin.Context) (auth.Session, bool) {
	v, ok := c.Get(ctxSession)
	if !ok {
		return auth.Session{}, false
	}
	s, ok := v.(auth.Session)
	return s, ok
}

func safeMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

func validCSRF(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
