package alerts

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/notify"
)

// Escalation pages go by SMS through the platform's one outbox
// (package notify's sms_outbox, drained to the configured notify.Provider).
// Like the officers' complaint messages they are addressed by unit and
// district (Recipient "district_control_room:162", "district_officers:162:sp",
// "msp:162", "ahtu_incharge"), which the gateway resolves to the level's
// duty number: no number is stored, queued or logged here.

// SMS templates of escalation pages.
const (
	TemplateEscalated        = "alert.escalated"        // a level is paged for the first time
	TemplateEscalationRepeat = "alert.escalated.repeat" // the last level is paged again
)

// pagedKinds are the unit kinds an escalation page is sent to: levels
// with a duty number. A single PCR unit or AHTU is reached on its console
// and webhooks only.
var pagedKinds = map[UnitKind]bool{UnitDistrictControlRoom: true, UnitDistrictOfficers: true, UnitMSP: true,
	UnitAHTUInCharge: true}

// page queues, in tx, the SMS that pages unit to about escalated alert a.
func (s *Service) page(ctx context.Context, tx pgx.Tx, a Alert, to Unit, repeat bool, now time.Time) error {
	if !pagedKinds[to.Kind] {
		return nil
	}
	m := notify.OutboxSMS{ToKind: string(to.Kind), ToRole: to.Role, DistrictID: a.DistrictID,
		Template: TemplateEscalated, Body: pageBody(a, repeat, now), CreatedAt: now}
	if repeat {
		m.Template = TemplateEscalationRepeat
	}
	if err := notify.NewStore(tx).Queue(ctx, m); err != nil {
		return fmt.Errorf("queue escalation sms: %w", err)
	}
	return nil
}

// pageBody is the English text of an escalation page: the alert's id, what
// kind of alert, its place and time. Like every officer SMS it names no
// crime, category or person (a message on a phone's lock screen is read
// by others); the console has the rest.
func pageBody(a Alert, repeat bool, now time.Time) string {
	when := a.RaisedAt
	if a.OccurredAt != nil {
		when = *a.OccurredAt
	}
	what := joinPlace(a.Place, istTime(when))
	waited := now.Sub(a.RaisedAt).Round(time.Minute)
	body := fmt.Sprintf("VIKALP: alert %d (%s) not acknowledged for %d min; escalated to you. %s. "+
		"Acknowledge in the Vikalp console.", a.ID, pageKind(a.Kind), int(waited.Minutes()), what)
	if repeat {
		body = fmt.Sprintf("VIKALP reminder: alert %d (%s) still not acknowledged after %d min. %s. "+
			"Acknowledge in the Vikalp console.", a.ID, pageKind(a.Kind), int(waited.Minutes()), what)
	}
	return clip(body, maxSMSBody)
}

// pageKind names an alert kind in a page without naming a crime.
func pageKind(k Kind) string {
	switch k {
	case KindHappeningNow:
		return "happening-now report"
	case KindHotspot:
		return "new hotspot"
	case KindLead:
		return "AHTU lead"
	}
	return "alert"
}
