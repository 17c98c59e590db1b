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

// Tracking throttle: failures per client address and per complaint code
// within trackWindow. See docs/SECURITY.md ("Hardening round 2") for the
// arithmetic of guesses against the 80-bit secret.
const (
	trackFailures = 10
	trackWindow   = 15 * time.Minute
	// spentCodeCost is what a wrong secret for a code whose budget is
	// spent costs the caller's address: half its budget, so a guesser
	// spread over many addresses gets two guesses from each, while she can
	// still mistype once.
	spentCodeCost = trackFailures / 2
)

// throttledComplainant runs fn, a call that proves ownership of complaint
// code with its secret, under the tracking throttle. Only the client
// address is checked before fn runs: an address that has used up its
// failures is refused (429) without a check, which bounds what one guesser
// learns. The code's own count never stops fn: her correct secret always
// works, however many strangers guessed at her code. A wrong secret for a
// code whose count is spent is answered 429, like before, and costs the
// address spentCodeCost failures. An error of fn for which failed holds
// counts against the address; a wrong code or secret (ErrNotFound) also
// against the code, in the canonical form the lookup uses, so spelling it
// differently does not open a new count.
func (h *Handler) throttledComplainant(c *gin.Context, code string, failed func(error) bool, fn func() error) error {
	now, ip := time.Now(), c.ClientIP()
	if h.trackByAddr.Allow(ip, now) != nil {
		return errTrackThrottled
	}
	err := fn() // constant-cost: the secret is compared in constant time, also for unknown codes
	if !failed(err) {
		return err
	}
	h.trackByAddr.Fail(ip, now)
	cc, perr := cases.ParseCode(code, cases.English)
	if perr != nil || !errors.Is(err, vikalp.ErrNotFound) {
		return err // a code with a typo is nobody's: it has no count of its own
	}
	spent := h.trackByCode.Allow(string(cc), now) != nil
	h.trackByCode.Fail(string(cc), now)
	if spent {
		h.trackByAddr.FailN(ip, now, spentCodeCost-1)
		return errTrackThrottled
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
