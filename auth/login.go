package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vikalp/vikalp"
)

// LoginResult is what a correct password leads to: a session, or a
// challenge that the second factor completes.
type LoginResult struct {
	// Session is the new session (StageFull, or StageEnrol for a user who
	// must enrol a second factor first); zero when Challenge is set.
	Session   Session
	Principal Principal
	// Challenge is set when the user has a second factor: the token
	// CompleteLogin takes with the code, valid until ChallengeExpiresAt.
	Challenge          string
	ChallengeExpiresAt time.Time
}

// NeedsCode reports whether the login waits for a second-factor code.
func (r LoginResult) NeedsCode() bool { return r.Challenge != "" }

// challengePrefix starts every login challenge token.
const challengePrefix = "vkc_"

// maxChallengeAttempts is how many wrong codes end a challenge.
const maxChallengeAttempts = 5

var (
	errCodeRequired = &vikalp.UserError{Kind: vikalp.ErrUnauthorized, Code: "totp_required",
		Message: "enter the code from your authenticator app"}
	errChallengeGone = &vikalp.UserError{Kind: vikalp.ErrUnauthorized, Code: "login_expired",
		Message: "this login has expired; enter your username and password again"}
	errBadCode = &vikalp.UserError{Kind: vikalp.ErrUnauthorized, Code: "bad_totp_code",
		Message: "the code is not correct"}
	errNoKeyring = errors.New("auth: no keyring configured for TOTP secrets")
)

// challenge stores a pending login for u and returns its token.
func (s *Service) challenge(ctx context.Context, u User, now time.Time) (LoginResult, error) {
	token, hash, err := newToken(challengePrefix)
	if err != nil {
		return LoginResult{}, fmt.Errorf("new login challenge: %w", err)
	}
	expires := now.Add(s.cfg.ChallengeTTL)
	if err := s.totp.CreateChallenge(ctx, hash, u.ID, now, expires); err != nil {
		return LoginResult{}, err
	}
	return LoginResult{Principal: u.Principal(), Challenge: token, ChallengeExpiresAt: expires}, nil
}

// CompleteLogin is the second step of a login with TOTP: code (six digits
// from the authenticator, or an unused recovery code) completes the
// challenge PasswordLogin returned and starts a full session. A code's time
// step is accepted once only. Wrong codes count against the account's
// lockout and the username and address throttles like wrong passwords, and
// a challenge dies after five of them.
func (s *Service) CompleteLogin(ctx context.Context, challenge, code, ip, userAgent string) (Session, Principal, error) {
	if !wellFormedToken(challenge, challengePrefix) {
		return Session{}, Principal{}, errChallengeGone
	}
	now := s.now()
	if err := s.byIP.Allow(ip, now); err != nil {
		return Session{}, Principal{}, err
	}
	c, err := s.totp.ChallengeByHash(ctx, hashToken(challenge), now)
	if errors.Is(err, vikalp.ErrNotFound) {
		return Session{}, Principal{}, errChallengeGone
	}
	if err != nil {
		return Session{}, Principal{}, err
	}
	u, err := s.users.ByID(ctx, c.UserID)
	if err != nil {
		return Session{}, Principal{}, err
	}
	userKey := normalizeUsername(u.Username)
	if err := s.byUser.Allow(userKey, now); err != nil {
		return Session{}, Principal{}, err
	}
	if u.Disabled() || !u.HasTOTP() {
		return Session{}, Principal{}, errChallengeGone
	}
	if u.Locked(now) {
		return Session{}, Principal{}, fmt.Errorf("user %d locked: %w", u.ID, errThrottled)
	}
	factor, err := s.checkSecondFactor(ctx, u.ID, code, now)
	if err != nil {
		return Session{}, Principal{}, err
	}
	if factor == "" {
		s.fail(ip, userKey, now)
		if err := s.totp.FailChallenge(ctx, c.ID, maxChallengeAttempts); err != nil {
			return Session{}, Principal{}, err
		}
		if err := s.recordFailure(ctx, u, ip, "wrong_code", now); err != nil {
			return Session{}, Principal{}, err
		}
		return Session{}, Principal{}, errBadCode
	}
	if err := s.totp.DeleteChallenge(ctx, c.ID); err != nil {
		return Session{}, Principal{}, err
	}
	sess, err := s.startSession(ctx, u, ip, userAgent, now, StageFull, factor)
	if err != nil {
		return Session{}, Principal{}, err
	}
	s.byUser.Reset(userKey)
	return sess, u.Principal(), nil
}

// checkSecondFactor checks code against user userID's TOTP secret or
// recovery codes and spends it: it returns "totp" or "recovery_code" when
// the code was good, and "" when it was wrong, already used or replayed.
func (s *Service) checkSecondFactor(ctx context.Context, userID int64, code string, now time.Time) (string, error) {
	if rc := normalizeRecoveryCode(code); rc != "" {
		ok, err := s.totp.UseRecoveryCode(ctx, userID, hashRecoveryCode(rc), now)
		if err != nil || !ok {
			return "", err
		}
		return "recovery_code", nil
	}
	st, err := s.totp.State(ctx, userID)
	if err != nil {
		return "", err
	}
	secret, err := s.openTOTPSecret(userID, st.Secret)
	if err != nil {
		return "", err
	}
	step, err := matchTOTP(secret, code, now, st.LastStep)
	if err != nil || step == 0 {
		return "", err
	}
	// The conditional update is the replay guard: two requests racing with
	// the same code cannot both move last_step to step.
	ok, err := s.totp.UseStep(ctx, userID, step)
	if err != nil || !ok {
		return "", err
	}
	return "totp", nil
}

// openTOTPSecret opens a sealed TOTP secret of user userID.
func (s *Service) openTOTPSecret(userID int64, sealed []byte) (string, error) {
	if s.cfg.Keyring == nil {
		return "", errNoKeyring
	}
	if sealed == nil {
		return "", fmt.Errorf("open totp secret of user %d: %w", userID, vikalp.ErrNotFound)
	}
	plain, err := s.cfg.Keyring.Open(sealed, totpAAD(userID))
	if err != nil {
		return "", fmt.Errorf("open totp secret of user %d: %w", userID, err)
	}
	return string(plain), nil
}

// TOTPRequired reports whether users of role must use a second factor.
func (s *Service) TOTPRequired(role Role) bool {
	for _, r := range s.cfg.TOTPRoles {
		if r == role {
			return true
		}
	}
	return false
}

// TOTPStatus is a user's second factor, as the user sees it.
type TOTPStatus struct {
	Enabled           bool // a confirmed TOTP secret
	Required          bool // the user's role requires one
	RecoveryCodesLeft int
}

// TOTPStatus returns p's second-factor status.
func (s *Service) TOTPStatus(ctx context.Context, p Principal) (TOTPStatus, error) {
	u, err := s.users.ByID(ctx, p.UserID)
	if err != nil {
		return TOTPStatus{}, err
	}
	st := TOTPStatus{Enabled: u.HasTOTP(), Required: s.TOTPRequired(u.Role)}
	if st.Enabled {
		if st.RecoveryCodesLeft, err = s.totp.RecoveryCodesLeft(ctx, u.ID); err != nil {
			return TOTPStatus{}, err
		}
	}
	return st, nil
}
