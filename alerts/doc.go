// Package alerts gets the right alert to the right unit fast and never loses
// one (ARCHITECTURE §8): routing rules, the alert lifecycle (open →
// acknowledged → resolved, with escalation when nobody acknowledges in
// time), live fan-out to Server-Sent-Event consoles on every replica through
// Postgres LISTEN/NOTIFY, and SMS pages and signed webhooks (both delivered
// by package notify).
//
// Tables owned: alerts, alert_events (append-only). Outbound messages are
// package notify's (so are their admin views): alerts queues escalation
// pages into sms_outbox; it decides which units an event's
// webhooks go to (the alert's unit and the unit it is escalated to) and
// queues them through notify.Webhooks.QueueTx, checks a new subscription's
// unit (CreateSubscription) and renders each delivery's body
// (WebhookRenderer). The notify.Webhooks it queues through is the caller's
// (Deps.Webhooks, required; app.Build passes the graph's one), never one
// of its own. notify stores subscriptions and deliveries, signs,
// sends, retries and enforces the webhook allow-list. alerts imports cases
// and notify, never the reverse. No geometry is stored: an alert keeps
// at most the H3 r8 cell of its subject (for staff consoles only) and never a
// point, a name, a phone number or report text.
//
// Invariants:
//   - An alert is written, with its "raised" event, its webhook deliveries
//     and their River jobs (queued through notify), in the caller's
//     transaction (transactional outbox): a committed report always gets
//     its alert.
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
//   - Whoever may not see an alert gets vikalp.ErrNotFound for it. An
//     escalated alert is seen, and may be acknowledged, by its unit and by
//     every level it has reached (escalated_to); SQL (visibleSQL) and the
//     hub (Visibility.Allows) apply the same rule.
//   - An open alert with an escalation policy always has an alerts.escalate
//     job at its acknowledgement deadline; each escalation (level, event,
//     SMS page queued through notify, next job) is one
//     transaction under the alert's row lock, and a job whose level the
//     alert has left does nothing. No phone number is stored or logged:
//     the SMS gateway resolves a level to its duty number.
//   - A live lead alert follows its lead: a higher score updates it (an
//     "updated" event), never a second alert and never a lower score.
package alerts
