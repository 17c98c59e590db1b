package cases

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/notify"
)

// SMS templates. Each takes only the code, a time and a place name, so no
// template can leak who complained or about what.
const (
	TemplateAssignedOfficers     = "complaint.assigned.officers"
	TemplateAssignedMSP          = "complaint.assigned.msp"
	TemplateFiledComplainant     = "complaint.filed.complainant"
	TemplateATRPublished         = "complaint.atr_published.complainant"
	TemplateEscalatedComplainant = "complaint.escalated.complainant"
	TemplateEscalatedOfficers    = "complaint.escalated.officers"
	TemplateSLANodal             = "sla.overdue.nodal"
	TemplateSLASP                = "sla.overdue.sp"
	TemplateSLAMSP               = "sla.overdue.msp"
	smsTimeLayout                = "02 Jan 15:04 IST"
	smsDistrictPlaceholderLength = 60
)

// SMS templates of supervision (directions and transfers): like the others,
// only the code, a time and a district name.
const (
	TemplateDirectionIssued     = "direction.issued"
	TemplateDirectionAnswered   = "direction.answered"
	TemplateDirectionOverdueSP  = "direction.overdue.sp"
	TemplateDirectionOverdueMSP = "direction.overdue.msp"
	TemplateTransferredOfficers = "complaint.transferred.officers"
	TemplateTransferRequested   = "complaint.transfer_requested.officers"
)

// smsTexts are the bodies by template, English and Hindi; %[1]s is the code,
// %[2]s a time in IST and %[3]s a district name.
var smsTexts = map[string][2]string{
	TemplateAssignedOfficers: {
		"VIKALP: new complaint %[1]s assigned in your district. ATR due by %[2]s. Details in the Vikalp console.",
		"विकल्प: आपके जनपद में नई शिकायत %[1]s आवंटित। कार्रवाई रिपोर्ट %[2]s तक देय। विवरण विकल्प कंसोल में।",
	},
	TemplateAssignedMSP: {
		"VIKALP: new complaint %[1]s in %[3]s. ATR due by %[2]s.",
		"विकल्प: %[3]s में नई शिकायत %[1]s। कार्रवाई रिपोर्ट %[2]s तक देय।",
	},
	TemplateFiledComplainant: {
		"UP Police VIKALP: your request %[1]s is registered. Keep this number and your secret safe to check progress.",
		"यूपी पुलिस विकल्प: आपका अनुरोध %[1]s दर्ज हो गया है। प्रगति देखने के लिए यह नंबर और अपना गुप्त कोड सुरक्षित रखें।",
	},
	TemplateATRPublished: {
		"UP Police VIKALP: there is an update on your request %[1]s. Please check it and tell us if you are satisfied.",
		"यूपी पुलिस विकल्प: आपके अनुरोध %[1]s पर नई जानकारी है। कृपया देखें और बताएं कि आप संतुष्ट हैं या नहीं।",
	},
	TemplateEscalatedComplainant: {
		"UP Police VIKALP: your request %[1]s has been taken up again by senior officers. A new report on it is due by %[2]s.",
		"यूपी पुलिस विकल्प: आपका अनुरोध %[1]s वरिष्ठ अधिकारियों द्वारा फिर से लिया गया है। इस पर नई रिपोर्ट %[2]s तक देय है।",
	},
	TemplateEscalatedOfficers: {
		"VIKALP: complaint %[1]s reopened by MSP after review. New ATR due by %[2]s.",
		"विकल्प: शिकायत %[1]s समीक्षा के बाद महिला सम्मान प्रकोष्ठ द्वारा पुनः खोली गई। नई कार्रवाई रिपोर्ट %[2]s तक देय।",
	},
	TemplateSLANodal: {
		"VIKALP: ATR for complaint %[1]s is overdue since %[2]s. Please ensure it is filed now.",
		"विकल्प: शिकायत %[1]s की कार्रवाई रिपोर्ट %[2]s से लंबित है। कृपया तुरंत दाखिल कराएं।",
	},
	TemplateSLASP: {
		"VIKALP: ATR for complaint %[1]s still overdue since %[2]s; escalated to SP.",
		"विकल्प: शिकायत %[1]s की कार्रवाई रिपोर्ट %[2]s से अब भी लंबित; पुलिस अधीक्षक को प्रेषित।",
	},
	TemplateSLAMSP: {
		"VIKALP: ATR for complaint %[1]s in %[3]s overdue since %[2]s; escalated to MSP.",
		"विकल्प: %[3]s की शिकायत %[1]s की कार्रवाई रिपोर्ट %[2]s से लंबित; महिला सम्मान प्रकोष्ठ को प्रेषित।",
	},
	TemplateDirectionIssued: {
		"VIKALP: a direction on complaint %[1]s awaits your report by %[2]s. Details in the Vikalp console.",
		"विकल्प: शिकायत %[1]s पर एक निर्देश पर आपकी रिपोर्ट %[2]s तक अपेक्षित है। विवरण विकल्प कंसोल में।",
	},
	TemplateDirectionAnswered: {
		"VIKALP: your direction on complaint %[1]s was answered at %[2]s. Details in the Vikalp console.",
		"विकल्प: शिकायत %[1]s पर आपके निर्देश का उत्तर %[2]s पर मिला। विवरण विकल्प कंसोल में।",
	},
	TemplateDirectionOverdueSP: {
		"VIKALP: a direction on complaint %[1]s is unanswered since %[2]s; escalated to SP.",
		"विकल्प: शिकायत %[1]s पर एक निर्देश का उत्तर %[2]s से लंबित; पुलिस अधीक्षक को प्रेषित।",
	},
	TemplateDirectionOverdueMSP: {
		"VIKALP: a direction on complaint %[1]s in %[3]s is unanswered since %[2]s; escalated to MSP.",
		"विकल्प: %[3]s की शिकायत %[1]s पर एक निर्देश का उत्तर %[2]s से लंबित; महिला सम्मान प्रकोष्ठ को प्रेषित।",
	},
	TemplateTransferredOfficers: {
		"VIKALP: complaint %[1]s was transferred to %[3]s at %[2]s. Details in the Vikalp console.",
		"विकल्प: शिकायत %[1]s %[2]s पर %[3]s को स्थानांतरित की गई। विवरण विकल्प कंसोल में।",
	},
	TemplateTransferRequested: {
		"VIKALP: a transfer of complaint %[1]s to %[3]s was requested at %[2]s. Please accept or decline in the Vikalp console.",
		"विकल्प: शिकायत %[1]s को %[3]s में स्थानांतरित करने का अनुरोध %[2]s पर किया गया। कृपया विकल्प कंसोल में स्वीकार या अस्वीकार करें।",
	},
}

// smsBody renders template in lang with a code, a time and a district name.
func smsBody(template string, lang Language, code Code, at time.Time, district string) string {
	t := smsTexts[template]
	text := t[0]
	if lang == Hindi {
		text = t[1]
	}
	if len([]rune(district)) > smsDistrictPlaceholderLength {
		district = string([]rune(district)[:smsDistrictPlaceholderLength])
	}
	return strings.TrimSpace(fmt.Sprintf(text, code, at.In(vikalp.IST).Format(smsTimeLayout), district))
}

// NextSendTime implements notify.Scheduler: a retry of an SMS to her waits
// for her safe callback window, like its first attempt (nextInWindow).
func (s *Service) NextSendTime(ctx context.Context, m notify.OutboxSMS, at time.Time) (time.Time, error) {
	if m.ComplaintID == nil {
		return at, nil
	}
	c, err := NewComplaintStore(s.db).ByID(ctx, *m.ComplaintID, Visibility{})
	if err != nil {
		return time.Time{}, err
	}
	return nextInWindow(at, c.CallbackWindow), nil
}

// OpenPhone implements notify.PhoneOpener for notify.ToComplainant rows:
// it decrypts the complainant's number of an outbox row, writing the
// decryption to the audit log first.
func (s *Service) OpenPhone(ctx context.Context, m notify.OutboxSMS) (string, error) {
	if m.ComplaintID == nil {
		return "", fmt.Errorf("sms %d has a phone but no complaint", m.ID)
	}
	c, err := NewComplaintStore(s.db).ByID(ctx, *m.ComplaintID, Visibility{})
	if err != nil {
		return "", err
	}
	if _, err := auth.Append(ctx, s.db, auth.Entry{Action: "sms.phone_decrypted", ObjectKind: "complaint",
		ObjectID: c.ID, Detail: map[string]any{"sms_outbox_id": m.ID, "purpose": "sms_delivery"}}); err != nil {
		return "", fmt.Errorf("audit phone decryption: %w", err)
	}
	plain, err := s.keyring.Open(m.PhoneSealed, phoneAAD(c.Code))
	if err != nil {
		return "", fmt.Errorf("open phone: %w", err)
	}
	return string(plain), nil
}

// queueOfficerSMS queues an SMS to c's district officers (toRole "" for all
// supervisory officers) or to MSP, in t (notify's drain sends it).
func (s *Service) queueOfficerSMS(ctx context.Context, t *txn, c *Complaint, toKind, toRole, template string,
	at time.Time) error {
	place, err := t.place(ctx, c.StationID, c.DistrictID)
	if err != nil {
		return err
	}
	district := c.DistrictID
	err = s.queueSMS(ctx, t, notify.OutboxSMS{ToKind: toKind, ToRole: toRole, DistrictID: &district,
		ComplaintID: &c.ID, Template: template, Body: smsBody(template, English, c.Code, at, place.DistrictNameEN),
		CreatedAt: t.now})
	// Templates without a console alert event (package alerts knows only
	// alertEvents' kinds) go by SMS alone.
	if err != nil || s.alerts == nil || alertEvents[template] == "" {
		return err
	}
	t.notices = append(t.notices, AlertNotice{Event: alertEvents[template], ComplaintID: c.ID, Code: string(c.Code),
		DistrictID: c.DistrictID, ToMSP: toKind == notify.ToMSP, ToRole: toRole, DueAt: at})
	return nil
}

// AlertRaiser raises console alerts in a complaint's transaction, so an
// officer's console shows what the SMS said: all of a transaction's notices
// in one call, just before commit. Package alerts implements it; cases does
// not import alerts.
type AlertRaiser interface {
	RaiseComplaintsTx(ctx context.Context, tx pgx.Tx, ns []AlertNotice) error
}

// AlertNotice is a complaint event for officers or the MSP: ids, the code
// and the deadline only, never her name or the crime.
type AlertNotice struct {
	Event       string // "assigned", "atr_overdue" or "escalated"
	ComplaintID int64
	Code        string
	DistrictID  int
	ToMSP       bool      // the MSP; otherwise the district's officers
	ToRole      string    // "" (every officer), "nodal" or "sp"
	DueAt       time.Time // the ATR deadline
}

// alertEvents names the alert event of each officer SMS template.
var alertEvents = map[string]string{
	TemplateAssignedOfficers:  "assigned",
	TemplateAssignedMSP:       "assigned",
	TemplateEscalatedOfficers: "escalated",
	TemplateSLANodal:          "atr_overdue",
	TemplateSLASP:             "atr_overdue",
	TemplateSLAMSP:            "atr_overdue",
}

// queueComplainantSMS queues an SMS to her, in her language, at (the
// template's time) rendered into the body. phone is the plain number at
// filing; later messages reuse the sealed number of her first SMS (sealed
// values are bound to the code, not to the row), so nothing is decrypted
// to queue them. Without a number, or when she chose no SMS, it does
// nothing. The message waits for her safe callback window (nextInWindow).
func (s *Service) queueComplainantSMS(ctx context.Context, t *txn, c *Complaint, phone, template string,
	at time.Time) error {
	if c.SMSOptOut {
		return nil
	}
	var sealed []byte
	if phone != "" {
		var err error
		if sealed, err = s.keyring.Seal([]byte(phone), phoneAAD(c.Code)); err != nil {
			return fmt.Errorf("seal phone: %w", err)
		}
	} else {
		prev, err := t.sms.ForComplaint(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, m := range append(prev, t.outbox...) {
			if m.PhoneSealed != nil {
				sealed = m.PhoneSealed
				break
			}
		}
		if sealed == nil {
			return nil
		}
	}
	return s.queueSMS(ctx, t, notify.OutboxSMS{ToKind: notify.ToComplainant, ComplaintID: &c.ID, PhoneSealed: sealed,
		Template: template, Body: smsBody(template, c.Language, c.Code, at, ""), CreatedAt: t.now,
		NotBefore: nextInWindow(t.now, c.CallbackWindow)})
}

// nextInWindow is the first instant at or after now inside window, her safe
// time "HH:MM-HH:MM" in IST (it may wrap midnight): a message to her phone
// is never sent when she said it is not safe to have it ring. An empty or
// malformed window (validated at filing) is now.
func nextInWindow(now time.Time, window string) time.Time {
	from, to, ok := strings.Cut(window, "-")
	a, errA := time.Parse("15:04", from)
	b, errB := time.Parse("15:04", to)
	if !ok || errA != nil || errB != nil {
		return now
	}
	local := now.In(vikalp.IST)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, vikalp.IST)
	start := day.Add(time.Duration(a.Hour())*time.Hour + time.Duration(a.Minute())*time.Minute)
	end := day.Add(time.Duration(b.Hour())*time.Hour + time.Duration(b.Minute())*time.Minute)
	switch {
	case start.Before(end) && !local.Before(start) && local.Before(end): // inside a same-day window
		return now
	case !start.Before(end) && (!local.Before(start) || local.Before(end)): // inside a window over midnight
		return now
	case local.Before(start):
		return start.UTC()
	}
	return start.AddDate(0, 0, 1).UTC()
}

// queueSMS adds an outbox row to t; the transaction's rows are queued
// together before commit (notify.QueueBatch) and no job is inserted: the
// periodic drain finds them.
func (s *Service) queueSMS(_ context.Context, t *txn, m notify.OutboxSMS) error {
	t.outbox = append(t.outbox, m)
	return nil
}
