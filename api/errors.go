package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/cases"
	"github.com/vikalp/vikalp/ingest"
	"github.com/vikalp/vikalp/internal/pg"
)

// statusClientClosed marks a request the client abandoned before the answer.
const statusClientClosed = 499

// errorResponse is the one JSON error shape every endpoint returns.
type errorResponse struct {
	Error     string `json:"error"`
	Code      string `json:"code,omitempty"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// handlerFunc is a Gin handler that returns its error instead of writing it.
type handlerFunc func(c *gin.Context) error

// handle adapts a handlerFunc: the returned error goes through writeError, the
// single place where error kinds become HTTP statuses.
func handle(fn handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			writeError(c, err)
		}
	}
}

// writeError maps an error kind to a status and a client-safe body. Only the
// message of a vikalp.UserError reaches the client; every other error text
// stays in the log, keyed by the request ID.
func writeError(c *gin.Context, err error) {
	status, body := errorStatus(err)
	body.RequestID = requestID(c)
	body.Error = inRequestLanguage(c, body)
	if status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "5")
	}
	if c.Request.Context().Err() != nil && errors.Is(err, context.Canceled) {
		// The client went away mid-request (its transaction rolled back):
		// not a server failure. 499 is nginx's "client closed request".
		c.AbortWithStatus(statusClientClosed)
		return
	}
	if status >= 500 {
		logger(c).ErrorContext(c.Request.Context(), "Request failed",
			slog.String("request_id", body.RequestID), slog.String("error", err.Error()))
	}
	c.AbortWithStatusJSON(status, body)
}

func errorStatus(err error) (int, errorResponse) {
	if ue, ok := vikalp.AsUserError(err); ok {
		return kindStatus(ue.Kind), errorResponse{Error: ue.Message, Code: ue.Code, Field: ue.Field}
	}
	if pg.Unavailable(err) { // the database is away: the client retries, with its Idempotency-Key
		return http.StatusServiceUnavailable, errorResponse{Error: genericMessage(http.StatusServiceUnavailable), Code: "unavailable"}
	}
	status := kindStatus(err)
	return status, errorResponse{Error: genericMessage(status)}
}

func kindStatus(err error) int {
	switch {
	case errors.Is(err, vikalp.ErrInvalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, vikalp.ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, vikalp.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, vikalp.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, vikalp.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, vikalp.ErrTooManyRequests):
		return http.StatusTooManyRequests
	case errors.Is(err, vikalp.ErrUnsupportedMediaType):
		return http.StatusUnsupportedMediaType
	}
	return http.StatusInternalServerError
}

func genericMessage(status int) string {
	switch status {
	case http.StatusUnprocessableEntity:
		return "the request is not valid"
	case http.StatusUnauthorized:
		return "please log in"
	case http.StatusForbidden:
		return "you are not allowed to do this"
	case http.StatusNotFound:
		return "not found"
	case http.StatusConflict:
		return "this conflicts with the current state"
	case http.StatusTooManyRequests:
		return "too many requests; please wait a moment and try again"
	case http.StatusUnsupportedMediaType:
		return "this type of request body is not accepted here"
	case http.StatusServiceUnavailable:
		return "the service is briefly unavailable; please try again in a moment"
	}
	return "internal error"
}

// inRequestLanguage is body's message in the request's language: package
// ingest words its refusals in English, so a request asking for Hindi gets
// the Hindi wording of the code where there is one. Messages already in
// Hindi (complaints word theirs in the request's language) stay.
func inRequestLanguage(c *gin.Context, body errorResponse) string {
	if body.Code == "" || requestLanguage(c, "") != cases.Hindi || hasDevanagari(body.Error) {
		return body.Error
	}
	if hi, ok := ingest.HindiMessage(body.Field, body.Code); ok {
		return hi
	}
	return body.Error
}

// hasDevanagari reports whether s holds Devanagari script.
func hasDevanagari(s string) bool {
	for _, r := range s {
		if r >= 0x0900 && r <= 0x097F {
			return true
		}
	}
	return false
}
