package notify

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
)

// HTTPConfig configures a generic HTTP SMS gateway (VIKALP_SMS_*).
type HTTPConfig struct {
	URL string // POST endpoint
	// AuthHeader is "Name: value" (e.g. "Authorization: Bearer …"), or
	// just a value sent as Authorization; "" for none.
	AuthHeader string
	// BodyTemplate is a text/template over SMS ({{.To}}, {{.Recipient}},
	// {{.Ref}}, {{.Template}}, {{.Body}}); {{json .Body}} writes a JSON
	// string. Default: DefaultHTTPBodyTemplate.
	BodyTemplate string
	ContentType  string        // default application/json
	Timeout      time.Duration // default 10 s
}

// DefaultHTTPBodyTemplate is the JSON body sent when none is configured.
const DefaultHTTPBodyTemplate = `{"to":{{json .To}},"recipient":{{json .Recipient}},"template":{{json .Template}},"text":{{json .Body}},"ref":{{json .Ref}}}`

// HTTPProvider posts each message to a generic SMS gateway.
type HTTPProvider struct {
	cfg    HTTPConfig
	tmpl   *template.Template
	client *http.Client
}

// NewHTTPProvider validates cfg and returns a provider.
func NewHTTPProvider(cfg HTTPConfig) (*HTTPProvider, error) {
	if !strings.HasPrefix(cfg.URL, "https://") && !strings.HasPrefix(cfg.URL, "http://") {
		return nil, fmt.Errorf("sms gateway url must be http(s)")
	}
	if cfg.BodyTemplate == "" {
		cfg.BodyTemplate = DefaultHTTPBodyTemplate
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
	return &HTTPProvider{cfg: cfg, tmpl: tmpl, client: &http.Client{Timeout: cfg.Timeout}}, nil
}

// Name implements Provider.
func (p *HTTPProvider) Name() string { return "http" }

// Send implements Provider. Any answer outside 2xx is an error; the error
// text never contains the message or the number.
func (p *HTTPProvider) Send(ctx context.Context, m SMS) error {
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
