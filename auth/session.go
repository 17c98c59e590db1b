package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"
)

// Session is a browser login. Token is the cookie value and is set only on
// the Session returned by Login: the database keeps its SHA-256 alone.
type Session struct {
	ID         int64
	UserID     int64
	Token      string // plaintext, only right after creation
	CSRFToken  string // the value unsafe requests must echo in X-CSRF-Token
	IP         string
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	Stage      SessionStage
}

// SessionStage says what a session may do.
type SessionStage string

// The stages of a session.
const (
	// StageFull is a normal login: the user's role and scope apply.
	StageFull SessionStage = "full"
	// StageEnrol is the restricted session of a user whose role requires a
	// TOTP second factor they have not enrolled yet: it may enrol and do
	// nothing else.
	StageEnrol SessionStage = "enrol"
)

// Restricted reports whether the session may only enrol a second factor.
func (s Session) Restricted() bool { return s.Stage == StageEnrol }

// Expired reports whether the session has run out at now.
func (s Session) Expired(now time.Time) bool { return !s.ExpiresAt.After(now) }

// tokenBytes is the entropy of every session, CSRF and API token.
const tokenBytes = 32

// tokenEncoding encodes tokens so they are safe in cookies and headers.
var tokenEncoding = base64.RawURLEncoding

// newToken returns a fresh random token with the given prefix and its hash.
func newToken(prefix string) (string, []byte, error) {
	var b [tokenBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, err
	}
	token := prefix + tokenEncoding.EncodeToString(b[:])
	return token, hashToken(token), nil
}

// hashToken is how a token is looked up: the SHA-256 of its text. Tokens
// carry 256 random bits, so a fast hash suffices (no salt or stretching).
func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// wellFormedToken reports whether token has the shape newToken(prefix)
// produces, so garbage never reaches the database.
func wellFormedToken(token, prefix string) bool {
	rest, ok := strings.CutPrefix(token, prefix)
	if !ok || len(rest) != tokenEncoding.EncodedLen(tokenBytes) {
		return false
	}
	_, err := tokenEncoding.DecodeString(rest)
	return err == nil
}

// truncate cuts s to at most n bytes without splitting a character and
// drops NUL bytes, which PostgreSQL text cannot hold.
func truncate(s string, n int) string {
	s = strings.ReplaceAll(s, "\x00", "")
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}
