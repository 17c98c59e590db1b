package main

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/jurisdiction"
)

// demoPassword is the password of every demo account; `make run` prints it.
// Demo accounts exist only in databases seeded with `seed --demo`.
const demoPassword = "vikalp-demo-2026"

// lucknowLGD is the LGD code of Lucknow district, home of the demo accounts.
const lucknowLGD = 162

// seedDemoUsers creates one account per role, scoped to Lucknow where a
// role has a local scope, plus one for each level of the alert escalation
// policies (district control room, AHTU in-charge), and prints them.
// Existing usernames are kept.
func seedDemoUsers(ctx context.Context, pool *pgxpool.Pool, out io.Writer) error {
	users, err := demoUsers(ctx, jurisdiction.New(pool))
	if err != nil {
		return err
	}
	created, err := auth.SeedDemoUsers(ctx, pool, users)
	if err != nil {
		return fmt.Errorf("seed demo users: %w", err)
	}
	fmt.Fprintf(out, "demo accounts: %d created, %d already present (password %q)\n",
		created, len(users)-created, demoPassword)
	for _, u := range users {
		fmt.Fprintf(out, "  %-16s %-12s %s\n", u.Username, u.Role, u.Scope)
	}
	return nil
}

// seedDemoTOTP gives the demo accounts whose role requires a second factor
// the public demo TOTP secret, and prints it. DEVELOPMENT ONLY: anyone who
// reads this file can log in as them, exactly as with the demo password.
func seedDemoTOTP(ctx context.Context, pool *pgxpool.Pool, keyring *auth.Keyring, out io.Writer) error {
	users, err := demoUsers(ctx, jurisdiction.New(pool))
	if err != nil {
		return err
	}
	for _, u := range users {
		if !slices.Contains(auth.DefaultTOTPRoles, u.Role) {
			continue
		}
		if _, err := auth.SeedDemoTOTP(ctx, pool, keyring, u.Username, auth.DemoTOTPSecret); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "demo TOTP (DEV ONLY) for admin, msp.legal, ahtu.lko and ahtu.up: secret %s\n", auth.DemoTOTPSecret)
	fmt.Fprintln(out, "  add it to an authenticator app, or print the current code with: vikalp totp code --demo")
	return nil
}

// demoUsers lists the demo accounts with scopes looked up in the seeded
// jurisdictions.
func demoUsers(ctx context.Context, j *jurisdiction.Service) ([]auth.DemoUser, error) {
	station, err := j.StationByCode(ctx, "LKO-HAZ")
	if err != nil {
		return nil, fmt.Errorf("find demo station: %w", err)
	}
	ahtu, err := j.AHTUForDistrict(ctx, lucknowLGD)
	if err != nil {
		return nil, fmt.Errorf("find demo AHTU: %w", err)
	}
	pcr, err := j.PCRUnitByCode(ctx, "LKO-PCR-N")
	if err != nil {
		return nil, fmt.Errorf("find demo PCR unit: %w", err)
	}
	district := auth.Scope{Kind: auth.ScopeDistrict, ID: lucknowLGD}
	demo := []struct {
		username, name string
		role           auth.Role
		scope          auth.Scope
	}{
		{"ecell.lko", "E-cell Lucknow", auth.RoleECell, district},
		{"station.hzg", "SHO Hazratganj", auth.RoleStation, auth.Scope{Kind: auth.ScopeStation, ID: station.ID}},
		{"nodal.lko", "Nodal Officer Lucknow", auth.RoleNodal, district},
		{"sp.lko", "SP Lucknow", auth.RoleSP, district},
		{"msp.analyst", "MSP Analyst", auth.RoleMSPAnalyst, auth.StateScope},
		{"msp.legal", "MSP Legal", auth.RoleMSPLegal, auth.StateScope},
		{"ahtu.lko", "AHTU Lucknow", auth.RoleAHTU, auth.Scope{Kind: auth.ScopeAHTU, ID: int64(ahtu.ID)}},
		// The AHTU in-charge (state): the second level of the AHTU
		// escalation policy (docs/ALERTS.md).
		{"ahtu.up", "AHTU In-charge UP", auth.RoleAHTU, auth.StateScope},
		{"pcr.lko", "PCR Lucknow North", auth.RolePCR, auth.Scope{Kind: auth.ScopePCR, ID: pcr.ID}},
		// The district control room: a PCR account scoped to the district,
		// the second level of the PCR escalation policy (then sp.lko, then
		// msp.*).
		{"control.lko", "District Control Room Lucknow", auth.RolePCR, district},
		{"moderator", "Moderator", auth.RoleModerator, auth.StateScope},
		{"admin", "Administrator", auth.RoleAdmin, auth.StateScope},
	}
	users := make([]auth.DemoUser, 0, len(demo))
	for _, d := range demo {
		users = append(users, auth.DemoUser{Username: d.username, DisplayName: d.name, Password: demoPassword,
			Role: d.role, Scope: d.scope})
	}
	return users, nil
}
