package notify

import (
	"context"
	"strconv"
	"sync"
	"time"
)

// Recipient kinds (sms_outbox.to_kind) of the packages that queue here.
// Officers are addressed by district and role, never by a stored number;
// escalation pages use alerts' unit kinds ("district_control_room", …).
const (
	ToDistrictOfficers = "district_officers"
	ToMSP              = "msp"
	// ToComplainant rows carry her sealed number (package cases opens it).
	ToComplainant = "complainant"
	// ToReporter rows tell a hotspot reporter of her report's new state;
	// package ingest queues them (ReportID and her sealed number).
	ToReporter = "reporter"
)

// OutboxSMS is one row of the SMS outbox. Body never names the complainant
// or the crime: it carries only a code, deadlines and places.
type OutboxSMS struct {
	ID          int64      `db:"id"`
	ToKind      string     `db:"to_kind"`
	ToRole      string     `db:"to_role"` // "" for every supervisory officer, or nodal/sp
	DistrictID  *int       `db:"district_id"`
	ComplaintID *int64     `db:"complaint_id"`
	ReportID    *int64     `db:"report_id"` // a reporter's notification
	PhoneSealed []byte     `db:"phone_sealed"`
	Template    string     `db:"template"`
	Body        string     `db:"body"`
	Status      string     `db:"status"` // queued, sent, held or failed
	Provider    string     `db:"provider"`
	Attempts    int        `db:"attempts"`
	LastError   string     `db:"last_error"`
	CreatedAt   time.Time  `db:"created_at"`
	SentAt      *time.Time `db:"sent_at"`
	// NotBefore defers the first attempt (her safe callback window); zero
	// is due at once. Written only (next_attempt_at), never read back.
	NotBefore time.Time `db:"-"`
}

// SMS is one message handed to a provider. Phone is set only for messages
// with a sealed number (opened from the outbox just before sending);
// officers' numbers are the gateway's to resolve from Recipient.
type SMS struct {
	OutboxID   int64
	ToKind     string
	ToRole     string
	DistrictID *int
	Phone      string
	Template   string
	Body       string
}

// Ref is the outbox row id as text, for the gateway's idempotency.
func (m SMS) Ref() string { return strconv.FormatInt(m.OutboxID, 10) }

// To is the phone number, or "" for a message the gateway addresses by
// Recipient.
func (m SMS) To() string { return m.Phone }

// Recipient addresses the message for the gateway: the kind, then the
// district and the role when set ("district_officers:162:nodal", "msp").
func (m SMS) Recipient() string {
	r := m.ToKind
	if m.DistrictID != nil {
		r += ":" + strconv.Itoa(*m.DistrictID)
	}
	if m.ToRole != "" {
		r += ":" + m.ToRole
	}
	return r
}

// Provider delivers SMS. Send must be safe for concurrent use and must
// never log the phone or the body; a failed Send is retried by the drain.
type Provider interface {
	Name() string
	Send(ctx context.Context, m SMS) error
}

// Holder is a Provider that stands for "no gateway": the drain marks its
// messages held (never sent) without opening any number.
type Holder interface {
	Provider
	Holds() bool
}

// holds reports whether p keeps messages instead of sending them.
func holds(p Provider) bool {
	h, ok := p.(Holder)
	return ok && h.Holds()
}

// OutboxProvider is the deployment's Provider without VIKALP_SMS_URL: it
// sends nothing; the messages stay in sms_outbox as held (provider
// "outbox"), where admins see them.
type OutboxProvider struct{}

// Name implements Provider.
func (OutboxProvider) Name() string { return "outbox" }

// Holds implements Holder: messages are kept, not sent.
func (OutboxProvider) Holds() bool { return true }

// Send implements Provider.
func (OutboxProvider) Send(context.Context, SMS) error { return nil }

// RecordingProvider delivers nothing and records each message as sent,
// keeping the most recent ones in memory for tests and the demo. It is the
// drain's Provider when none is given.
type RecordingProvider struct {
	mu   sync.Mutex
	sent []SMS
}

// recordingKeep bounds the messages a RecordingProvider keeps in memory.
const recordingKeep = 1000

// Name implements Provider.
func (p *RecordingProvider) Name() string { return "recording" }

// Send implements Provider.
func (p *RecordingProvider) Send(_ context.Context, m SMS) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.sent) >= recordingKeep {
		p.sent = p.sent[1:]
	}
	p.sent = append(p.sent, m)
	return nil
}

// Sent returns a copy of the recorded messages, oldest first.
func (p *RecordingProvider) Sent() []SMS {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]SMS(nil), p.sent...)
}
