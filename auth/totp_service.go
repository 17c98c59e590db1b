package auth

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/internal/pg"
)

var (
	errTOTPEnrolled = vikalp.Conflictf("two-factor authentication is already set up; an administrator can reset it")
	errNoPending    = vikalp.Conflictf("start two-factor enrolment first")
	errWrongCode    = vikalp.InvalidField("code", "bad_totp_code", "the code is not correct; check your phone's clock and try the next code")
)

// BeginTOTPEnrolment draws a new TOTP secret for p, stores it sealed as
// pending (replacing an earlier unconfirmed one) and returns it with its
// otpauth:// URI and QR code, the only time they are shown. A user who
// already has a confirmed secret gets ErrConflict.
func (s *Service) BeginTOTPEnrolment(ctx context.Context, p Principal) (TOTPEnrolment, error) {
	if s.cfg.Keyring == nil {
		return TOTPEnrolment{}, errNoKeyring
	}
	e, err := newTOTPEnrolment(p.Username)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	sealed, err := s.cfg.Keyring.Seal([]byte(e.Secret), totpAAD(p.UserID))
	if err != nil {
		return TOTPEnrolment{}, fmt.Errorf("seal totp secret: %w", err)
	}
	err = pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if err := NewTOTPStore(tx).SetPending(ctx, p.UserID, sealed, s.clock.Now()); err != nil {
			return err
		}
		_, err := Append(ctx, tx, EntryBy(p, "auth.totp_enrolment_started", "user", p.UserID, nil))
		return err
	})
	if err != nil {
		return TOTPEnrolment{}, fmt.Errorf("begin totp enrolment of user %d: %w", p.UserID, err)
	}
	return e, nil
}

// TOTPConfirmation is the result of a confirmed enrolment: recovery codes
// (shown once) and the caller's new session.
type TOTPConfirmation struct {
	RecoveryCodes []string
	Session       Session
}

// ConfirmTOTP checks p's first code against the pending secret and, when it
// is right, makes the secret p's second factor, issues recovery codes, ends
// every session of p and starts a fresh full one (so an enrol-only session
// is rotated into a normal one). Wrong codes count against the username
// throttle.
func (s *Service) ConfirmTOTP(ctx context.Context, p Principal, code, ip, userAgent string) (TOTPConfirmation, error) {
	now := s.clock.Now()
	userKey := normalizeUsername(p.Username)
	if err := s.byUser.Allow(userKey, now); err != nil {
		return TOTPConfirmation{}, err
	}
	st, err := s.totp.State(ctx, p.UserID)
	if err != nil {
		return TOTPConfirmation{}, err
	}
	if st.Secret != nil {
		return TOTPConfirmation{}, errTOTPEnrolled
	}
	if st.Pending == nil {
		return TOTPConfirmation{}, errNoPending
	}
	secret, err := s.openTOTPSecret(p.UserID, st.Pending)
	if err != nil {
		return TOTPConfirmation{}, err
	}
	step, err := matchTOTP(secret, code, now, st.LastStep)
	if err != nil {
		return TOTPConfirmation{}, err
	}
	if step == 0 {
		s.byUser.Fail(userKey, now)
		return TOTPConfirmation{}, errWrongCode
	}
	codes, hashes, err := newRecoveryCodes()
	if err != nil {
		return TOTPConfirmation{}, err
	}
	var out TOTPConfirmation
	err = pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		store := NewTOTPStore(tx)
		if err := store.Confirm(ctx, p.UserID, step, now); err != nil {
			return err
		}
		if err := store.ReplaceRecoveryCodes(ctx, p.UserID, hashes, now); err != nil {
			return err
		}
		ended, err := NewSessionStore(tx).DeleteForUser(ctx, p.UserID, 0)
		if err != nil {
			return err
		}
		if out.Session, err = s.createSession(ctx, tx, p.UserID, ip, userAgent, now, StageFull); err != nil {
			return err
		}
		_, err = Append(ctx, tx, EntryBy(p, "auth.totp_enrolled", "user", p.UserID,
			map[string]any{"sessions_ended": ended, "session_id": out.Session.ID, "ip": ip}))
		return err
	})
	if err != nil {
		return TOTPConfirmation{}, fmt.Errorf("confirm totp of user %d: %w", p.UserID, err)
	}
	s.byUser.Reset(userKey)
	out.RecoveryCodes = codes
	return out, nil
}

// ResetTOTP removes user userID's second factor and recovery codes and ends
// their sessions, audited as done by actor (an admin, or the zero Principal
// for the CLI). Their next login asks them to enrol again when their role
// requires it.
func (s *Service) ResetTOTP(ctx context.Context, actor Principal, userID int64) (User, error) {
	if actor.UserID != 0 && !actor.Has(RoleAdmin) {
		return User{}, fmt.Errorf("reset totp: %w", vikalp.ErrForbidden)
	}
	var u User
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if u, err = NewUserStore(tx).ByID(ctx, userID); err != nil {
			return err
		}
		if err := NewTOTPStore(tx).Reset(ctx, userID, s.clock.Now()); err != nil {
			return err
		}
		ended, err := NewSessionStore(tx).DeleteForUser(ctx, userID, 0)
		if err != nil {
			return err
		}
		_, err = Append(ctx, tx, EntryBy(actor, "auth.totp_reset", "user", userID,
			map[string]any{"had_totp": u.HasTOTP(), "sessions_ended": ended}))
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("reset totp of user %d: %w", userID, err)
	}
	u.TOTPEnabledAt = nil
	return u, nil
}

// SeedDemoTOTP gives the demo account username the TOTP secret secret
// (normally DemoTOTPSecret), sealed with keyring, unless it already has a
// second factor; it reports whether it set one. The seed is audited.
// DEVELOPMENT ONLY, like the demo passwords.
func SeedDemoTOTP(ctx context.Context, db pg.DBTX, keyring *Keyring, username, secret string) (bool, error) {
	if !validTOTPSecret(secret) {
		return false, fmt.Errorf("seed demo totp: secret is not base32")
	}
	var set bool
	err := pg.WithTx(ctx, db, func(tx pgx.Tx) error {
		u, err := NewUserStore(tx).ByUsername(ctx, username)
		if err != nil || u.HasTOTP() {
			return err
		}
		sealed, err := keyring.Seal([]byte(secret), totpAAD(u.ID))
		if err != nil {
			return err
		}
		if set, err = NewTOTPStore(tx).SetConfirmed(ctx, u.ID, sealed); err != nil || !set {
			return err
		}
		_, err = Append(ctx, tx, Entry{Action: "auth.totp_enrolled", ObjectKind: "user", ObjectID: u.ID,
			Detail: map[string]any{"seed": "demo"}})
		return err
	})
	if err != nil {
		return false, fmt.Errorf("seed demo totp: %w", err)
	}
	return set, nil
}
