package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/jurisdiction"
)

// registerDistrictRoutes wires the public district list that the complaint
// form's picker shows and the police stations of a district.
func (h *Handler) registerDistrictRoutes(v1 *gin.RouterGroup) {
	districts := h.deps.Jurisdiction
	v1.GET("/districts", handle(func(c *gin.Context) error {
		list, err := districts.Districts(c.Request.Context())
		if err != nil {
			return err
		}
		setCacheControl(c, "public, max-age=3600")
		c.JSON(http.StatusOK, gin.H{"districts": newDistrictsResponse(list)})
		return nil
	}))
	// Police stations are public places: outreach material names them and
	// staff pickers (transfers) list them.
	v1.GET("/stations", handle(func(c *gin.Context) error {
		id, err := strconv.Atoi(c.Query("district_id"))
		if err != nil || id <= 0 {
			return vikalp.InvalidField("district_id", "district_invalid", "district_id must be a district's number")
		}
		list, err := districts.StationsInDistrict(c.Request.Context(), id)
		if err != nil {
			return err
		}
		setCacheControl(c, "public, max-age=3600")
		c.JSON(http.StatusOK, gin.H{"stations": newPublicStationsResponse(list)})
		return nil
	}))
}

// publicStationResponse is a police station as anyone may see it: its
// name, code, district and building, not its area.
type publicStationResponse struct {
	ID         int64         `json:"id"`
	Code       string        `json:"code"`
	DistrictID int           `json:"district_id"`
	Name       bilingualName `json:"name"`
	Location   latLon        `json:"location"`
}

func newPublicStationsResponse(list []jurisdiction.Station) []publicStationResponse {
	out := make([]publicStationResponse, 0, len(list))
	for _, s := range list {
		out = append(out, publicStationResponse{ID: s.ID, Code: s.Code, DistrictID: s.DistrictID,
			Name: bilingualName{EN: s.NameEN, HI: s.NameHI}, Location: latLon{Lat: s.Location.Lat(), Lon: s.Location.Lon()}})
	}
	return out
}

type districtResponse struct {
	ID   int           `json:"id"`
	Name bilingualName `json:"name"`
	Slug string        `json:"slug"`
	HQ   latLon        `json:"hq"` // the headquarters: forms may put a pin there
}

// latLon is a public place's point.
type latLon struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

func newDistrictsResponse(ds []jurisdiction.DistrictSummary) []districtResponse {
	out := make([]districtResponse, 0, len(ds))
	for _, d := range ds {
		out = append(out, districtResponse{ID: d.ID, Name: bilingualName{EN: d.NameEN, HI: d.NameHI}, Slug: d.Slug,
			HQ: latLon{Lat: d.HQLat, Lon: d.HQLon}})
	}
	return out
}
