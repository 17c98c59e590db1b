package auth

import "time"

// APITokenPrefix starts every API token, so leaked tokens are easy to
// recognise (and to scan for in repositories and logs).
const APITokenPrefix = "vkt_"

// APIToken is a bearer token an integration uses instead of a session. The
// plaintext is returned once, by Service.CreateToken; only its SHA-256 is
// stored. Prefix is the token's first characters, safe to display.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	Prefix     string
	CreatedAt  time.Time
	ExpiresAt  *time.Time // nil: never expires
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Active reports whether the token can authenticate at now.
func (t APIToken) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || t.ExpiresAt.After(now))
}

// displayPrefixLen is how much of a token Prefix keeps: APITokenPrefix and
// six random characters (36 bits, useless to an attacker).
const displayPrefixLen = len(APITokenPrefix) + 6
