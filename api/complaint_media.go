package api

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/cases"
)

// registerComplaintMediaRoutes wires photos attached to complaints: the
// multipart attach (her code + secret, or the E-cell session that filed
// it) under the upload body limit, her thumbnails through a tracking-style
// call, and the staff views (scoped by package cases, watermarked, audited).
func (h *Handler) registerComplaintMediaRoutes(r *gin.Engine) {
	up := r.Group("/api/v1", maxBody(uploadBodyLimit), uploadDeadline(), h.authenticate())
	up.POST("/complaints/attachments", h.limitPublic(), handle(h.attachComplaintPhotos))
	v1 := r.Group("/api/v1", maxBody(1<<20), h.authenticate(), requireJSON())
	v1.POST("/complaints/track/photos", handle(h.trackComplaintPhotos))
	staff := v1.Group("", h.requireAuth())
	staff.GET("/complaints/:id/photos", handle(h.listComplaintPhotos))
	staff.GET("/complaints/:id/photos/:n", handle(h.getComplaintPhoto))
}

// attachedResponse answers an attach request.
type attachedResponse struct {
	Code     string `json:"code"`
	Added    []int  `json:"added"`
	Total    int    `json:"total"`
	Replayed bool   `json:"replayed"`
}

// attachComplaintPhotos takes a multipart form: code, secret (omitted by the
// E-cell staffer who filed the complaint), language and 1–5 photos. A retry
// with the same Idempotency-Key adds nothing and gets the first answer.
func (h *Handler) attachComplaintPhotos(c *gin.Context) error {
	var by *auth.Principal
	if p, ok := principalOf(c); ok {
		if p.Role != auth.RoleECell { // refuse before reading 50 MiB
			return vikalp.Forbiddenf("only the complainant and the E-cell staff who filed a complaint may add photos")
		}
		by = &p
	}
	form, err := parseUpload(c)
	if err != nil {
		return err
	}
	defer func() { _ = form.RemoveAll() }()
	lang := requestLanguage(c, formValue(form, "language"))
	in := cases.AttachInput{Code: formValue(form, "code"), Secret: formValue(form, "secret"),
		IdempotencyKey: idempotencyKey(c)}
	if in.Photos, err = readPhotos(form, cases.MaxAttachPhotos, h.deps.Ingest.Config().Media.MaxBytes, "photos", "photo"); err != nil {
		return err
	}
	var out cases.Attached
	err = h.throttledComplainant(c, in.Code, notFound, func() error {
		out, err = h.deps.Cases.AttachPhotos(c.Request.Context(), by, in, lang)
		return err
	})
	if err != nil {
		return err
	}
	c.JSON(createdOrReplayed(out.Replayed), attachedResponse{Code: string(out.Code), Added: out.Added,
		Total: out.Total, Replayed: out.Replayed})
	return nil
}

// trackedPhotoResponse is one of her photos: the thumbnail inline as a
// data: URL, so her secret never has to travel in an image URL.
type trackedPhotoResponse struct {
	N         int       `json:"n"`
	AddedAt   time.Time `json:"added_at"`
	Thumbnail string    `json:"thumbnail"`
}

// trackComplaintPhotos returns her photos' thumbnails for code + secret in
// the body, under the tracking throttle.
func (h *Handler) trackComplaintPhotos(c *gin.Context) error {
	lang := requestLanguage(c, "")
	var req complainantRequest
	if err := bindJSON(c, &req, lang); err != nil {
		return err
	}
	var list []cases.TrackedPhoto
	err := h.throttledComplainant(c, req.Code, notFound, func() (err error) {
		list, err = h.deps.Cases.TrackPhotos(c.Request.Context(), req.Code, req.Secret, lang)
		return err
	})
	if err != nil {
		return err
	}
	out := make([]trackedPhotoResponse, len(list))
	for i, p := range list {
		out[i] = trackedPhotoResponse{N: p.N, AddedAt: p.AddedAt,
			Thumbnail: "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(p.Thumbnail)}
	}
	c.JSON(http.StatusOK, gin.H{"photos": out})
	return nil
}

// complaintPhotoResponse is one photo in the staff list.
type complaintPhotoResponse struct {
	N        int       `json:"n"`
	AddedAt  time.Time `json:"added_at"`
	AddedBy  string    `json:"added_by"`
	URL      string    `json:"url"`
	ThumbURL string    `json:"thumb_url"`
}

// listComplaintPhotos lists a complaint's photos (no image data).
func (h *Handler) listComplaintPhotos(c *gin.Context) error {
	p, _ := principalOf(c)
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	list, err := h.deps.Cases.Photos(c.Request.Context(), p, id)
	if err != nil {
		return err
	}
	out := make([]complaintPhotoResponse, len(list))
	for i, ph := range list {
		url := fmt.Sprintf("/api/v1/complaints/%d/photos/%d", id, ph.N)
		out[i] = complaintPhotoResponse{N: ph.N, AddedAt: ph.AddedAt, AddedBy: string(ph.AddedBy),
			URL: url, ThumbURL: url + "?size=thumb"}
	}
	c.JSON(http.StatusOK, gin.H{"photos": out})
	return nil
}

// getComplaintPhoto serves a complaint photo watermarked for the caller
// (?size=thumb for the thumbnail). Never cached: each copy names its viewer.
func (h *Handler) getComplaintPhoto(c *gin.Context) error {
	p, _ := principalOf(c)
	id, n, err := photoPath(c)
	if err != nil {
		return err
	}
	data, err := h.deps.Cases.Photo(c.Request.Context(), p, int64(id), n, c.Query("size") == "thumb")
	if err != nil {
		return err
	}
	writeJPEG(c, data, "private, no-store")
	return nil
}
