package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
)

// registerComplaintRoutes wires the complainant's side of the lifecycle:
// filing (anonymous or E-cell assisted), tracking, rating and withdrawal.
// Tracking-style calls prove ownership with code + secret in the body, never
// in the URL, so they stay out of logs and browser history.
func (h *Handler) registerComplaintRoutes(v1 *gin.RouterGroup) {
	if h.deps.Cases == nil {
		return
	}
	v1.GET("/complaint-categories", handle(h.listComplaintCategories))
	v1.POST("/complaints", h.limitPublic(), handle(h.fileComplaint))
	v1.POST("/complaints/track", handle(h.trackComplaint))
	v1.POST("/complaints/rate", handle(h.rateComplaint))
	v1.POST("/complaints/withdraw", handle(h.withdrawComplaint))
	h.registerComplaintStaffRoutes(v1)
}

func (h *Handler) listComplaintCategories(c *gin.Context) error {
	c.JSON(http.StatusOK, gin.H{"categories": newCategoriesResponse(cases.Categories())})
	return nil
}

// fileComplaint files a complaint. An E-cell session files it as assisted;
// every other caller files anonymously. A retry with the same
// Idempotency-Key returns the same complaint.
func (h *Handler) fileComplaint(c *gin.Context) error {
	lang := requestLanguage(c, "")
	var req fileComplaintRequest
	if err := bindJSON(c, &req, lang); err != nil {
		return err
	}
	lang = requestLanguage(c, req.Language)
	var by *auth.Principal
	if p, ok := principalOf(c); ok {
		by = &p
	}
	filed, err := h.deps.Cases.File(c.Request.Context(), by, req.input(idempotencyKey(c)), lang)
	if err != nil {
		return err
	}
	c.JSON(createdOrReplayed(filed.Replayed), filedResponse{Code: string(filed.Code), Secret: string(filed.Secret), Status: string(filed.Status),
		ATRDueAt: filed.ATRDueAt, Replayed: filed.Replayed})
	return nil
}

func (h *Handler) trackComplaint(c *gin.Context) error {
	return h.asComplainant(c, func(req complainantRequest, lang cases.Language) (cases.Tracking, error) {
		return h.deps.Cases.Track(c.Request.Context(), req.Code, req.Secret, lang)
	})
}

func (h *Handler) rateComplaint(c *gin.Context) error {
	return h.asComplainant(c, func(req complainantRequest, lang cases.Language) (cases.Tracking, error) {
		return h.deps.Cases.Rate(c.Request.Context(), req.Code, req.Secret, cases.Rating(strings.ToUpper(req.Rating)), req.Reason, lang)
	})
}

func (h *Handler) withdrawComplaint(c *gin.Context) error {
	return h.asComplainant(c, func(req complainantRequest, lang cases.Language) (cases.Tracking, error) {
		return h.deps.Cases.Withdraw(c.Request.Context(), req.Code, req.Secret, req.Reason, lang)
	})
}

// asComplainant runs one code+secret call under the tracking throttle
// (throttledComplainant), where an invalid request, such as a code with a
// typo, counts as a failure too.
func (h *Handler) asComplainant(c *gin.Context, fn func(complainantRequest, cases.Language) (cases.Tracking, error)) error {
	lang := requestLanguage(c, "")
	var req complainantRequest
	if err := bindJSON(c, &req, lang); err != nil {
		return err
	}
	var t cases.Tracking
	err := h.throttledComplainant(c, req.Code, notFoundOrInvalid, func() (err error) {
		t, err = fn(req, lang)
		return err
	})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newTrackingResponse(t))
	return nil
}

// throttledComplainant runs fn, a call that proves ownership of complaint
// code, under the tracking throttle: a client address or a code that has
// failed too often is refused for a while, so codes and secrets cannot be
// guessed online. An error of fn for which failed holds counts as a failure.
func (h *Handler) throttledComplainant(c *gin.Context, code string, failed func(error) bool, fn func() error) error {
	now := time.Now()
	ipKey, codeKey := "ip:"+c.ClientIP(), "code:"+normalizeCodeKey(code)
	if h.trackThrottle.Allow(ipKey, now) != nil || h.trackThrottle.Allow(codeKey, now) != nil {
		return errTrackThrottled
	}
	err := fn()
	if failed(err) {
		h.trackThrottle.Fail(ipKey, now)
		h.trackThrottle.Fail(codeKey, now)
	}
	return err
}

// notFound and notFoundOrInvalid say which errors of a code+secret call
// count against the tracking throttle.
func notFound(err error) bool { return errors.Is(err, vikalp.ErrNotFound) }

func notFoundOrInvalid(err error) bool {
	return errors.Is(err, vikalp.ErrNotFound) || errors.Is(err, vikalp.ErrInvalid)
}

var errTrackThrottled = &vikalp.UserError{Kind: vikalp.ErrTooManyRequests, Code: "tracking_throttled",
	Message: "too many attempts; please wait 15 minutes and try again"}

// normalizeCodeKey makes the throttle key independent of how a code is typed.
func normalizeCodeKey(code string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToUpper(code))
}

// requestLanguage picks the language for user-facing messages: the body's
// language field, else ?lang=, else Accept-Language, else English.
func requestLanguage(c *gin.Context, bodyLang string) cases.Language {
	for _, v := range []string{bodyLang, c.Query("lang")} {
		if l := cases.Language(strings.ToLower(strings.TrimSpace(v))); l.Valid() {
			return l
		}
	}
	if strings.HasPrefix(strings.ToLower(c.GetHeader("Accept-Language")), "hi") {
		return cases.Hindi
	}
	return cases.English
}

// bindJSON decodes a JSON body, turning malformed input into a message a
// person understands.
func bindJSON(c *gin.Context, dst any, lang cases.Language) error {
	if err := decodeJSON(c, dst); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return &vikalp.UserError{Kind: vikalp.ErrInvalid, Code: cases.CodeBodyTooLarge,
				Message: cases.Message(cases.CodeBodyTooLarge, lang)}
		}
		return &vikalp.UserError{Kind: vikalp.ErrInvalid, Code: cases.CodeMalformedBody,
			Message: cases.Message(cases.CodeMalformedBody, lang)}
	}
	return nil
}
