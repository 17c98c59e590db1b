package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/cases"
)

// latestDigest answers the console home page: the newest daily digest of
// the caller's scope (counts only), or null before the first one.
func (h *Handler) latestDigest(c *gin.Context) error {
	p, _ := principalOf(c)
	d, err := h.deps.Cases.LatestDigest(c.Request.Context(), p)
	if errors.Is(err, vikalp.ErrNotFound) {
		c.JSON(http.StatusOK, gin.H{"digest": nil})
		return nil
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"digest": newDigestResponse(d)})
	return nil
}

type digestResponse struct {
	Day              string    `json:"day"`
	Scope            string    `json:"scope"`
	DistrictID       *int      `json:"district_id,omitempty"`
	PeriodStart      time.Time `json:"period_start"`
	PeriodEnd        time.Time `json:"period_end"`
	NewComplaints    int       `json:"new_complaints"`
	OverdueATRs      int       `json:"overdue_atrs"`
	AwaitingVetting  int       `json:"awaiting_vetting"`
	DirectionsOpen   int       `json:"directions_open"`
	DissatisfiedOpen int       `json:"dissatisfied_open"`
}

func newDigestResponse(d cases.Digest) digestResponse {
	return digestResponse{Day: d.Day.Format(time.DateOnly), Scope: d.ScopeKind, DistrictID: d.DistrictID,
		PeriodStart: d.PeriodStart, PeriodEnd: d.PeriodEnd, NewComplaints: d.NewComplaints, OverdueATRs: d.OverdueATRs,
		AwaitingVetting: d.AwaitingVetting, DirectionsOpen: d.DirectionsOpen, DissatisfiedOpen: d.DissatisfiedOpen}
}
