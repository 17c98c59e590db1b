package api

import (
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/ingest"
)

// registerTipRoutes wires the AHTU and MSP views of trafficking tips. Every
// route needs a login; which tips a caller sees is the ingest service's
// decision (other regions and other roles get 404, never 403, so a tip's
// existence does not leak).
func (h *Handler) registerTipRoutes(v1 *gin.RouterGroup) {
	g := v1.Group("/tips", h.requireAuth())
	g.GET("", handle(h.listTips))
	g.GET("/:id", handle(h.getTip))
	g.GET("/:id/contact", handle(h.getTipContact))
	g.GET("/:id/photos/:n", handle(h.getTipPhoto))
}

// submitTip takes a multipart tip: text, places (a JSON array of {lat, lon,
// description, seen_at}), vehicles, phones, people (JSON arrays of strings,
// or repeated fields), contact (JSON {name, phone, email, note}),
// consent_contact, consent_share and 0–5 photos.
func (h *Handler) submitTip(c *gin.Context) error {
	form, err := parseUpload(c)
	if err != nil {
		return err
	}
	defer func() { _ = form.RemoveAll() }()
	in := ingest.NewTip{Text: formValue(form, "text")}
	if err := formJSON(form, "places", &in.Places); err != nil {
		return err
	}
	for key, dst := range map[string]*[]string{"vehicles": &in.Vehicles, "phones": &in.Phones, "people": &in.People} {
		if *dst, err = formList(form, key); err != nil {
			return err
		}
	}
	if formValue(form, "contact") != "" {
		in.Contact = &ingest.TipContact{}
		if err := formJSON(form, "contact", in.Contact); err != nil {
			return err
		}
	}
	if in.ConsentContact, err = formBool(form, "consent_contact"); err != nil {
		return err
	}
	if in.ConsentShare, err = formBool(form, "consent_share"); err != nil {
		return err
	}
	if in.Photos, err = readPhotos(form, ingest.MaxTipPhotos, h.deps.Ingest.Config().Media.MaxBytes, "photos", "photo"); err != nil {
		return err
	}
	in.IdempotencyKey = idempotencyKey(c)
	rec, err := h.deps.Ingest.SubmitTip(c.Request.Context(), in)
	if err != nil {
		return err
	}
	c.JSON(createdOrReplayed(rec.Replayed), gin.H{"code": rec.Code, "replayed": rec.Replayed,
		"message": "Thank you. Your information has been sent to the Anti-Human Trafficking Unit."})
	return nil
}

// formJSON decodes a JSON-valued form field into dst.
func formJSON(form *multipart.Form, key string, dst any) error {
	s := formValue(form, key)
	if s == "" {
		return nil
	}
	// encoding/json would turn invalid UTF-8 into U+FFFD; refuse it instead.
	if !utf8.ValidString(s) {
		return vikalp.InvalidField(key, "bad_text", key+" must be valid UTF-8 text")
	}
	if err := json.Unmarshal([]byte(s), dst); err != nil {
		return vikalp.InvalidField(key, "bad_json", key+" must be valid JSON")
	}
	return nil
}

// formList reads a list field given as a JSON array of strings or as
// repeated plain fields.
func formList(form *multipart.Form, key string) ([]string, error) {
	vals := form.Value[key]
	if len(vals) == 1 && len(vals[0]) > 0 && vals[0][0] == '[' {
		var out []string
		err := formJSON(form, key, &out)
		return out, err
	}
	return vals, nil
}

// tipSummaryResponse is a tip in a list.
type tipSummaryResponse struct {
	ID          int64     `json:"id"`
	Code        string    `json:"code"`
	ReceivedAt  time.Time `json:"received_at"`
	DistrictIDs []int     `json:"district_ids"`
	AHTUIDs     []int     `json:"ahtu_ids"`
	Places      int       `json:"places"`
	Photos      int       `json:"photos"`
	HasContact  bool      `json:"has_contact"`
}

func newTipSummaryResponse(t ingest.TipSummary) tipSummaryResponse {
	return tipSummaryResponse(t)
}

// listTips lists the tips the caller may see, newest first (?before_id=).
func (h *Handler) listTips(c *gin.Context) error {
	p, _ := principalOf(c)
	before, _ := strconv.ParseInt(c.Query("before_id"), 10, 64)
	limit, _ := strconv.Atoi(c.Query("limit"))
	list, err := h.deps.Ingest.Tips(c.Request.Context(), p, before, limit)
	if err != nil {
		return err
	}
	out := make([]tipSummaryResponse, len(list))
	for i, t := range list {
		out[i] = newTipSummaryResponse(t)
	}
	c.JSON(http.StatusOK, gin.H{"tips": out})
	return nil
}

// tipResponse is a tip in full (contact details excepted).
type tipResponse struct {
	tipSummaryResponse
	Text           string             `json:"text"`
	Vehicles       []string           `json:"vehicles"`
	Phones         []string           `json:"phones"`
	People         []string           `json:"people"`
	ConsentContact bool               `json:"consent_contact"`
	ConsentShare   bool               `json:"consent_share"`
	PlaceList      []ingest.PlaceView `json:"place_list"`
	PhotoURLs      []string           `json:"photo_urls"`
}

func newTipResponse(t ingest.Tip) tipResponse {
	out := tipResponse{tipSummaryResponse: newTipSummaryResponse(t.TipSummary), Text: t.Text,
		Vehicles: t.Vehicles, Phones: t.Phones, People: t.People, ConsentContact: t.ConsentContact,
		ConsentShare: t.ConsentShare, PlaceList: t.PlaceList, PhotoURLs: []string{}}
	for n := 1; n <= t.Photos; n++ {
		out.PhotoURLs = append(out.PhotoURLs, "/api/v1/tips/"+strconv.FormatInt(t.ID, 10)+"/photos/"+strconv.Itoa(n))
	}
	return out
}

func (h *Handler) getTip(c *gin.Context) error {
	p, _ := principalOf(c)
	id, err := pathNumber(c, "id")
	if err != nil {
		return err
	}
	t, err := h.deps.Ingest.Tip(c.Request.Context(), p, int64(id))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newTipResponse(t))
	return nil
}

func (h *Handler) getTipContact(c *gin.Context) error {
	p, _ := principalOf(c)
	id, err := pathNumber(c, "id")
	if err != nil {
		return err
	}
	contact, err := h.deps.Ingest.TipContact(c.Request.Context(), p, int64(id))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, contact)
	return nil
}

// getTipPhoto serves a tip photo watermarked for the caller (?size=thumb
// for the thumbnail). Never cached: each copy names its viewer.
func (h *Handler) getTipPhoto(c *gin.Context) error {
	p, _ := principalOf(c)
	id, n, err := photoPath(c)
	if err != nil {
		return err
	}
	data, err := h.deps.Ingest.TipPhoto(c.Request.Context(), p, int64(id), n, c.Query("size") == "thumb")
	if err != nil {
		return err
	}
	writeJPEG(c, data, "private, no-store")
	return nil
}
