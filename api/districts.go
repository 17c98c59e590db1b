package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp/jurisdiction"
)

// registerDistrictRoutes wires the public district list that the complaint
// form's picker shows. Without a pool (tests of other areas) there is none.
func (h *Handler) registerDistrictRoutes(v1 *gin.RouterGroup) {
	if h.deps.Pool == nil {
		return
	}
	districts := jurisdiction.New(h.deps.Pool)
	v1.GET("/districts", handle(func(c *gin.Context) error {
		list, err := districts.Districts(c.Request.Context())
		if err != nil {
			return err
		}
		setCacheControl(c, "public, max-age=3600")
		c.JSON(http.StatusOK, gin.H{"districts": newDistrictsResponse(list)})
		return nil
	}))
}

type districtResponse struct {
	ID   int           `json:"id"`
	Name bilingualName `json:"name"`
	Slug string        `json:"slug"`
}

func newDistrictsResponse(ds []jurisdiction.DistrictSummary) []districtResponse {
	out := make([]districtResponse, 0, len(ds))
	for _, d := range ds {
		out = append(out, districtResponse{ID: d.ID, Name: bilingualName{EN: d.NameEN, HI: d.NameHI}, Slug: d.Slug})
	}
	return out
}
