package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/notify"
)

// TemplateReporterUpdate is the SMS template of a reporter's notification.
const TemplateReporterUpdate = "report.update.reporter"

// reporterStates are the report states a reporter is told about by SMS, in
// English and Hindi: her report published or not, the police's action, its
// closure and its reopening. Nothing names the place, the category or her
// text.
var reporterStates = map[string][2]string{
	StatusApproved:     {"published on the map", "मानचित्र पर प्रकाशित"},
	StatusRejected:     {"not published", "प्रकाशित नहीं की गई"},
	OutcomeActionTaken: {"the police have acted on it", "पुलिस ने कार्रवाई की"},
	OutcomeFixed:       {"the problem is fixed", "समस्या ठीक कर दी गई"},
	OutcomeClosed:      {"closed", "बंद"},
	OutcomeReopened:    {"reopened after a new report", "नई रिपोर्ट के बाद फिर से खोली गई"},
}

// reporterSMSBody is her notification: the code and the new state, in both
// languages (the report has no language of its own).
func reporterSMSBody(code, state string) string {
	st := reporterStates[state]
	return fmt.Sprintf("UP Police VIKALP: your report %s is %s. यूपी पुलिस विकल्प: आपकी रिपोर्ट %s %s।",
		code, st[0], code, st[1])
}

// notifyReporter queues, in tx, an SMS telling the reporter of report id
// that it reached state, when she left a number and state is one she is
// told about. The row is queued through package notify on the store's
// transaction. The number stays sealed: OpenPhone opens it only for
// notify's drain to deliver, after an audit entry.
func notifyReporter(ctx context.Context, store *ReportStore, id int64, state string, at time.Time) error {
	if _, ok := reporterStates[state]; !ok {
		return nil
	}
	code, sealed, err := store.ReporterPhone(ctx, id)
	if err != nil || sealed == nil {
		return err
	}
	return notify.NewStore(store.db).Queue(ctx, notify.OutboxSMS{ToKind: notify.ToReporter, ReportID: &id,
		PhoneSealed: sealed, Template: TemplateReporterUpdate, Body: reporterSMSBody(code, state), CreatedAt: at})
}

// OpenPhone implements notify.PhoneOpener for notify.ToReporter rows: it
// decrypts a hotspot reporter's number, sealed to her report's code, after
// an audit entry.
func (s *Service) OpenPhone(ctx context.Context, m notify.OutboxSMS) (string, error) {
	if m.ReportID == nil {
		return "", fmt.Errorf("sms %d has a phone but no report", m.ID)
	}
	code, err := NewReportStore(s.db).Code(ctx, *m.ReportID)
	if err != nil {
		return "", err
	}
	if _, err := auth.Append(ctx, s.db, auth.Entry{Action: "sms.phone_decrypted", ObjectKind: "report",
		ObjectID: *m.ReportID, Detail: map[string]any{"sms_outbox_id": m.ID, "purpose": "sms_delivery"}}); err != nil {
		return "", fmt.Errorf("audit phone decryption: %w", err)
	}
	plain, err := s.keyring.Open(m.PhoneSealed, vikalp.OutboxPhoneAAD(code))
	if err != nil {
		return "", fmt.Errorf("open reporter phone: %w", err)
	}
	return string(plain), nil
}
