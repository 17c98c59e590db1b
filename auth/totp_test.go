package auth

import (
	"encoding/base32"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/vikalp/vikalp"
)

// TestTOTPRFC6238Vectors checks the TOTP library against the SHA-1 test
// vectors of RFC 6238 Appendix B (8 digits, 30 s steps, ASCII seed
// "12345678901234567890").
func TestTOTPRFC6238Vectors(t *testing.T) {
	t.Parallel()
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	for _, tc := range []struct {
		unix int64
		want string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	} {
		got, err := totp.GenerateCodeCustom(secret, time.Unix(tc.unix, 0).UTC(),
			totp.ValidateOpts{Period: 30, Digits: otp.DigitsEight, Algorithm: otp.AlgorithmSHA1})
		if err != nil || got != tc.want {
			t.Errorf("T=%d: got %q, %v; want %q", tc.unix, got, err, tc.want)
		}
	}
	// Our six-digit codes are the last six digits of the same HOTP value.
	got, err := TOTPCode(secret, TOTPStep(time.Unix(59, 0)))
	if err != nil || got != "287082" {
		t.Errorf("six-digit code at T=59: got %q, %v; want 287082", got, err)
	}
}

func TestMatchTOTP(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	step := TOTPStep(now)
	code := func(s int64) string {
		c, err := TOTPCode(DemoTOTPSecret, s)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tc := range []struct {
		name     string
		code     string
		lastStep int64
		want     int64
	}{
		{"Current", code(step), 0, step},
		{"PreviousStepSkew", code(step - 1), 0, step - 1},
		{"NextStepSkew", code(step + 1), 0, step + 1},
		{"TooOld", code(step - 2), 0, 0},
		{"ReplayedStep", code(step), step, 0},
		{"NextAfterUsed", code(step + 1), step, step + 1},
		{"Garbage", "12345", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := matchTOTP(DemoTOTPSecret, tc.code, now, tc.lastStep)
			if err != nil || got != tc.want {
				t.Fatalf("matchTOTP = %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

func TestRecoveryCodes(t *testing.T) {
	t.Parallel()
	codes, hashes, err := newRecoveryCodes()
	if err != nil || len(codes) != recoveryCodeCount || len(hashes) != recoveryCodeCount {
		t.Fatalf("newRecoveryCodes: %d codes, %v", len(codes), err)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(codes)))) != len(codes) {
		t.Fatal("recovery codes repeat")
	}
	typed := strings.ToUpper(strings.ReplaceAll(codes[0], "-", " "))
	if string(hashRecoveryCode(typed)) != string(hashes[0]) {
		t.Fatalf("code typed as %q does not match its hash", typed)
	}
	if normalizeRecoveryCode("123456") != "" {
		t.Fatal("a TOTP code was taken for a recovery code")
	}
}

// totpBundle is a Service with a keyring and a user who has TOTP.
func setupTOTP(t *testing.T) *testBundle {
	t.Helper()
	b := setup(t)
	k, err := ParseKeyring("t1:" + strings.Repeat("11", 32))
	if err != nil {
		t.Fatal(err)
	}
	b.svc.cfg.Keyring = k
	return b
}

// codeAt returns the demo secret's code for the step of the test clock plus
// offset steps.
func codeAt(t *testing.T, b *testBundle, offset int64) string {
	t.Helper()
	c, err := TOTPCode(DemoTOTPSecret, TOTPStep(b.clock.Now())+offset)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestServiceTOTPLogin(t *testing.T) {
	t.Parallel()
	b := setupTOTP(t)
	testUser(t, b, &userOpts{Username: "legal", Role: RoleMSPLegal, Scope: StateScope})
	if ok, err := SeedDemoTOTP(b.ctx, b.pool, b.svc.cfg.Keyring, "legal", DemoTOTPSecret); err != nil || !ok {
		t.Fatalf("seed totp: %v, %v", ok, err)
	}

	t.Run("PasswordYieldsChallengeNotSession", func(t *testing.T) {
		res, err := b.svc.PasswordLogin(b.ctx, "legal", testPassword, testIP, "")
		if err != nil || !res.NeedsCode() || res.Session.ID != 0 {
			t.Fatalf("PasswordLogin = %+v, %v; want a challenge and no session", res, err)
		}
		var n int
		if err := b.pool.QueryRow(b.ctx, `SELECT count(*) FROM sessions`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d sessions after the password step, %v", n, err)
		}
		if _, _, err := b.svc.Login(b.ctx, "legal", testPassword, testIP, ""); !errors.Is(err, vikalp.ErrUnauthorized) {
			t.Fatalf("Login without a code = %v, want ErrUnauthorized", err)
		}
	})

	t.Run("CodeCompletesAndCannotBeReplayed", func(t *testing.T) {
		res, err := b.svc.PasswordLogin(b.ctx, "legal", testPassword, testIP, "")
		if err != nil {
			t.Fatal(err)
		}
		code := codeAt(t, b, 0)
		sess, p, err := b.svc.CompleteLogin(b.ctx, res.Challenge, code, testIP, "")
		if err != nil || sess.Token == "" || sess.Stage != StageFull || p.Role != RoleMSPLegal {
			t.Fatalf("CompleteLogin = %+v, %+v, %v", sess, p, err)
		}
		if _, _, err := b.svc.CompleteLogin(b.ctx, res.Challenge, code, testIP, ""); !errors.Is(err, vikalp.ErrUnauthorized) {
			t.Fatalf("used challenge = %v, want ErrUnauthorized", err)
		}
		again, err := b.svc.PasswordLogin(b.ctx, "legal", testPassword, testIP, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := b.svc.CompleteLogin(b.ctx, again.Challenge, code, testIP, ""); !errors.Is(err, vikalp.ErrUnauthorized) {
			t.Fatalf("replayed code = %v, want ErrUnauthorized", err)
		}
		if _, _, err := b.svc.CompleteLogin(b.ctx, again.Challenge, codeAt(t, b, 1), testIP, ""); err != nil {
			t.Fatalf("next step's code: %v", err)
		}
		if !slices.Contains(auditActions(t, b), "auth.login_failed") {
			t.Fatal("the replayed code was not audited")
		}
	})

	// Wrong codes refuse the address they came from, not the account
	// (before hardening round 2 they locked the account everywhere).
	t.Run("WrongCodesRefuseTheAddress", func(t *testing.T) {
		b.clock.Advance(time.Hour)
		for range b.svc.cfg.PairFailures {
			res, err := b.svc.PasswordLogin(b.ctx, "legal", testPassword, "192.0.2.77", "")
			if err != nil {
				t.Fatalf("password step: %v", err)
			}
			if _, _, err := b.svc.CompleteLogin(b.ctx, res.Challenge, "000000", "192.0.2.77", ""); !errors.Is(err, vikalp.ErrUnauthorized) {
				t.Fatalf("wrong code = %v, want ErrUnauthorized", err)
			}
		}
		if _, err := b.svc.PasswordLogin(b.ctx, "legal", testPassword, "192.0.2.77", ""); !errors.Is(err, vikalp.ErrTooManyRequests) {
			t.Fatalf("after %d wrong codes: %v, want ErrTooManyRequests", b.svc.cfg.PairFailures, err)
		}
		if res, err := b.svc.PasswordLogin(b.ctx, "legal", testPassword, "192.0.2.78", ""); err != nil || !res.NeedsCode() {
			t.Fatalf("from another address: %+v, %v; want a challenge", res, err)
		}
	})
}

func TestServiceTOTPEnrolment(t *testing.T) {
	t.Parallel()
	b := setupTOTP(t)
	admin := testUser(t, b, &userOpts{Username: "admin", Role: RoleAdmin, Scope: StateScope})
	nodal := testUser(t, b, nil)

	t.Run("OptionalForOtherRoles", func(t *testing.T) {
		sess, _, err := b.svc.Login(b.ctx, nodal.Username, testPassword, testIP, "")
		if err != nil || sess.Restricted() {
			t.Fatalf("nodal login = %+v, %v; want a full session", sess, err)
		}
	})

	var recovery []string
	t.Run("RequiredRoleGetsEnrolOnlySessionThenRotates", func(t *testing.T) {
		sess, p, err := b.svc.Login(b.ctx, "admin", testPassword, testIP, "")
		if err != nil || !sess.Restricted() || sess.ExpiresAt.Sub(b.clock.Now()) > 15*time.Minute {
			t.Fatalf("admin login = %+v, %v; want a short enrol-only session", sess, err)
		}
		e, err := b.svc.BeginTOTPEnrolment(b.ctx, p)
		if err != nil || !strings.HasPrefix(e.URI, "otpauth://totp/") || len(e.QRPNG) == 0 || !validTOTPSecret(e.Secret) {
			t.Fatalf("BeginTOTPEnrolment = %+v, %v", e.URI, err)
		}
		var stored []byte
		if err := b.pool.QueryRow(b.ctx, `SELECT totp_pending_sealed FROM users WHERE id = $1`, admin.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(stored), e.Secret) {
			t.Fatal("the TOTP secret is stored in the clear")
		}
		if _, err := b.svc.ConfirmTOTP(b.ctx, p, "000000", testIP, ""); !errors.Is(err, vikalp.ErrInvalid) {
			t.Fatalf("wrong first code = %v, want ErrInvalid", err)
		}
		code, _ := TOTPCode(e.Secret, TOTPStep(b.clock.Now()))
		conf, err := b.svc.ConfirmTOTP(b.ctx, p, code, testIP, "")
		if err != nil || len(conf.RecoveryCodes) != recoveryCodeCount || conf.Session.Restricted() || conf.Session.Token == "" {
			t.Fatalf("ConfirmTOTP = %+v, %v", conf, err)
		}
		if _, _, err := b.svc.Authenticate(b.ctx, sess.Token); !errors.Is(err, vikalp.ErrUnauthorized) {
			t.Fatalf("the enrol-only session survived enrolment: %v", err)
		}
		if got, _, err := b.svc.Authenticate(b.ctx, conf.Session.Token); err != nil || got.Restricted() {
			t.Fatalf("new session = %+v, %v", got, err)
		}
		if _, err := b.svc.BeginTOTPEnrolment(b.ctx, p); !errors.Is(err, vikalp.ErrConflict) {
			t.Fatalf("second enrolment = %v, want ErrConflict", err)
		}
		recovery = conf.RecoveryCodes
	})

	t.Run("RecoveryCodeWorksOnce", func(t *testing.T) {
		for i, want := range []error{nil, vikalp.ErrUnauthorized} {
			res, err := b.svc.PasswordLogin(b.ctx, "admin", testPassword, testIP, "")
			if err != nil || !res.NeedsCode() {
				t.Fatalf("password step: %+v, %v", res, err)
			}
			_, _, err = b.svc.CompleteLogin(b.ctx, res.Challenge, strings.ToUpper(recovery[0]), testIP, "")
			if want == nil && err != nil || want != nil && !errors.Is(err, want) {
				t.Fatalf("use %d of a recovery code = %v, want %v", i+1, err, want)
			}
		}
	})

	t.Run("AdminResetIsAuditedAndEndsSessions", func(t *testing.T) {
		other := testUser(t, b, &userOpts{Username: "ahtu.one", Role: RoleAHTU, Scope: StateScope})
		if _, err := SeedDemoTOTP(b.ctx, b.pool, b.svc.cfg.Keyring, other.Username, DemoTOTPSecret); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.ResetTOTP(b.ctx, nodal.Principal(), other.ID); !errors.Is(err, vikalp.ErrForbidden) {
			t.Fatalf("reset by a nodal officer = %v, want ErrForbidden", err)
		}
		if _, err := b.svc.ResetTOTP(b.ctx, admin.Principal(), other.ID); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(auditActions(t, b), "auth.totp_reset") {
			t.Fatal("reset not audited")
		}
		sess, _, err := b.svc.Login(b.ctx, other.Username, testPassword, testIP, "")
		if err != nil || !sess.Restricted() {
			t.Fatalf("login after reset = %+v, %v; want an enrol-only session", sess, err)
		}
	})
}
