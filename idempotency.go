package vikalp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"strings"
)

// Bounds of an Idempotency-Key. A key is all that stands between a retry
// and the first submission's answer (a complaint's code and, for a while,
// its secret), so it must be a random value nobody else can guess, as the
// web app's 32 hex digits are; "1" is not.
const (
	MinIdempotencyKey = 16
	MaxIdempotencyKey = 128
)

// ValidIdempotencyKey reports whether key is a usable Idempotency-Key:
// MinIdempotencyKey to MaxIdempotencyKey letters, digits, '-', '_', ':' or
// '.'. Reports, tips, complaints and complaint photos apply this one rule,
// each with its own (localised) message.
func ValidIdempotencyKey(key string) bool {
	return len(key) >= MinIdempotencyKey && len(key) <= MaxIdempotencyKey &&
		strings.Trim(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:.") == ""
}

// ContactFingerprint returns the HMAC-SHA256 under key of a submission's
// contact details (each field length-prefixed), or nil when every field is
// empty. Request fingerprints include it, so a retry of an Idempotency-Key
// with another contact is other content (a conflict), never the first
// submission's answer. It is keyed because a plain hash over a phone number
// could be brute-forced back to it; key is a server secret (derived from the
// data key in production), so the stored fingerprint reveals nothing.
func ContactFingerprint(key []byte, fields ...string) []byte {
	if strings.Join(fields, "") == "" {
		return nil
	}
	mac := hmac.New(sha256.New, key)
	for _, f := range fields {
		_ = binary.Write(mac, binary.BigEndian, uint32(len(f)))
		mac.Write([]byte(f))
	}
	return mac.Sum(nil)
}
