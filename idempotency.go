package vikalp

import "strings"

// MaxIdempotencyKey is the longest Idempotency-Key any submission accepts.
const MaxIdempotencyKey = 128

// ValidIdempotencyKey reports whether key is a usable Idempotency-Key: 1 to
// MaxIdempotencyKey letters, digits, '-', '_', ':' or '.'. Reports, tips and
// complaints apply this one rule, each with its own (localised) message.
func ValidIdempotencyKey(key string) bool {
	return key != "" && len(key) <= MaxIdempotencyKey &&
		strings.Trim(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:.") == ""
}
