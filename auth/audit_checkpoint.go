package auth

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// AuditCheckpoint is a signed statement of the audit chain's head at a
// moment, like a Certificate Transparency signed tree head: "at At the chain
// had Rows rows and the last one, HeadID, hashed to Head". Published where
// the database owner cannot write, it turns a rewrite of the whole chain
// (every hash recomputed, which Verify cannot see) or a truncation into a
// mismatch against a signature made with a key kept outside the database.
type AuditCheckpoint struct {
	At        time.Time // when the head was read (UTC, microseconds)
	Rows      int64     // rows in the chain up to and including the head
	HeadID    int64     // id of the head row; 0 when the chain is empty
	Head      []byte    // the head row's hash; genesis (32 zero bytes) when empty
	KeyID     string    // AuditKeyID of the signing key
	Signature []byte    // Ed25519 over the checkpoint's signed text
	// Source names where the checkpoint was read from (a file or object);
	// it is neither signed nor written.
	Source string
}

// auditCheckpointType marks a checkpoint in JSON, in a file and in a log
// record alike.
const auditCheckpointType = "vikalp.audit_checkpoint"

// auditCheckpointTime is the one time format of checkpoints, signed and
// written alike, so a parsed checkpoint re-signs to the same bytes.
const auditCheckpointTime = "2006-01-02T15:04:05.000000Z"

// signedText is what the signature covers: a fixed header line and one
// "name value" line per field.
func (cp AuditCheckpoint) signedText() []byte {
	return fmt.Appendf(nil, "vikalp audit checkpoint v1\nat %s\nrows %d\nhead_id %d\nhead %x\n",
		cp.At.UTC().Format(auditCheckpointTime), cp.Rows, cp.HeadID, cp.Head)
}

// Sign returns cp signed with key.
func (cp AuditCheckpoint) Sign(key ed25519.PrivateKey) AuditCheckpoint {
	cp.KeyID = AuditKeyID(key.Public().(ed25519.PublicKey))
	cp.Signature = ed25519.Sign(key, cp.signedText())
	return cp
}

// VerifySignature reports whether cp was signed with the key pub, naming
// what is wrong when it was not.
func (cp AuditCheckpoint) VerifySignature(pub ed25519.PublicKey) error {
	if want := AuditKeyID(pub); cp.KeyID != want {
		return fmt.Errorf("signed by key %q, not the expected key %q (forged, or another deployment's)", cp.KeyID, want)
	}
	if !ed25519.Verify(pub, cp.signedText(), cp.Signature) {
		return errors.New("signature does not verify (forged or altered)")
	}
	return nil
}

// Name identifies cp in messages: its source, time and row count.
func (cp AuditCheckpoint) Name() string {
	name := fmt.Sprintf("checkpoint of %s (%d rows)", cp.At.UTC().Format(time.RFC3339), cp.Rows)
	if cp.Source != "" {
		name += " in " + cp.Source
	}
	return name
}

// ObjectKey is the blob key cp is published under: its time and row count
// under AuditCheckpointPrefix, so keys sort by time and never repeat.
func (cp AuditCheckpoint) ObjectKey() string {
	return AuditCheckpointPrefix + cp.At.UTC().Format("20060102T150405.000000Z") +
		"-" + strconv.FormatInt(cp.Rows, 10) + ".json"
}

// auditCheckpointJSON is the written form of a checkpoint.
type auditCheckpointJSON struct {
	Type      string `json:"type"`
	At        string `json:"at"`
	Rows      int64  `json:"rows"`
	HeadID    int64  `json:"head_id"`
	Head      string `json:"head"`      // hex
	KeyID     string `json:"key_id"`    // hex
	Signature string `json:"signature"` // standard base64
}

// MarshalJSON writes cp as one JSON object (hex head, base64 signature).
func (cp AuditCheckpoint) MarshalJSON() ([]byte, error) {
	return json.Marshal(auditCheckpointJSON{Type: auditCheckpointType,
		At: cp.At.UTC().Format(auditCheckpointTime), Rows: cp.Rows, HeadID: cp.HeadID,
		Head: hex.EncodeToString(cp.Head), KeyID: cp.KeyID,
		Signature: base64.StdEncoding.EncodeToString(cp.Signature)})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (cp *AuditCheckpoint) UnmarshalJSON(b []byte) error {
	var j auditCheckpointJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if j.Type != auditCheckpointType {
		return fmt.Errorf("not an audit checkpoint (type %q)", j.Type)
	}
	at, err := time.Parse(auditCheckpointTime, j.At)
	if err != nil {
		return fmt.Errorf("checkpoint time: %w", err)
	}
	head, err := hex.DecodeString(j.Head)
	if err != nil || len(head) != sha256.Size {
		return fmt.Errorf("checkpoint head %q is not a 32-byte hex hash", j.Head)
	}
	sig, err := base64.StdEncoding.DecodeString(j.Signature)
	if err != nil {
		return fmt.Errorf("checkpoint signature: %w", err)
	}
	*cp = AuditCheckpoint{At: at, Rows: j.Rows, HeadID: j.HeadID, Head: head, KeyID: j.KeyID,
		Signature: sig, Source: cp.Source}
	return nil
}

// ParseAuditCheckpoints reads the checkpoints in r, one JSON object a line:
// a checkpoint as written to the bucket, or a log record carrying one under
// "checkpoint" (as the checkpoint job logs it), so an extract of the logs
// can be verified too. Other lines (text that is not a JSON object, other
// records) are skipped; a JSON line that claims to be a checkpoint but does
// not parse is an error. source names r in messages.
func ParseAuditCheckpoints(r io.Reader, source string) ([]AuditCheckpoint, error) {
	var cps []AuditCheckpoint
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if !bytes.HasPrefix(line, []byte("{")) || !bytes.Contains(line, []byte(auditCheckpointType)) {
			continue
		}
		raw, err := checkpointObject(line)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", source, n, err)
		}
		if raw == nil {
			continue
		}
		cp := AuditCheckpoint{Source: fmt.Sprintf("%s:%d", source, n)}
		if err := json.Unmarshal(raw, &cp); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", source, n, err)
		}
		cps = append(cps, cp)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", source, err)
	}
	return cps, nil
}

// checkpointObject returns the checkpoint object of a line: the line
// itself, or its "checkpoint" member; nil when it holds none.
func checkpointObject(line []byte) (json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	var typ string
	if err := json.Unmarshal(obj["type"], &typ); err == nil && typ == auditCheckpointType {
		return line, nil
	}
	if inner, ok := obj["checkpoint"]; ok {
		return inner, nil
	}
	return nil, nil
}

// AuditKeyID names an Ed25519 public key: the first 4 bytes of its SHA-256
// in hex, as a checkpoint records which key signed it.
func AuditKeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:4])
}

// ParseAuditSigningKey reads an Ed25519 signing key given as its 32-byte
// seed in hex (64 digits) or base64.
func ParseAuditSigningKey(s string) (ed25519.PrivateKey, error) {
	seed, err := decodeKey32(s)
	if err != nil {
		return nil, fmt.Errorf("audit signing key: %w", err)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// ParseAuditPublicKey reads an Ed25519 public key given as 32 bytes in hex
// (64 digits) or base64.
func ParseAuditPublicKey(s string) (ed25519.PublicKey, error) {
	b, err := decodeKey32(s)
	if err != nil {
		return nil, fmt.Errorf("audit public key: %w", err)
	}
	return ed25519.PublicKey(b), nil
}

// decodeKey32 decodes 32 bytes from hex or (padded or raw, standard or URL)
// base64.
func decodeKey32(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding,
		base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == 32 {
			return b, nil
		}
	}
	return nil, errors.New("want 32 bytes as 64 hex digits or base64")
}
