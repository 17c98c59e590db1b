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
// step is accepted once only. Wrong codes count like wrong passwords
// against the address, the username and address pair and the account's
// failure ceiling, and a challenge dies after five of them.
func (s *Service) CompleteLogin(ctx context.Context, challenge, code, ip, userAgent string) (Session, Principal, error) {
	if !wellFormedToken(challenge, challengePrefix) {
		return Session{}, Principal{}, errChallengeGone
	}
	now := s.clock.Now()
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
	if u.Disabled() || !u.HasTOTP() {
		return Session{}, Principal{}, errChallengeGone
	}
	k := newLoginKey(u.Username, ip)
	if err := s.take(k, u.Guarded(now), now); err != nil {
		return Session{}, Principal{}, fmt.Errorf("user %d: %w", u.ID, err)
	}
	factor, err := s.checkSecondFactor(ctx, u.ID, code, now)
	if err != nil {
		return Session{}, Principal{}, err
	}
	if factor == "" {
		s.fail(k, now)
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
	s.succeed(k, now)
	return sess, u.Principal(), nil
}

// loginKey names what one login attempt counts against: its address, its
// username (normalised, known or not) and the pair of the two.
type loginKey struct{ ip, user, pair string }

func newLoginKey(username, ip string) loginKey {
	user := normalizeUsername(username)
	return loginKey{ip: ip, user: user, pair: user + "\x00" + ip}
}

// take decides whether a login attempt may be checked at all, and counts
// it as a failure in advance (so that concurrent attempts cannot all slip
// through before the first one fails; refund or succeed give it back). It
// refuses an address that has used up its failures (IPFailures, across
// usernames) and a username and address pair that has (PairFailures): a
// stranger who guesses at an officer's password locks out only himself.
// The username's ceiling across all addresses (Lockout, in memory here and,
// for a known account, in the database as guardedInDB) does not lock the
// account either: while it is reached, a pair that has failed even once is
// refused, so a guesser spread over many addresses gets one guess from
// each, while the owner, from an address without failures, still logs in.
func (s *Service) take(k loginKey, guardedInDB bool, now time.Time) error {
	if err := s.byIP.Take(k.ip, now); err != nil {
		return err
	}
	guarded := guardedInDB || s.byUser.Allow(k.user, now) != nil
	limit := s.cfg.PairFailures
	if guarded {
		limit = 1
	}
	if err := s.byPair.TakeUnder(k.pair, now, limit); err != nil {
		s.byIP.Refund(k.ip, now)
		if guarded {
			return fmt.Errorf("username over its failure ceiling: %w", err)
		}
		return err
	}
	return nil
}

// fail counts a failed attempt against the username's ceiling; take has
// already counted it against the address and the pair.
func (s *Service) fail(k loginKey, now time.Time) {
	s.byUser.Fail(k.user, now)
}

// refund gives back what take counted, for a correct password that still
// waits for its second factor.
func (s *Service) refund(k loginKey, now time.Time) {
	s.byIP.Refund(k.ip, now)
	s.byPair.Refund(k.pair, now)
}

// succeed undoes take for a completed login and forgets the username's
// failures, as the database does (RecordLoginSuccess). The address keeps
// its other failures: it may have guessed at other usernames.
func (s *Service) succeed(k loginKey, now time.Time) {
	s.byIP.Refund(k.ip, now)
	s.byUser.Reset(k.user)
	s.byPair.Reset(k.pair)
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
