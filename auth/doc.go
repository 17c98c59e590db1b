// Package auth owns who may do what in Vikalp: staff accounts with one role
// and one jurisdiction scope, browser sessions, API tokens for integrations,
// login throttling, the hash-chained audit log and field encryption.
//
// Tables owned (written only here): users, sessions, api_tokens, audit_log.
//
// Invariants:
//   - Passwords are stored only as argon2id hashes; session and API tokens
//     only as SHA-256 hashes. Plaintext tokens exist once, in the reply that
//     creates them.
//   - A wrong username and a wrong password are indistinguishable to the
//     caller: same error, same message and (through a dummy verification)
//     about the same time.
//   - A user has exactly one Role and one Scope, and the scope's kind must
//     suit the role (see Role.AllowsScope).
//   - audit_log is append-only (database triggers) and hash-chained:
//     hash = SHA-256(prev_hash || canonical(row)), prev_hash of the first row
//     is 32 zero bytes, and canonical(row) is each of id, at (UTC, RFC 3339
//     with microseconds), actor_user_id ("" when NULL), actor_role, action,
//     object_kind, object_id and detail (the jsonb text form) written as an
//     8-byte big-endian length followed by the UTF-8 bytes. Rows are appended
//     under one transaction-scoped advisory lock so the chain stays linear.
//   - The chain's head is checkpointed (AuditCheckpoint: row count, head id
//     and hash, time) with an Ed25519 key that never enters the database,
//     and published where the database owner cannot write; checking the
//     chain against them (CheckCheckpoints) catches a consistent rewrite or
//     a truncation that the chain alone cannot show.
//   - Sealed fields carry their key id, so keys rotate without a flag day.
//
// Nothing here logs passwords, tokens, usernames, display names or phones.
package auth
