package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vikalp/vikalp/auth"
)

func newAuditCmd(a *cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Check the tamper-evident audit log",
	}
	cmd.AddCommand(newAuditVerifyCmd(a), newAuditCheckpointCmd(a), newAuditPublicKeyCmd(a))
	return cmd
}

func newAuditVerifyCmd(a *cli) *cobra.Command {
	var checkpoints string
	var publicKeys []string
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Walk the audit log's hash chain and report the first broken row",
		Long: `verify recomputes every audit log row's hash from its contents and its
predecessor's hash. An edited row, a deleted or reordered row (its successor
no longer links to it) is reported by id, and the command exits non-zero.

Someone with the database owner's rights can rewrite the whole chain with
consistent hashes, or drop its newest rows, and the chain alone cannot show
it. With --checkpoints, verify also checks the chain against the signed
checkpoints the workers publish (see 'vikalp audit checkpoint'): each
signature must verify with the public key (--public-key, or derived from
VIKALP_AUDIT_SIGNING_KEY), no checkpoint may count more rows than the chain
has (truncation), and the row at each checkpoint's position must be the one
it signed and hash to its head, recomputed from the first row (rewrite).
After a key rotation, give every public key still signing kept checkpoints:
each checkpoint is checked with the key its key_id names.
Every checkpoint that fails is named; the count checked is printed.

--checkpoints takes a directory (checkpoint objects copied from the bucket,
or JSON log extracts: every .json, .jsonl and .log file in it and below) or a
bucket URL (file:// or s3://, the objects under audit-checkpoints/).

Examples:
  vikalp audit verify
  vikalp audit verify --checkpoints s3://vikalp-media?region=ap-south-1 --public-key 3b6a…`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pool, err := a.pool(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			out := cmd.OutOrStdout()
			if checkpoints != "" {
				return a.verifyCheckpoints(cmd.Context(), pool, checkpoints, publicKeys, out)
			}
			st, err := auth.NewAuditStore(pool).Verify(cmd.Context())
			if err != nil {
				return err
			}
			if !st.Intact() {
				fmt.Fprintf(out, "audit log BROKEN at row %d (checked %d rows; last intact head %s)\n",
					st.BrokenID, st.Rows, hex.EncodeToString(st.Head))
				return errors.New("audit log verification failed")
			}
			fmt.Fprintf(out, "audit log intact: %d rows, head %s\n", st.Rows, hex.EncodeToString(st.Head))
			return nil
		},
	}
	cmd.Flags().StringVar(&checkpoints, "checkpoints", "", "also check the chain against the signed checkpoints in this directory or bucket URL")
	cmd.Flags().StringSliceVar(&publicKeys, "public-key", nil,
		"Ed25519 public key of the checkpoints, hex or base64; repeat for keys used before a rotation (default: from VIKALP_AUDIT_SIGNING_KEY)")
	return cmd
}

func newAuditCheckpointCmd(a *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "checkpoint",
		Short: "Sign the audit chain's head now and publish it",
		Long: `checkpoint signs the audit chain's head (row count, last row's id and hash,
time) with VIKALP_AUDIT_SIGNING_KEY and publishes it as a new object under
audit-checkpoints/ in the media bucket (VIKALP_MEDIA_URL) and as a JSON log
record; the checkpoint is also printed. The workers do this every
VIKALP_AUDIT_CHECKPOINT_INTERVAL (default hourly).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pool, err := a.pool(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			cpr, err := a.auditCheckpointer(pool)
			if err != nil {
				return err
			}
			if cpr == nil {
				return fmt.Errorf("%s is not set (in development, %s=demo selects the public demo key)",
					envAuditSigningKey, envAuditSigningKey)
			}
			cp, err := cpr.Checkpoint(cmd.Context())
			if err != nil {
				return err
			}
			line, err := json.Marshal(cp)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(line))
			return nil
		},
	}
}

func newAuditPublicKeyCmd(a *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "public-key",
		Short: "Print the public key that verifies the audit checkpoints",
		Long: `public-key prints the Ed25519 public key of VIKALP_AUDIT_SIGNING_KEY (hex) and
its key id. Keep a copy with whoever verifies the checkpoints
('vikalp audit verify --checkpoints … --public-key KEY').`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			keys, err := a.auditPublicKeys(nil)
			if err != nil {
				return err
			}
			pub := keys[0]
			fmt.Fprintf(cmd.OutOrStdout(), "%s key_id %s\n", hex.EncodeToString(pub), auth.AuditKeyID(pub))
			return nil
		},
	}
}
