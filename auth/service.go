package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/clock"
	"github.com/vikalp/vikalp/internal/pg"
)

// Config tunes the Service. Zero fields take the defaults in parentheses.
type Config struct {
	SessionTTL    time.Duration // absolute session lifetime (12h)
	TouchInterval time.Duration // how often last_seen_at/last_used_at is written (1m)
	// Lockout is the per-username failure ceiling across all addresses,
	// kept in the database (50 failures within 15m guard the account for
	// 15m, see User.Guarded). A guarded account is not locked: its owner
	// still logs in from any address without failures; only addresses that
	// have failed for it are refused.
	Lockout LockoutPolicy
	// PairFailures is how many failed logins one username may have from one
	// address within Lockout.Window before that pair, and only that pair,
	// is refused (5).
	PairFailures int
	IPFailures   int            // failed logins per IP within Lockout.Window before refusing it (20)
	Password     PasswordParams // argon2id cost (DefaultPasswordParams)
	// Keyring seals TOTP secrets; without one nobody can enrol a second
	// factor (and users who have one cannot complete a login).
	Keyring *Keyring
	// TOTPRoles must use a TOTP second factor (admin, msp_legal, ahtu); a
	// user of such a role without one gets a session that can only enrol.
	TOTPRoles []Role
	// ChallengeTTL is how long a password-verified login waits for its
	// code (5m); EnrolSessionTTL is the lifetime of an enrol-only session
	// (15m).
	ChallengeTTL    time.Duration
	EnrolSessionTTL time.Duration
}

// DefaultTOTPRoles are the roles that must use a second factor: they can
// read complainants' identities, legal files and trafficking tips, or
// change who can.
var DefaultTOTPRoles = []Role{RoleAdmin, RoleMSPLegal, RoleAHTU}

func (c Config) withDefaults() Config {
	if c.SessionTTL <= 0 {
		c.SessionTTL = 12 * time.Hour
	}
	if c.TouchInterval <= 0 {
		c.TouchInterval = time.Minute
	}
	if c.Lockout.MaxFailures <= 0 {
		c.Lockout.MaxFailures = 50
	}
	if c.PairFailures <= 0 {
		c.PairFailures = 5
	}
	if c.Lockout.Window <= 0 {
		c.Lockout.Window = 15 * time.Minute
	}
	if c.IPFailures <= 0 {
		c.IPFailures = 20
	}
	if c.TOTPRoles == nil {
		c.TOTPRoles = DefaultTOTPRoles
	}
	if c.ChallengeTTL <= 0 {
		c.ChallengeTTL = 5 * time.Minute
	}
	if c.EnrolSessionTTL <= 0 {
		c.EnrolSessionTTL = 15 * time.Minute
	}
	return c
}

// Service is the auth package's front door: login and logout, session and
// token authentication, and account administration, each audited.
type Service struct {
	db       pg.DBTX
	cfg      Config
	logger   *slog.Logger
	hasher   *Hasher
	users    *UserStore
	sessions *SessionStore
	tokens   *TokenStore
	totp     *TOTPStore
	byIP     *Throttle
	byUser   *Throttle // the failure ceiling, in memory, for unknown usernames too
	byPair   *Throttle // username and address pairs
	clock    clock.Clock
}

// Deps are what a Service needs besides the database.
type Deps struct {
	Config Config       // defaults when zero
	Logger *slog.Logger // slog.Default() when nil
	Clock  clock.Clock  // the system clock when nil
}

// NewService returns a Service on db (normally the pool); it fails only on
// Config.Password parameters the hasher refuses.
func NewService(db pg.DBTX, d Deps) (*Service, error) {
	cfg := d.Config.withDefaults()
	hasher, err := NewHasher(cfg.Password)
	if err != nil {
		return nil, err
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	return &Service{
		db: db, cfg: cfg, logger: d.Logger, hasher: hasher,
		users: NewUserStore(db), sessions: NewSessionStore(db), tokens: NewTokenStore(db),
		totp:   NewTOTPStore(db),
		byIP:   NewThrottle(cfg.IPFailures, cfg.Lockout.Window),
		byUser: NewThrottle(cfg.Lockout.MaxFailures, cfg.Lockout.Window),
		byPair: NewThrottle(cfg.PairFailures, cfg.Lockout.Window),
		clock:  d.Clock,
	}, nil
}

// errBadCredentials is the one answer to a wrong username, a wrong password
// and a disabled account alike.
var errBadCredentials = &vikalp.UserError{Kind: vikalp.ErrUnauthorized, Code: "bad_credentials",
	Message: "username or password is incorrect"}

// errSessionGone answers a missing, expired or revoked session or token.
var errSessionGone = &vikalp.UserError{Kind: vikalp.ErrUnauthorized, Code: "session_expired",
	Message: "your session has ended; please log in again"}

// Login checks username and password and starts a session, for callers
// that do not handle a second factor: a user with TOTP gets an
// ErrUnauthorized asking for the code (see PasswordLogin and CompleteLogin).
// A user whose role requires TOTP but who has none gets an enrol-only
// session (Session.Restricted).
func (s *Service) Login(ctx context.Context, username, password, ip, userAgent string) (Session, Principal, error) {
	res, err := s.PasswordLogin(ctx, username, password, ip, userAgent)
	if err != nil {
		return Session{}, Principal{}, err
	}
	if res.NeedsCode() {
		return Session{}, Principal{}, errCodeRequired
	}
	return res.Session, res.Principal, nil
}

// PasswordLogin is the first step of a login: it checks username and
// password and then, depending on the user's second factor,
//   - returns a Challenge when the user has TOTP: no session exists until
//     CompleteLogin gets the code;
//   - starts an enrol-only session when the user's role requires TOTP and
//     they have none;
//   - otherwise starts a full session.
//
// Every session gets a fresh token, never a reused one. A wrong username, a
// wrong password and a disabled account all return the same
// ErrUnauthorized; a throttled address, a throttled username and address
// pair, or an address that already failed for a guarded account returns
// ErrTooManyRequests (see take). ip and userAgent are stored with the
// session.
func (s *Service) PasswordLogin(ctx context.Context, username, password, ip, userAgent string) (LoginResult, error) {
	now := s.clock.Now()
	k := newLoginKey(username, ip)
	u, hash, err := s.credentials(ctx, username, password)
	if errors.Is(err, vikalp.ErrNotFound) {
		if err := s.take(k, false, now); err != nil {
			return LoginResult{}, err
		}
		s.hasher.VerifyDummy(ctx, password) // same time as a real check
		s.fail(k, now)
		return LoginResult{}, errBadCredentials
	}
	if err != nil {
		return LoginResult{}, err
	}
	if err := s.take(k, u.Guarded(now), now); err != nil {
		return LoginResult{}, fmt.Errorf("user %d: %w", u.ID, err)
	}
	ok, err := s.hasher.Verify(ctx, password, hash)
	if err != nil {
		return LoginResult{}, fmt.Errorf("login user %d: %w", u.ID, err)
	}
	if !ok || u.Disabled() {
		s.fail(k, now)
		if err := s.recordFailure(ctx, u, ip, failWrongPassword(!ok), now); err != nil {
			return LoginResult{}, err
		}
		return LoginResult{}, errBadCredentials
	}
	if s.hasher.NeedsRehash(hash) {
		s.rehash(ctx, u.ID, password)
	}
	if u.HasTOTP() {
		// The failure counts are left as they were until the code is
		// right, so codes cannot be guessed by interleaving correct
		// passwords.
		s.refund(k, now)
		return s.challenge(ctx, u, now)
	}
	stage := StageFull
	if s.TOTPRequired(u.Role) {
		stage = StageEnrol
	}
	sess, err := s.startSession(ctx, u, ip, userAgent, now, stage, "")
	if err != nil {
		return LoginResult{}, err
	}
	s.succeed(k, now)
	return LoginResult{Session: sess, Principal: u.Principal()}, nil
}

// credentials looks a login's user up; a username that cannot exist, or an
// absurdly long password, is ErrNotFound without a query.
func (s *Service) credentials(ctx context.Context, username, password string) (User, string, error) {
	if ValidateUsername(username) != nil || password == "" || len(password) > 4*MaxPasswordLength {
		return User{}, "", vikalp.ErrNotFound
	}
	u, hash, err := s.users.Credentials(ctx, username)
	if err != nil {
		return User{}, "", fmt.Errorf("login: %w", err)
	}
	return u, hash, nil
}

// failWrongPassword names the failure of a password check: a wrong
// password when wrong, else a disabled account.
func failWrongPassword(wrong bool) string {
	if wrong {
		return "wrong_password"
	}
	return "disabled"
}

// recordFailure counts a wrong password or second-factor code against the
// account's failure ceiling and audits the refusal with reason
// ("wrong_password", "wrong_code", "disabled"; "ceiling_reached" when this
// failure put the account under guard).
func (s *Service) recordFailure(ctx context.Context, u User, ip string, reason string, now time.Time) error {
	return pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if reason != "disabled" {
			updated, err := NewUserStore(tx).RecordLoginFailure(ctx, u.ID, now, s.cfg.Lockout)
			if err != nil {
				return err
			}
			if updated.Guarded(now) && !u.Guarded(now) {
				s.logger.WarnContext(ctx, "Login failure ceiling reached", slog.Int64("user_id", u.ID),
					slog.Int("failures", updated.FailedLogins))
				reason = "ceiling_reached"
			}
		}
		_, err := Append(ctx, tx, Entry{ActorUserID: u.ID, ActorRole: u.Role, Action: "auth.login_failed",
			ObjectKind: "user", ObjectID: u.ID, Detail: map[string]any{"reason": reason, "ip": ip}})
		return err
	})
}

// startSession creates the session of a successful login, clears the
// account's failure count and audits the login with the stage and the
// second factor used ("" for none).
func (s *Service) startSession(ctx context.Context, u User, ip, userAgent string, now time.Time, stage SessionStage, factor string) (Session, error) {
	var sess Session
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if sess, err = s.createSession(ctx, tx, u.ID, ip, userAgent, now, stage); err != nil {
			return err
		}
		if err := NewUserStore(tx).RecordLoginSuccess(ctx, u.ID, now); err != nil {
			return err
		}
		detail := map[string]any{"ip": ip, "stage": string(stage)}
		if factor != "" {
			detail["second_factor"] = factor
		}
		_, err = Append(ctx, tx, Entry{ActorUserID: u.ID, ActorRole: u.Role, Action: "auth.login",
			ObjectKind: "session", ObjectID: sess.ID, Detail: detail})
		return err
	})
	if err != nil {
		return Session{}, fmt.Errorf("start session of user %d: %w", u.ID, err)
	}
	return sess, nil
}

// createSession inserts a new session of stage for user userID through tx
// with fresh session and CSRF tokens; the plaintext token is set on the
// result. Enrol-only sessions live EnrolSessionTTL, others SessionTTL.
func (s *Service) createSession(ctx context.Context, tx pg.DBTX, userID int64, ip, userAgent string, now time.Time, stage SessionStage) (Session, error) {
	token, hash, err := newToken("")
	if err != nil {
		return Session{}, fmt.Errorf("new session token: %w", err)
	}
	csrf, _, err := newToken("")
	if err != nil {
		return Session{}, fmt.Errorf("new csrf token: %w", err)
	}
	ttl := s.cfg.SessionTTL
	if stage == StageEnrol {
		ttl = s.cfg.EnrolSessionTTL
	}
	sess, err := NewSessionStore(tx).Create(ctx, CreateSessionParams{TokenHash: hash, UserID: userID,
		CSRFToken: csrf, IP: ip, UserAgent: userAgent, CreatedAt: now, ExpiresAt: now.Add(ttl), Stage: stage})
	if err != nil {
		return Session{}, err
	}
	sess.Token = token
	return sess, nil
}

// rehash upgrades a stored hash made with older parameters. A failure only
// delays the upgrade to the next login, so it is logged, not returned.
func (s *Service) rehash(ctx context.Context, userID int64, password string) {
	hash, err := s.hasher.Hash(ctx, password)
	if err == nil {
		err = s.users.SetPassword(ctx, userID, hash, s.clock.Now())
	}
	if err != nil {
		s.logger.WarnContext(ctx, "Password rehash failed", slog.Int64("user_id", userID),
			slog.String("error", err.Error()))
	}
}

// Authenticate returns the live session whose cookie token is token and its
// user's principal, or ErrUnauthorized when it is unknown, expired, or its
// user is disabled. A restricted session (Session.Restricted) may only
// enrol a second factor; callers must enforce that.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, Principal, error) {
	if !wellFormedToken(token, "") {
		return Session{}, Principal{}, errSessionGone
	}
	now := s.clock.Now()
	sess, u, err := s.sessions.ByTokenHash(ctx, hashToken(token), now)
	if errors.Is(err, vikalp.ErrNotFound) || err == nil && u.Disabled() {
		return Session{}, Principal{}, errSessionGone
	}
	if err != nil {
		return Session{}, Principal{}, fmt.Errorf("authenticate session: %w", err)
	}
	if s.TOTPRequired(u.Role) && !u.HasTOTP() {
		// A session from before the role required TOTP, or from before an
		// admin reset it, can only enrol.
		sess.Stage = StageEnrol
	}
	if now.Sub(sess.LastSeenAt) >= s.cfg.TouchInterval {
		if err := s.sessions.Touch(ctx, sess.ID, now); err != nil {
			return Session{}, Principal{}, err
		}
		sess.LastSeenAt = now
	}
	return sess, u.Principal(), nil
}

// AuthenticateToken returns the live API token bearer and its user's
// principal, or ErrUnauthorized when it is unknown, revoked, expired, or its
// user is disabled.
func (s *Service) AuthenticateToken(ctx context.Context, bearer string) (APIToken, Principal, error) {
	if !wellFormedToken(bearer, APITokenPrefix) {
		return APIToken{}, Principal{}, errSessionGone
	}
	now := s.clock.Now()
	tok, u, err := s.tokens.ByHash(ctx, hashToken(bearer), now)
	if errors.Is(err, vikalp.ErrNotFound) || err == nil && u.Disabled() {
		return APIToken{}, Principal{}, errSessionGone
	}
	if err != nil {
		return APIToken{}, Principal{}, fmt.Errorf("authenticate api token: %w", err)
	}
	if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) >= s.cfg.TouchInterval {
		if err := s.tokens.Touch(ctx, tok.ID, now); err != nil {
			return APIToken{}, Principal{}, err
		}
		tok.LastUsedAt = &now
	}
	return tok, u.Principal(), nil
}

// Logout ends the session whose cookie token is token. Ending an unknown or
// already ended session is not an error.
func (s *Service) Logout(ctx context.Context, token string) error {
	if !wellFormedToken(token, "") {
		return nil
	}
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		sess, err := NewSessionStore(tx).DeleteByTokenHash(ctx, hashToken(token))
		if err != nil {
			return err
		}
		u, err := NewUserStore(tx).ByID(ctx, sess.UserID)
		if err != nil {
			return err
		}
		_, err = Append(ctx, tx, Entry{ActorUserID: u.ID, ActorRole: u.Role, Action: "auth.logout",
			ObjectKind: "session", ObjectID: sess.ID})
		return err
	})
	if err != nil && !errors.Is(err, vikalp.ErrNotFound) {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

// PruneSessions deletes expired sessions and returns how many; run it
// periodically.
func (s *Service) PruneSessions(ctx context.Context) (int64, error) {
	now := s.clock.Now()
	if _, err := s.totp.DeleteExpiredChallenges(ctx, now); err != nil {
		return 0, err
	}
	return s.sessions.DeleteExpired(ctx, now)
}

// VerifyAudit walks the audit chain; see AuditStore.Verify.
func (s *Service) VerifyAudit(ctx context.Context) (ChainStatus, error) {
	return NewAuditStore(s.db).Verify(ctx)
}
