package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/vikalp/vikalp/auth"
)

// QueueFilter narrows a staff queue. The zero value lists every open
// complaint the caller can see.
type QueueFilter struct {
	Status     Status // one status; "" for every open one
	Overdue    bool   // only complaints whose ATR is overdue
	DistrictID *int   // only this district (useful for state-wide roles)
	Limit      int    // default 100, at most 500
	// Dissatisfied keeps open complaints whose latest rating is
	// DISSATISFIED (the daily digest's count links here).
	Dissatisfied bool
}

// QueueItem is one row of a staff queue, with its SLA countdown.
type QueueItem struct {
	ID           int64      `db:"id"`
	Code         Code       `db:"code"`
	Status       Status     `db:"status"`
	Category     Category   `db:"category"`
	DistrictID   int        `db:"district_id"`
	StationID    int64      `db:"station_id"`
	Confidential bool       `db:"confidential"`
	CreatedAt    time.Time  `db:"created_at"`
	ATRDueAt     *time.Time `db:"atr_due_at"`
	SLAStage     int        `db:"sla_stage"`
	ATRStatus    *ATRStatus `db:"atr_status"` // the ATR in the works, if any
	// OpenDirection reports an unanswered direction addressed to the
	// caller's role; such complaints come first in the queue.
	OpenDirection bool `db:"open_direction"`
	// SLARemaining is the time left until the ATR is due (negative when
	// overdue); nil when no ATR is owed.
	SLARemaining *time.Duration `db:"-"`
	Overdue      bool           `db:"-"`
}

// Queue lists the complaints p can see (a station its own, nodal and SP
// their district, MSP the state): those with an open direction to p's role
// first, then soonest deadline first.
func (s *Service) Queue(ctx context.Context, p auth.Principal, f QueueFilter) ([]QueueItem, error) {
	v, err := visibility(p)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	now := s.now()
	items, err := NewDashboardStore(s.db).Queue(ctx, v, f, now, Addressee(p.Role))
	if err != nil {
		return nil, err
	}
	for i := range items {
		it := &items[i]
		if it.Status.AwaitingATR() && it.ATRDueAt != nil {
			left := it.ATRDueAt.Sub(now)
			it.SLARemaining, it.Overdue = &left, left < 0
		}
	}
	return items, nil
}

// Dashboard is the monitoring summary for p's scope.
type Dashboard struct {
	Open            int
	Overdue         int
	AwaitingVetting int // an ATR submitted, waiting for the nodal officer
	LegalReview     int
	SLAMet          int // ATRs published by their deadline
	SLAMissed       int // ATRs published late, plus deadlines passed with none
	// SLACompliance is SLAMet / (SLAMet + SLAMissed); nil before any deadline.
	SLACompliance *float64
	// MedianTimeToATR runs from filing to the first published ATR; nil
	// before any ATR.
	MedianTimeToATR *time.Duration
	Districts       []DistrictStats
	// DirectionsOpen counts unanswered directions on open complaints;
	// DirectionsOverdue those of them past their reply-by time.
	DirectionsOpen    int
	DirectionsOverdue int
}

// DistrictStats are one district's numbers.
type DistrictStats struct {
	DistrictID      int    `db:"district_id"`
	NameEN          string `db:"name_en"`
	NameHI          string `db:"name_hi"`
	Total           int    `db:"total"`
	Open            int    `db:"open"`
	Overdue         int    `db:"overdue"`
	AwaitingVetting int    `db:"awaiting_vetting"`
	LegalReview     int    `db:"legal_review"`
	Ratings         int    `db:"ratings"`
	Dissatisfied    int    `db:"dissatisfied"`
	// DissatisfactionRate is Dissatisfied / Ratings; nil without ratings.
	DissatisfactionRate *float64 `db:"-"`
}

// Dashboard summarizes the complaints p can see: open, overdue, awaiting
// vetting and in legal review, by district; SLA compliance; median time to
// ATR; dissatisfaction rate per district.
func (s *Service) Dashboard(ctx context.Context, p auth.Principal) (Dashboard, error) {
	v, err := visibility(p)
	if err != nil {
		return Dashboard{}, err
	}
	now := s.now()
	store := NewDashboardStore(s.db)
	var d Dashboard
	if d.Districts, err = store.Districts(ctx, v, now); err != nil {
		return Dashboard{}, err
	}
	for i := range d.Districts {
		ds := &d.Districts[i]
		d.Open += ds.Open
		d.Overdue += ds.Overdue
		d.AwaitingVetting += ds.AwaitingVetting
		d.LegalReview += ds.LegalReview
		if ds.Ratings > 0 {
			r := float64(ds.Dissatisfied) / float64(ds.Ratings)
			ds.DissatisfactionRate = &r
		}
	}
	sla, err := store.SLA(ctx, v, now)
	if err != nil {
		return Dashboard{}, fmt.Errorf("dashboard: %w", err)
	}
	d.SLAMet, d.SLAMissed = sla.Met, sla.Missed
	if sla.Met+sla.Missed > 0 {
		r := float64(sla.Met) / float64(sla.Met+sla.Missed)
		d.SLACompliance = &r
	}
	if sla.MedianSeconds != nil {
		m := time.Duration(*sla.MedianSeconds * float64(time.Second)).Round(time.Second)
		d.MedianTimeToATR = &m
	}
	if d.DirectionsOpen, d.DirectionsOverdue, err = store.Directions(ctx, v, now, s.cfg.ATRWindow); err != nil {
		return Dashboard{}, fmt.Errorf("dashboard: %w", err)
	}
	return d, nil
}
