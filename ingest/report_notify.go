package ingest

import (
	"context"
	"fmt"
	"time"
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
// told about. The number stays sealed: package cases opens it only to
// deliver, after an audit entry.
func notifyReporter(ctx context.Context, store *ReportStore, id int64, state string, at time.Time) error {
	if _, ok := reporterStates[state]; !ok {
		return nil
	}
	code, sealed, err := store.ReporterPhone(ctx, id)
	if err != nil || sealed == nil {
		return err
	}
	return store.QueueReporterSMS(ctx, id, sealed, TemplateReporterUpdate, reporterSMSBody(code, state), at)
}
