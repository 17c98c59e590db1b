// Package vikalp holds the error kinds shared by every Vikalp package. It is a
// leaf: it imports nothing of ours, so any package may depend on it.
//
// Domain packages wrap one of the sentinel kinds below (with fmt.Errorf and %w)
// and the API layer maps the kind to an HTTP status in one place. Only messages
// built with Invalidf (or the other *f helpers) are ever shown to users; any
// other error text stays in the logs.
package vikalp

import (
	"errors"
	"fmt"
)

// Error kinds. Wrap them; compare with errors.Is.
var (
	// ErrInvalid marks input a person can fix (bad field, out-of-range value).
	ErrInvalid = errors.New("invalid input")
	// ErrUnauthorized marks a caller with no (or an expired) identity.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden marks a known caller whose role may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound marks a missing row, or one outside the caller's scope:
	// callers cannot tell the two apart, by design.
	ErrNotFound = errors.New("not found")
	// ErrConflict marks a uniqueness or state conflict (illegal transition).
	ErrConflict = errors.New("conflict")
	// ErrTooManyRequests marks a throttled caller.
	ErrTooManyRequests = errors.New("too many requests")
	// ErrUnsupportedMediaType marks a request body of a type the endpoint
	// does not take (text/plain where JSON is documented).
	ErrUnsupportedMediaType = errors.New("unsupported media type")
)

// UserError is an error whose Message is safe to show to the person who caused
// it. It wraps one of the kinds above so the HTTP mapper can pick a status.
type UserError struct {
	Kind    error  // one of the Err* kinds
	Field   string // the offending input field, if any
	Code    string // a stable machine-readable code, e.g. "outside_up"
	Message string // a human sentence, safe for clients
}

// Error implements error.
func (e *UserError) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Unwrap exposes the kind to errors.Is.
func (e *UserError) Unwrap() error { return e.Kind }

// Invalidf returns an ErrInvalid whose message is safe to show the user.
func Invalidf(format string, args ...any) error {
	return &UserError{Kind: ErrInvalid, Message: fmt.Sprintf(format, args...)}
}

// InvalidField returns an ErrInvalid about one input field with a stable code
// and a user-safe message.
func InvalidField(field, code, message string) error {
	return &UserError{Kind: ErrInvalid, Field: field, Code: code, Message: message}
}

// Conflictf returns an ErrConflict whose message is safe to show the user.
func Conflictf(format string, args ...any) error {
	return &UserError{Kind: ErrConflict, Message: fmt.Sprintf(format, args...)}
}

// Forbiddenf returns an ErrForbidden whose message is safe to show the user.
func Forbiddenf(format string, args ...any) error {
	return &UserError{Kind: ErrForbidden, Message: fmt.Sprintf(format, args...)}
}

// AsUserError returns the outermost UserError in err's chain, if any.
func AsUserError(err error) (*UserError, bool) {
	var ue *UserError
	if errors.As(err, &ue) {
		return ue, true
	}
	return nil, false
}
