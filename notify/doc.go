// Package notify delivers outbound messages: the SMS outbox, its drain and
// the gateways it sends through, and webhooks (subscriptions, signed
// deliveries retried by River, dead letters, the allow-list every worker
// shares). It owns delivery, not wording: the packages above it (cases for
// complaint messages, ingest for hotspot reporters' notifications, alerts
// for escalation pages and alert webhooks) render their own bodies and
// queue rows here, each inside its own transaction.
//
// Tables owned (written only here): sms_outbox, webhook_subscriptions,
// deliveries, webhook_policy. It reads complaints and reports for the codes
// a sealed number is bound to (key rotation). A delivery's event_id is an
// alert_events row; its body is rendered by the WebhookRenderer (alerts)
// and a subscription's unit (unit_kind, unit_id) is alerts' unit, kept
// here as plain values.
//
// Invariants:
//   - A row is queued in the caller's transaction (Queue, QueueBatch): a
//     committed filing, report decision or escalation always has its
//     messages, and a rolled-back one never does. No River job is inserted
//     per message; the periodic drain (SMSDrainArgs) finds due rows.
//   - Bodies never name a complainant, a reporter or a crime; officers are
//     addressed by recipient kind, role and district, never by a stored
//     number. Only a complainant's or a reporter's own number is stored,
//     sealed to her complaint's or report's code (vikalp.OutboxPhoneAAD).
//   - A sealed number is opened only by the PhoneOpener registered for the
//     row's recipient kind (cases for "complainant", ingest for "reporter"),
//     each time after an audit_log entry, just before it is handed to the
//     gateway; it is never logged. The admin list (Service.Outbox) never
//     selects it.
//   - Drains share the outbox (FOR UPDATE SKIP LOCKED); a drain that dies
//     before commit leaves its rows queued, so a message may go twice,
//     never not at all. A failed attempt is retried with a doubling backoff,
//     moved to an allowed time when the opener is a Scheduler (her safe
//     callback window), and the row is failed after smsMaxAttempts.
//   - Without a gateway (a Holder provider) due rows are marked held, never
//     sent, and no number is opened.
//   - Webhook deliveries and their River jobs (WebhookDeliverArgs, kind
//     "alerts.webhook_deliver", kept from when alerts delivered them) are
//     inserted in the caller's transaction (Webhooks.QueueTx), one per event
//     and active subscription of each unit the caller names. Every request
//     is signed (Sign: HMAC-SHA256 of "<t>.<body>" under the subscription's
//     secret, sealed to its URL); a failed attempt is retried with a
//     doubling backoff and the last one marks the delivery dead. A delivered
//     delivery is never sent again; a re-send is an admin's, audited.
//   - Webhooks are sent only under the allow-list recorded in
//     webhook_policy: a worker whose VIKALP_WEBHOOK_ALLOW_NETS differs
//     refuses to start and to deliver (Webhooks.CheckPolicy), and every
//     connection is checked on the address dialled (internal/netguard).
//     Admins see a delivery failure as a short reason; the detail is logged
//     without the receiver's URL.
//   - Every webhook subscription change and re-send is audited.
//
// Direction: notify sits above auth and below cases, ingest and alerts; it
// imports none of them (phone opening is injected as PhoneOpener, a
// webhook's body as WebhookRenderer).
package notify
