package alerts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/template"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
)

// SMS is one message for a gateway. Body never names a crime or a
// complainant (the templates in package cases take only a code, a time and
// a district). To is a phone number only for messages to the complainant;
// officers are addressed by Recipient ("district_officers:162:nodal",
// "msp"), which the gateway resolves to numbers.
type SMS struct {
	Ref       string // the outbox row id, for the gateway's idempotency
	To        string
	Recipient string
	Template  string
	Body      string
}

// SMSProvider delivers SMS. Send must be safe for concurrent use and must
// never log To or Body. A failed Send is retried by the caller's River job.
type SMSProvider interface {
	Name() string
	Send(ctx context.Context, m SMS) error
}

// OutboxProvider is the default SMSProvider, without a gateway: it sends
// nothing; the message stays in sms_outbox as held (provider "outbox"),
// where admins see it.
type OutboxProvider struct{}

// Name implements SMSProvider.
func (OutboxProvider) Name() string { return "outbox" }

// Holds reports that messages are kept, not sent (the drain marks them
// held and opens no number).
func (OutboxProvider) Holds() bool { return true }

// Send implements SMSProvider.
func (OutboxProvider) Send(context.Context, SMS) error { return nil }

// HTTPSMSConfig configures a generic HTTP SMS gateway (VIKALP_SMS_*).
type HTTPSMSConfig struct {
	URL string // POST endpoint
	// AuthHeader is "Name: value" (e.g. "Authorization: Bearer …"), or
	// just a value sent as Authorization; "" for none.
	AuthHeader string
	// BodyTemplate is a text/template over SMS; {{json .Body}} writes a
	// JSON string. Default: DefaultSMSBodyTemplate.
	BodyTemplate string
	ContentType  string        // default application/json
	Timeout      time.Duration // default 10 s
}

// DefaultSMSBodyTemplate is the JSON body sent when none is configured.
const DefaultSMSBodyTemplate = `{"to":{{json .To}},"recipient":{{json .Recipient}},"template":{{json .Template}},"text":{{json .Body}},"ref":{{json .Ref}}}`

// HTTPSMSProvider posts each message to a generic SMS gateway.
type HTTPSMSProvider struct {
	cfg    HTTPSMSConfig
	tmpl   *template.Template
	client *http.Client
}

// NewHTTPSMSProvider validates cfg and returns a provider.
func NewHTTPSMSProvider(cfg HTTPSMSConfig) (*HTTPSMSProvider, error) {
	if !strings.HasPrefix(cfg.URL, "https://") && !strings.HasPrefix(cfg.URL, "http://") {
		return nil, fmt.Errorf("sms gateway url must be http(s)")
	}
	if cfg.BodyTemplate == "" {
		cfg.BodyTemplate = DefaultSMSBodyTemplate
	}
	if cfg.ContentType == "" {
		cfg.ContentType = "application/json"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	tmpl, err := template.New("sms").Option("missingkey=error").Funcs(template.FuncMap{
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
	}).Parse(cfg.BodyTemplate)
	if err != nil {
		return nil, fmt.Errorf("parse sms body template: %w", err)
	}
	return &HTTPSMSProvider{cfg: cfg, tmpl: tmpl, client: &http.Client{Timeout: cfg.Timeout}}, nil
}

// Name implements SMSProvider.
func (p *HTTPSMSProvider) Name() string { return "http" }

// Send implements SMSProvider. Any answer outside 2xx is an error; the
// error text never contains the message or the number.
func (p *HTTPSMSProvider) Send(ctx context.Context, m SMS) error {
	var body bytes.Buffer
	if err := p.tmpl.Execute(&body, m); err != nil {
		return fmt.Errorf("render sms body: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.URL, &body)
	if err != nil {
		return fmt.Errorf("build sms request: %w", err)
	}
	req.Header.Set("Content-Type", p.cfg.ContentType)
	if h := p.cfg.AuthHeader; h != "" {
		name, value, ok := strings.Cut(h, ":")
		if !ok || strings.ContainsAny(name, " \t") {
			name, value = "Authorization", h
		}
		req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("post sms to gateway: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("sms gateway answered %d", resp.StatusCode)
	}
	return nil
}

// OutboxSMS is one sms_outbox row as admins see it: never the number.
type OutboxSMS struct {
	ID          int64      `db:"id"`
	ToKind      string     `db:"to_kind"`
	ToRole      string     `db:"to_role"`
	DistrictID  *int       `db:"district_id"`
	ComplaintID *int64     `db:"complaint_id"`
	Template    string     `db:"template"`
	Body        string     `db:"body"`
	Status      string     `db:"status"`
	Provider    string     `db:"provider"`
	Attempts    int        `db:"attempts"`
	LastError   string     `db:"last_error"`
	CreatedAt   time.Time  `db:"created_at"`
	SentAt      *time.Time `db:"sent_at"`
}

// SMSOutbox lists outbox messages (status "" for all) below beforeID, newest
// first. Admins only.
func (s *Service) SMSOutbox(ctx context.Context, p auth.Principal, status string, beforeID int64, limit int) ([]OutboxSMS, error) {
	if !p.Has(auth.RoleAdmin) {
		return nil, vikalp.Forbiddenf("only an administrator sees the SMS outbox")
	}
	return NewSMSStore(s.db).List(ctx, status, beforeID, limit)
}
