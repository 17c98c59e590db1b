package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/auth"
)

func newUserCmd(a *cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Manage staff accounts and API tokens",
		Long: `user creates, disables and lists staff accounts, and issues API tokens for
integrations. Every change is written to the audit log as done by the system.`,
	}
	cmd.AddCommand(newUserCreateCmd(a), newUserDisableCmd(a), newUserListCmd(a), newUserTokenCmd(a))
	return cmd
}

func newUserCreateCmd(a *cli) *cobra.Command {
	var username, role, scope, displayName, passwordFile string
	cmd := &cobra.Command{
		Use:   "create --username U --role R --scope KIND:ID [--password-file F]",
		Short: "Create a staff account",
		Long: `create makes a staff account with one role and one jurisdiction scope.

Roles and the scopes they take:
  station              station:ID
  nodal, sp            district:LGD_CODE
  msp_analyst, msp_legal, moderator, admin   state
  ahtu                 ahtu:ID or state
  pcr                  pcr:ID or district:LGD_CODE
  ecell                district:LGD_CODE or state

The password (at least 10 characters) is read from --password-file, or else
from the first line of standard input, which must not be a terminal:

  echo 'a long passphrase' | vikalp user create --username sp.lucknow \
      --role sp --scope district:162 --display-name 'SP Lucknow'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := auth.ParseRole(role)
			if err != nil {
				return err
			}
			sc, err := auth.ParseScope(scope)
			if err != nil {
				return err
			}
			password, err := readPassword(cmd.InOrStdin(), passwordFile)
			if err != nil {
				return err
			}
			return a.withAuth(cmd.Context(), func(svc *auth.Service) error {
				u, err := svc.CreateUser(cmd.Context(), auth.Principal{}, auth.NewUser{Username: username,
					DisplayName: displayName, Password: password, Role: r, Scope: sc})
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "created user %d (%s, %s)\n", u.ID, u.Role, u.Scope)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&username, "username", "", "login name: 3-64 letters, digits or . _ @ - (required)")
	cmd.Flags().StringVar(&role, "role", "", "one of "+roleList()+" (required)")
	cmd.Flags().StringVar(&scope, "scope", "", `jurisdiction: "state" or KIND:ID such as district:162 (required)`)
	cmd.Flags().StringVar(&displayName, "display-name", "", "name shown in the consoles")
	cmd.Flags().StringVar(&passwordFile, "password-file", "", "read the password from this file instead of stdin")
	for _, f := range []string{"username", "role", "scope"} {
		_ = cmd.MarkFlagRequired(f)
	}
	return cmd
}

func newUserDisableCmd(a *cli) *cobra.Command {
	var username string
	cmd := &cobra.Command{
		Use:   "disable --username U",
		Short: "Disable a staff account and end its sessions",
		Long: `disable stops an account from logging in, ends all of its sessions at once
and makes its API tokens useless. Accounts are never deleted, so the audit log
keeps pointing at them. Disabling twice is harmless.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withAuth(cmd.Context(), func(svc *auth.Service) error {
				u, err := svc.DisableUser(cmd.Context(), auth.Principal{}, username)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "disabled user %d\n", u.ID)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&username, "username", "", "account to disable (required)")
	_ = cmd.MarkFlagRequired("username")
	return cmd
}

func newUserListCmd(a *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List staff accounts",
		Long:  `list prints every account as a table: id, username, role, scope and whether it is disabled.`,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withAuth(cmd.Context(), func(svc *auth.Service) error {
				users, err := svc.ListUsers(cmd.Context())
				if err != nil {
					return err
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tUSERNAME\tROLE\tSCOPE\tDISABLED")
				for _, u := range users {
					disabled := "no"
					if u.Disabled() {
						disabled = u.DisabledAt.Format(time.DateOnly)
					}
					fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Username, u.Role, u.Scope, disabled)
				}
				return w.Flush()
			})
		},
	}
}

func newUserTokenCmd(a *cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Issue and revoke API tokens for integrations",
		Long: `token manages bearer tokens that integrations (control-room software, report
sync jobs) send as "Authorization: Bearer vkt_…". A token acts as the account
it belongs to, with that account's role and scope.`,
	}
	cmd.AddCommand(newUserTokenCreateCmd(a), newUserTokenRevokeCmd(a))
	return cmd
}

func newUserTokenCreateCmd(a *cli) *cobra.Command {
	var username, name string
	var ttl time.Duration
	cmd := &cobra.Command{
		Use:   "create --username U --name N [--ttl 8760h]",
		Short: "Create an API token and print it once",
		Long: `create issues an API token for an account and prints it on standard output.
It is shown only this once: Vikalp stores nothing but its SHA-256. Keep it in
the integration's secret store; revoke it with "vikalp user token revoke".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withAuth(cmd.Context(), func(svc *auth.Service) error {
				tok, plaintext, err := svc.CreateToken(cmd.Context(), auth.Principal{}, username, name, ttl)
				if err != nil {
					return err
				}
				expiry := "never"
				if tok.ExpiresAt != nil {
					expiry = tok.ExpiresAt.UTC().Format(time.RFC3339)
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "created token %d (expires %s); it will not be shown again:\n", tok.ID, expiry)
				fmt.Fprintln(cmd.OutOrStdout(), plaintext)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&username, "username", "", "account the token acts as (required)")
	cmd.Flags().StringVar(&name, "name", "", "what the token is for, unique among the account's live tokens (required)")
	cmd.Flags().DurationVar(&ttl, "ttl", 365*24*time.Hour, "lifetime; 0 means until revoked")
	_ = cmd.MarkFlagRequired("username")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func newUserTokenRevokeCmd(a *cli) *cobra.Command {
	var id int64
	cmd := &cobra.Command{
		Use:   "revoke --id N",
		Short: "Revoke an API token",
		Long:  `revoke stops an API token from working at once. Revoking twice is harmless.`,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withAuth(cmd.Context(), func(svc *auth.Service) error {
				tok, err := svc.RevokeToken(cmd.Context(), auth.Principal{}, id)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "revoked token %d\n", tok.ID)
				return nil
			})
		},
	}
	cmd.Flags().Int64Var(&id, "id", 0, "id of the token, as printed by token create (required)")
	_ = cmd.MarkFlagRequired("id")
	return cmd
}

// withAuth opens the database and runs fn with an auth service on it.
func (a *cli) withAuth(ctx context.Context, fn func(*auth.Service) error) error {
	pool, err := a.pool(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	svc, err := auth.NewService(pool, auth.Deps{Config: auth.Config{SessionTTL: a.cfg.SessionTTL}, Logger: a.logger})
	if err != nil {
		return err
	}
	return fn(svc)
}

// readPassword reads the password from path, or else from the first line
// of stdin, refusing an interactive terminal (it would echo the password).
func readPassword(stdin io.Reader, path string) (string, error) {
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("read password file: %w", err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	if f, ok := stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return "", errors.New("pipe the password on standard input or use --password-file")
		}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input")
	}
	return line, nil
}

func roleList() string {
	roles := auth.Roles()
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}
