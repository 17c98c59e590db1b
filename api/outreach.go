package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/cases"
)

// registerOutreachRoutes wires what outreach material feeds back: filings
// counted by the channel whose link or QR code she followed.
func (h *Handler) registerOutreachRoutes(v1 *gin.RouterGroup) {
	v1.GET("/dashboard/channels", h.requireAuth(), handle(h.filingChannels))
}

type channelCountResponse struct {
	Channel string `json:"channel"`
	Filings int    `json:"filings"`
}

type channelStatsResponse struct {
	Days     int                    `json:"days"`
	From     time.Time              `json:"from"`
	Total    int                    `json:"total"`
	Channels []channelCountResponse `json:"channels"`
}

// filingChannels answers GET /api/v1/dashboard/channels?days=90.
func (h *Handler) filingChannels(c *gin.Context) error {
	p, _ := principalOf(c)
	days := 90
	if d := c.Query("days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > cases.MaxChannelDays {
			return vikalp.InvalidField("days", "days_invalid",
				"days must be a whole number from 1 to "+strconv.Itoa(cases.MaxChannelDays))
		}
		days = n
	}
	st, err := h.deps.Cases.FilingChannels(c.Request.Context(), p, days)
	if err != nil {
		return err
	}
	r := channelStatsResponse{Days: st.Days, From: st.From, Total: st.Total,
		Channels: make([]channelCountResponse, 0, len(st.Channels))}
	for _, ch := range st.Channels {
		r.Channels = append(r.Channels, channelCountResponse{Channel: string(ch.Channel), Filings: ch.Filings})
	}
	c.JSON(http.StatusOK, r)
	return nil
}
