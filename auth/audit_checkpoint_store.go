package auth

import (
	"bytes"
	"cmp"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"time"
)

// One statement, so the count and the head come from one snapshot. Appends
// hold the audit lock until their transaction commits, so rows commit in id
// order and a snapshot always sees a prefix of the chain.
const auditHeadRowSQL = `
SELECT clock_timestamp(), count(*), coalesce(max(id), 0),
       coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), $1)
FROM audit_log`

// Head returns an unsigned checkpoint of the chain as it stands: its row
// count, the id and stored hash of its last row, and the time.
func (s *AuditStore) Head(ctx context.Context) (AuditCheckpoint, error) {
	var cp AuditCheckpoint
	if err := s.db.QueryRow(ctx, auditHeadRowSQL, genesisHash).Scan(&cp.At, &cp.Rows, &cp.HeadID, &cp.Head); err != nil {
		return AuditCheckpoint{}, fmt.Errorf("read audit head: %w", err)
	}
	cp.At = cp.At.UTC().Truncate(time.Microsecond)
	return cp, nil
}

// CheckpointReport is what CheckCheckpoints found.
type CheckpointReport struct {
	Chain    ChainStatus         // the chain's own links, as Verify reports them
	Checked  int                 // checkpoints examined
	Failures []CheckpointFailure // checkpoints the chain or the key disowns; empty when all hold
}

// OK reports whether the chain is intact and every checkpoint holds.
func (r CheckpointReport) OK() bool { return r.Chain.Intact() && len(r.Failures) == 0 }

// CheckpointFailure is one checkpoint that does not hold, and why.
type CheckpointFailure struct {
	Checkpoint AuditCheckpoint
	Reason     string
}

// CheckCheckpoints verifies each checkpoint's signature with the key of
// keys whose AuditKeyID it names (several after a key rotation) and then
// the chain against them, walking it once from the first row and
// recomputing every hash from genesis and the rows' contents (never trusting
// a stored hash). A checkpoint fails when its signature does not verify,
// when it counts more rows than the chain now has (truncated), or when the
// row at its position is another row or hashes to something else
// (rewritten: a row at or before it was edited, deleted or inserted, even if
// every stored hash was recomputed to match). Report.Chain is what Verify
// would say.
func (s *AuditStore) CheckCheckpoints(ctx context.Context, keys []ed25519.PublicKey, cps []AuditCheckpoint) (CheckpointReport, error) {
	if len(keys) == 0 {
		return CheckpointReport{}, errors.New("check audit checkpoints: no public key")
	}
	rep := CheckpointReport{Chain: ChainStatus{Head: genesisHash}, Checked: len(cps)}
	var pending []AuditCheckpoint // signed ones, by row count
	for _, cp := range cps {
		pub := keys[0]
		for _, k := range keys {
			if AuditKeyID(k) == cp.KeyID {
				pub = k
			}
		}
		if err := cp.VerifySignature(pub); err != nil {
			rep.fail(cp, err.Error())
			continue
		}
		pending = append(pending, cp)
	}
	slices.SortStableFunc(pending, func(a, b AuditCheckpoint) int { return cmp.Compare(a.Rows, b.Rows) })
	var pos int64 // rows walked
	head := genesisHash
	check := func(id int64) {
		for len(pending) > 0 && pending[0].Rows == pos {
			rep.compare(pending[0], pos, id, head)
			pending = pending[1:]
		}
	}
	check(0)
	var after int64
	for len(pending) > 0 || rep.Chain.Intact() {
		recs, err := s.List(ctx, after, verifyBatch)
		if err != nil {
			return rep, fmt.Errorf("check audit checkpoints: %w", err)
		}
		for _, r := range recs {
			want := chainHash(head, r)
			if rep.Chain.Intact() {
				rep.Chain.Rows++
				if !bytes.Equal(r.PrevHash, head) || !bytes.Equal(r.Hash, want) {
					rep.Chain.BrokenID = r.ID
				} else {
					rep.Chain.Head = r.Hash
				}
			}
			pos, head, after = pos+1, want, r.ID
			check(r.ID)
		}
		if len(recs) < verifyBatch {
			break
		}
	}
	for _, cp := range pending {
		rep.fail(cp, fmt.Sprintf("truncated: it counts %d rows, the chain has %d now", cp.Rows, pos))
	}
	return rep, nil
}

// compare checks a signed checkpoint against the row at its position: id
// is that row's id (0 before the first row) and head the hash recomputed
// through it.
func (r *CheckpointReport) compare(cp AuditCheckpoint, pos, id int64, head []byte) {
	switch {
	case cp.HeadID != id:
		r.fail(cp, fmt.Sprintf("rewritten: row %d of the chain is id %d, the checkpoint signed id %d", pos, id, cp.HeadID))
	case !bytes.Equal(cp.Head, head):
		r.fail(cp, fmt.Sprintf("rewritten: rows up to id %d hash to %x now, the checkpoint signed %x", id, head, cp.Head))
	}
}

func (r *CheckpointReport) fail(cp AuditCheckpoint, reason string) {
	r.Failures = append(r.Failures, CheckpointFailure{Checkpoint: cp, Reason: reason})
}
