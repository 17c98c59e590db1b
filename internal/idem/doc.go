// Package idem is the one home of Idempotency-Keys: the table that stores
// them and the rule every keyed request follows. A client that retries a
// request with the same key (and the same content) gets the first request's
// answer instead of a second copy; the same key with other content is a
// conflict, worded by the caller. Reports and tips (package ingest),
// complaints and complaint photos (package cases) use it; the key's format
// is vikalp.ValidIdempotencyKey and a request's contact details enter its
// fingerprint through vikalp.ContactFingerprint.
//
// Tables owned (written only here): submission_keys. Package ingest's
// retention reads it to count what a purge would delete.
//
// Invariants:
//   - A key is unique in its scope: reports and tips share one (a report's
//     key retried as a tip is other content), complaints have one, and the
//     photos of each complaint have one of their own.
//   - A key is recorded in the transaction that stores what it created, so
//     a key never stands for nothing. Two concurrent requests with one key
//     produce one row: the second insert waits on the primary key for the
//     first transaction and fails with ErrTaken once it commits; the caller
//     then answers with the first request's result (Do).
//   - A stored key without a fingerprint (a complaint's, wiped with its
//     sealed secret when the replay window ends) answers any retry.
//   - Only report and tip keys are ever deleted (with their rejected reports
//     by package ingest's retention, or by age with Prune); complaint and
//     photo keys live as long as the complaint.
package idem
