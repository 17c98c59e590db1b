package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters: RFC 6238 with HMAC-SHA1, 6 digits and 30-second steps,
// which every authenticator app understands. One step of clock skew either
// way is accepted; replay protection (see totp_last_step) makes that safe.
const (
	totpPeriod  = 30
	totpDigits  = otp.DigitsSix
	totpSkew    = 1
	totpIssuer  = "Vikalp"
	totpSecretN = 20 // bytes, 160 bits as RFC 4226 recommends
	qrSize      = 240
)

// DemoTOTPSecret is the TOTP secret `vikalp seed --demo` gives the demo
// accounts whose role requires a second factor, and that test servers use.
// DEVELOPMENT ONLY: it is public, like the demo password.
const DemoTOTPSecret = "VIKALPDEMOTOTPSECRETDEVONLYAAAAA"

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1}

// TOTPEnrolment is what a user needs to add Vikalp to an authenticator
// app. It is shown once, when enrolment starts.
type TOTPEnrolment struct {
	Secret string // base32, for typing in by hand
	URI    string // otpauth://totp/… for QR scanners
	QRPNG  []byte // the URI as a QR code, PNG
}

// QRDataURL returns the QR code as a data: URL an <img> can show.
func (e TOTPEnrolment) QRDataURL() string {
	if len(e.QRPNG) == 0 {
		return ""
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(e.QRPNG)
}

// newTOTPEnrolment draws a fresh secret for account.
func newTOTPEnrolment(account string) (TOTPEnrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: account,
		Period: totpPeriod, SecretSize: totpSecretN, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPEnrolment{}, fmt.Errorf("generate totp secret: %w", err)
	}
	e := TOTPEnrolment{Secret: key.Secret(), URI: key.URL()}
	img, err := key.Image(qrSize, qrSize)
	if err != nil {
		return TOTPEnrolment{}, fmt.Errorf("draw totp qr code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TOTPEnrolment{}, fmt.Errorf("encode totp qr code: %w", err)
	}
	e.QRPNG = buf.Bytes()
	return e, nil
}

// TOTPStep returns the RFC 6238 time step of t.
func TOTPStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// TOTPCode returns the code for secret (base32) at time step step. Tests use
// it with DemoTOTPSecret to log in as the demo accounts.
func TOTPCode(secret string, step int64) (string, error) {
	code, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0).UTC(), totpOpts)
	if err != nil {
		return "", fmt.Errorf("totp code: %w", err)
	}
	return code, nil
}

// matchTOTP returns the time step within the skew window around now whose
// code is code and that is later than lastStep, or 0 when there is none.
// Every candidate step is computed and compared in constant time, so timing
// does not reveal which step matched.
func matchTOTP(secret, code string, now time.Time, lastStep int64) (int64, error) {
	code = strings.TrimSpace(code)
	if len(code) != totpDigits.Length() {
		return 0, nil
	}
	var found int64
	current := TOTPStep(now)
	for step := current - totpSkew; step <= current+totpSkew; step++ {
		want, err := TOTPCode(secret, step)
		if err != nil {
			return 0, err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && step > lastStep && found == 0 {
			found = step
		}
	}
	return found, nil
}

// validTOTPSecret reports whether s is a base32 secret TOTPCode accepts.
func validTOTPSecret(s string) bool {
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(s))
	return err == nil && len(b) >= 10
}

// Recovery codes: recoveryCodeCount single-use codes of two groups of five
// base32 characters (50 random bits each), shown once at enrolment.
const (
	recoveryCodeCount  = 10
	recoveryCodeGroups = 5
)

var recoveryEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newRecoveryCodes returns fresh codes, formatted "abcde-fghij", and their
// hashes.
func newRecoveryCodes() ([]string, [][]byte, error) {
	codes := make([]string, recoveryCodeCount)
	hashes := make([][]byte, recoveryCodeCount)
	for i := range codes {
		var b [7]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, nil, fmt.Errorf("read random: %w", err)
		}
		raw := strings.ToLower(recoveryEncoding.EncodeToString(b[:]))[:2*recoveryCodeGroups]
		codes[i] = raw[:recoveryCodeGroups] + "-" + raw[recoveryCodeGroups:]
		hashes[i] = hashRecoveryCode(codes[i])
	}
	return codes, hashes, nil
}

// normalizeRecoveryCode drops spaces and dashes and lower-cases, so codes
// typed in any form match; it returns "" when the result cannot be a code.
func normalizeRecoveryCode(code string) string {
	code = strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	if len(code) != 2*recoveryCodeGroups {
		return ""
	}
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
			return ""
		}
	}
	return code
}

// hashRecoveryCode is how a recovery code is stored: the SHA-256 of its
// normalised form. 50 random bits behind a throttle and lockout need no
// stretching.
func hashRecoveryCode(code string) []byte {
	sum := sha256.Sum256([]byte("vikalp-recovery:" + normalizeRecoveryCode(code)))
	return sum[:]
}

// totpAAD binds a sealed TOTP secret to its user.
func totpAAD(userID int64) []byte { return fmt.Appendf(nil, "users.totp:%d", userID) }
