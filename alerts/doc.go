// Package alerts gets the right alert to the right unit fast and never loses
// one (ARCHITECTURE §8): routing rules, the alert lifecycle (open →
// acknowledged → resolved, with escalation when nobody acknowledges in
// time), live fan-out to Server-Sent-Event consoles on every replica through
// Postgres LISTEN/NOTIFY, signed webhooks retried by River, and SMS
// gateways.
//
// Tables owned: alerts, alert_events (append-only), webhook_subscriptions,
// deliveries; sms_outbox is listed here for admins (package cases still
// queues complaint messages into it). No geometry is stored: an alert keeps
// at most the H3 r8 cell of its subject (for staff consoles only) and never a
// point, a name, a phone number or report text.
//
// Invariants:
//   - An alert is written, with its "raised" event, its webhook deliveries
//     and their River jobs, in the caller's transaction (transactional
//     outbox): a committed report always gets its alert.
//   - Event ids (positions) are visible in increasing order: a deferred
//     trigger numbers each event while its transaction commits, under one
//     advisory lock held only for the commit, so commit order equals
//     position order. A console that has seen event N has seen every event
//     below N, which is what makes Last-Event-ID resume exact. (The row id
//     that webhook deliveries reference is internal.)
//   - The same trigger sends pg_notify('vikalp_alert_events', position), so
//     the notification leaves on commit and only then.
//   - A dedup key has at most one open or acknowledged alert (partial unique
//     index); raising it again returns the live one.
//   - Whoever may not see an alert gets vikalp.ErrNotFound for it.
package alerts
