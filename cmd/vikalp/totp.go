package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/auth"
)

// newTOTPCmd is `vikalp totp`: the admin reset of a user's second factor,
// and, in development only, the current code of the demo secret.
func newTOTPCmd(a *cli) *cobra.Command {
	cmd := &cobra.Command{Use: "totp", Short: "Staff second factor (TOTP): reset, demo codes"}
	var demo bool
	code := &cobra.Command{
		Use:   "code --demo",
		Short: "Print the current TOTP code of the demo secret (development only)",
		Long: `code --demo prints the code an authenticator app would show now for the
public demo secret that 'seed --demo' gives the admin, msp.legal, ahtu.lko and
ahtu.up accounts. It refuses to run with VIKALP_ENV=production.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !demo || a.cfg.Production() {
				return fmt.Errorf("only the demo secret, and only outside production: use --demo with VIKALP_ENV=development")
			}
			c, err := auth.TOTPCode(auth.DemoTOTPSecret, auth.TOTPStep(time.Now()))
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), c)
			return nil
		},
	}
	code.Flags().BoolVar(&demo, "demo", false, "use the public demo secret")
	reset := &cobra.Command{
		Use:   "reset USER_ID",
		Short: "Remove a user's second factor and end their sessions (audited)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("USER_ID must be a number")
			}
			pool, err := a.pool(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			svc, err := auth.NewService(pool, auth.Deps{Logger: a.logger})
			if err != nil {
				return err
			}
			u, err := svc.ResetTOTP(cmd.Context(), auth.Principal{}, id)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "second factor of %s removed; they enrol again at their next login\n", u.Username)
			return nil
		},
	}
	cmd.AddCommand(code, reset)
	return cmd
}
