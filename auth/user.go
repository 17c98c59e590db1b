package auth

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vikalp/vikalp"
)

// User is a staff account. Its password hash never leaves the store except
// for verification inside this package.
type User struct {
	ID           int64
	Username     string
	DisplayName  string
	Role         Role
	Scope        Scope
	FailedLogins int        // consecutive failures inside the ceiling's window
	LockedUntil  *time.Time // guarded (see Guarded) while in the future
	LastLoginAt  *time.Time
	DisabledAt   *time.Time
	CreatedAt    time.Time
	// TOTPEnabledAt is when the user confirmed a TOTP second factor; nil
	// when they have none.
	TOTPEnabledAt *time.Time
}

// HasTOTP reports whether the user has a confirmed TOTP second factor.
func (u User) HasTOTP() bool { return u.TOTPEnabledAt != nil }

// Disabled reports whether the account has been disabled.
func (u User) Disabled() bool { return u.DisabledAt != nil }

// Guarded reports whether the account has reached its failure ceiling at
// now. A guarded account is not locked: its owner logs in from any address
// that has not failed for it, and only addresses that have are refused
// (Service.admit). The column keeps its old name, locked_until.
func (u User) Guarded(now time.Time) bool { return u.LockedUntil != nil && u.LockedUntil.After(now) }

// Principal returns the identity u acts as.
func (u User) Principal() Principal {
	return Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Scope: u.Scope}
}

// NewUser is what it takes to create an account.
type NewUser struct {
	Username    string
	DisplayName string
	Password    string
	Role        Role
	Scope       Scope
}

// MaxDisplayNameLength bounds a display name, in characters.
const MaxDisplayNameLength = 100

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$`)

// Validate checks every field of n, returning an ErrInvalid with a user-safe
// message for the first problem.
func (n NewUser) Validate() error {
	if err := ValidateUsername(n.Username); err != nil {
		return err
	}
	if utf8.RuneCountInString(n.DisplayName) > MaxDisplayNameLength || !utf8.ValidString(n.DisplayName) {
		return vikalp.InvalidField("display_name", "display_name_too_long",
			"a display name may have at most 100 characters")
	}
	if err := ValidatePassword(n.Password); err != nil {
		return err
	}
	return ValidateAssignment(n.Role, n.Scope)
}

// ValidateUsername checks a username: 3 to 64 characters of letters, digits
// and . _ @ -, starting with a letter or digit. Usernames compare without
// regard to case.
func ValidateUsername(username string) error {
	if !usernamePattern.MatchString(username) {
		return vikalp.InvalidField("username", "bad_username",
			"a username has 3 to 64 letters, digits or . _ @ -, and starts with a letter or digit")
	}
	return nil
}

// normalizeUsername is the key the in-memory throttles use for a username.
func normalizeUsername(username string) string {
	return strings.ToLower(strings.TrimSpace(username))
}
