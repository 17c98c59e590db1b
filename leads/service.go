package leads

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vikalp/vikalp/analytics"
	"github.com/vikalp/vikalp/internal/clock"
	"github.com/vikalp/vikalp/internal/pg"
)

// Config holds the lead rules. Zero fields take the defaults.
type Config struct {
	Weights Weights // DefaultWeights when zero
	// AlertMinScore is the score at which a lead is first alerted ("new"): 30.
	AlertMinScore float64
	// AlertRiseBy is how far above its last alerted score a lead must climb
	// to be alerted again ("rising"): 10.
	AlertRiseBy float64
}

func (c Config) withDefaults() Config {
	if c.Weights == (Weights{}) {
		c.Weights = DefaultWeights()
	}
	if c.AlertMinScore <= 0 {
		c.AlertMinScore = 30
	}
	if c.AlertRiseBy <= 0 {
		c.AlertRiseBy = 10
	}
	return c
}

// Deps are the Service's collaborators.
type Deps struct {
	Jobs   pg.JobInserter // required: inserts AlertArgs in the lead's transaction
	Read   pg.DBTX        // lead lists: a streaming replica of db; db when nil
	Clock  clock.Clock    // the system clock when nil
	Logger *slog.Logger   // slog.Default() when nil
	Config Config         // defaults when zero
}

// Service links tips into leads, scores and routes them, raises lead
// alerts and runs the AHTU workflow on them.
type Service struct {
	db     pg.DBTX
	read   pg.DBTX // lead lists: db or a streaming replica
	jobs   pg.JobInserter
	clock  clock.Clock
	logger *slog.Logger
	cfg    Config
}

// NewService returns a Service on db (normally the pool) that reads lead
// lists from d.Read. Everything that writes, audits or must see its own
// writes stays on db.
func NewService(db pg.DBTX, d Deps) (*Service, error) {
	if db == nil || d.Jobs == nil {
		return nil, errors.New("leads: db and Jobs are required")
	}
	if d.Read == nil {
		d.Read = db
	}
	s := &Service{db: db, read: d.Read, jobs: d.Jobs, clock: d.Clock, logger: d.Logger, cfg: d.Config.withDefaults()}
	if s.clock == nil {
		s.clock = clock.System{}
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	return s, nil
}

// now is the clock's time at Postgres precision.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// RunSummary says what a relink did.
type RunSummary struct {
	Tips     int `json:"tips"`     // tips relinked
	Leads    int `json:"leads"`    // active leads among them after the run
	Created  int `json:"created"`  // new leads
	Absorbed int `json:"absorbed"` // leads whose tips joined another lead
	Alerts   int `json:"alerts"`   // lead alert jobs inserted
}

// Run re-extracts every tip, relinks all tips into leads and rescores every
// lead, in one transaction recorded in analysis_runs. It is idempotent:
// a second run with no new tips changes no membership and keeps every lead
// id; investigator pins are respected.
func (s *Service) Run(ctx context.Context) (RunSummary, error) {
	var sum RunSummary
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		runs := analytics.NewAnalysisRunStore(tx)
		runID, err := runs.Start(ctx, "leads", s.cfg, s.now())
		if err != nil {
			return err
		}
		if sum, err = s.relink(ctx, tx, nil); err != nil {
			return err
		}
		return runs.Finish(ctx, runID, false, sum, s.now())
	})
	if err != nil {
		return RunSummary{}, fmt.Errorf("run leads: %w", err)
	}
	s.logger.InfoContext(ctx, "Leads relinked", slog.Int("tips", sum.Tips), slog.Int("leads", sum.Leads),
		slog.Int("created", sum.Created), slog.Int("alerts", sum.Alerts))
	return sum, nil
}

// Relink is Run without its summary: the follow-up pass of each periodic
// hotspot analysis (analytics.AnalyzeWorker.Then).
func (s *Service) Relink(ctx context.Context) error {
	_, err := s.Run(ctx)
	return err
}

// RunTip extracts the entities of tip id and relinks only the tips
// connected to it: the same result a full Run would give those tips.
func (s *Service) RunTip(ctx context.Context, tipID int64) error {
	err := pg.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		_, err := s.relink(ctx, tx, []int64{tipID})
		return err
	})
	if err != nil {
		return fmt.Errorf("link tip %d: %w", tipID, err)
	}
	return nil
}

// relink extracts seed (nil: every tip), links the tips connected to it,
// gives the groups stable lead ids and rescores the leads touched.
func (s *Service) relink(ctx context.Context, tx pgx.Tx, seed []int64) (RunSummary, error) {
	var sum RunSummary
	leads, ents := NewStore(tx), NewEntityStore(tx)
	if err := leads.lock(ctx); err != nil {
		return sum, err
	}
	tips, err := s.extract(ctx, tx, seed)
	if err != nil {
		return sum, err
	}
	if seed != nil && len(tips) == 0 {
		return sum, nil // no such tip: nothing to link
	}
	if seed != nil {
		if tips, err = ents.closure(ctx, seed); err != nil {
			return sum, err
		}
	}
	links, err := ents.links(ctx, tips)
	if err != nil {
		return sum, err
	}
	members, err := leads.memberships(ctx, tips)
	if err != nil {
		return sum, err
	}
	current, pins := map[int64]int64{}, map[int64]int64{}
	for _, m := range members {
		current[m.TipID] = m.LeadID
		if m.Via == "pin" {
			pins[m.TipID] = m.LeadID
		}
	}
	claims := claimLeads(LinkTips(tips, pins, links), current)
	touched, err := s.applyClaims(ctx, leads, claims, current, &sum)
	if err != nil {
		return sum, err
	}
	if seed == nil {
		touched = nil // rescore every active lead: recency changes with time
	}
	sum.Tips = len(tips)
	alerts, n, err := s.rescore(ctx, tx, touched)
	sum.Alerts, sum.Leads = alerts, n
	return sum, err
}

// extract re-extracts the entities of tips ids (nil: every tip) and
// returns the ids of the tips it read.
func (s *Service) extract(ctx context.Context, tx pgx.Tx, ids []int64) ([]int64, error) {
	stations, err := NewTransitStore(tx).Places(ctx)
	if err != nil {
		return nil, err
	}
	x := NewEntityExtractor(stations)
	ents := NewEntityStore(tx)
	rows, err := ents.tipTexts(ctx, ids)
	if err != nil {
		return nil, err
	}
	read := make([]int64, len(rows))
	for i, r := range rows {
		if err := ents.ReplaceTipEntities(ctx, r.ID, x.Extract(r.text())); err != nil {
			return nil, err
		}
		read[i] = r.ID
	}
	return read, nil
}

// applyClaims creates the new leads, moves tips, absorbs leads that lost
// all their tips and returns the ids of the leads that now hold the tips.
func (s *Service) applyClaims(ctx context.Context, leads *Store, claims []leadClaim,
	current map[int64]int64, sum *RunSummary) ([]int64, error) {
	now := s.now()
	held := map[int64]bool{}
	var out []int64
	for i := range claims {
		c := &claims[i]
		if c.LeadID == 0 {
			id, err := leads.create(ctx, now)
			if err != nil {
				return nil, err
			}
			c.LeadID = id
			sum.Created++
		}
		if _, err := leads.setMembers(ctx, c.LeadID, c.Tips, now); err != nil {
			return nil, err
		}
		held[c.LeadID] = true
		out = append(out, c.LeadID)
	}
	// A lead that held tips before but holds none now was joined into the
	// lead that took most of its tips.
	taken := map[int64]map[int64]int{}
	for _, c := range claims {
		for _, t := range c.Tips {
			if old := current[t]; old != 0 && !held[old] {
				if taken[old] == nil {
					taken[old] = map[int64]int{}
				}
				taken[old][c.LeadID]++
			}
		}
	}
	olds := make([]int64, 0, len(taken))
	for old := range taken {
		olds = append(olds, old)
	}
	slices.Sort(olds)
	for _, old := range olds {
		into := mostTaken(taken[old])
		if err := leads.absorb(ctx, old, into, now); err != nil {
			return nil, err
		}
		if err := leads.addEvent(ctx, leadEventRow{LeadID: old, Kind: "absorbed", At: now,
			Detail: map[string]any{"into": into}}); err != nil {
			return nil, err
		}
		sum.Absorbed++
	}
	return out, nil
}

// mostTaken returns the lead that took most tips (lowest id on ties).
func mostTaken(counts map[int64]int) int64 {
	var best int64
	bestN := 0
	for l, n := range counts {
		if n > bestN || (n == bestN && l < best) {
			best, bestN = l, n
		}
	}
	return best
}

// rescore scores leads ids (nil: every active lead), stores the scores and
// inserts a AlertArgs job for each lead that is new above the alert
// score or has risen enough since its last alert. It returns the alerts
// inserted and the leads scored.
func (s *Service) rescore(ctx context.Context, tx pgx.Tx, ids []int64) (int, int, error) {
	leads := NewStore(tx)
	states, err := leads.states(ctx, ids)
	if err != nil {
		return 0, 0, err
	}
	stateIDs := make([]int64, len(states))
	for i, st := range states {
		stateIDs[i] = st.ID
	}
	tips, err := NewEntityStore(tx).leadTips(ctx, stateIDs)
	if err != nil {
		return 0, 0, err
	}
	now, alerts := s.now(), 0
	for _, st := range states {
		sc := Score(tips[st.ID], now, s.cfg.Weights)
		if err := leads.saveScore(ctx, st.ID, sc, len(tips[st.ID]), now); err != nil {
			return 0, 0, err
		}
		sent, err := s.alert(ctx, tx, st, sc)
		if err != nil {
			return 0, 0, err
		}
		if sent {
			alerts++
		}
	}
	return alerts, len(states), nil
}

// alert inserts a lead alert when st's new score sc calls for one.
func (s *Service) alert(ctx context.Context, tx pgx.Tx, st leadStateRow, sc Scoring) (bool, error) {
	args := AlertArgs{LeadID: st.ID, AHTUID: sc.AHTUID, Score: sc.Score}
	switch {
	case st.AlertedScore == nil && sc.Score >= s.cfg.AlertMinScore:
		args.Reason = "new"
	case st.AlertedScore != nil && sc.Score >= *st.AlertedScore+s.cfg.AlertRiseBy:
		args.Reason, args.PreviousScore = "rising", *st.AlertedScore
	default:
		return false, nil
	}
	if _, err := s.jobs.InsertTx(ctx, tx, args, nil); err != nil {
		return false, fmt.Errorf("insert lead alert: %w", err)
	}
	return true, NewStore(tx).setAlerted(ctx, st.ID, sc.Score)
}
