package vikalp

import "strings"

// NormalizePhone returns an Indian mobile number as +91XXXXXXXXXX. It accepts
// spaces, dashes and brackets, and an optional +91, 91 or 0 prefix; the ten
// digits must start with 6, 7, 8 or 9. Complaint contacts and reporters'
// notification numbers both go through it.
func NormalizePhone(s string) (string, bool) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	d := b.String()
	switch {
	case len(d) == 12 && strings.HasPrefix(d, "91"):
		d = d[2:]
	case len(d) == 11 && d[0] == '0':
		d = d[1:]
	}
	if len(d) != 10 || d[0] < '6' {
		return "", false
	}
	return "+91" + d, true
}

// OutboxPhoneAAD binds a sealed phone number in the SMS outbox to the code of
// the complaint or hotspot report it is about (auth.Keyring's associated
// data): a sealed number copied to another row does not open there.
func OutboxPhoneAAD(code string) []byte { return []byte("sms_outbox.phone:" + code) }
