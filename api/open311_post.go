package api

import (
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
	"github.com/vikalp/vikalp/ingest"
)

// open311JSONLimit caps a JSON or urlencoded GeoReport POST: short fields.
const open311JSONLimit = 32 << 10

// readOpen311Post reads a GeoReport POST in any of its three encodings into
// a report. cleanup removes a multipart body's temporary files.
func (h *Handler) readOpen311Post(c *gin.Context) (ingest.NewReport, func(), error) {
	cleanup := func() {}
	var form *multipart.Form
	switch {
	case hasMediaType(c.Request, multipartType):
		var err error
		if form, err = parseUpload(c); err != nil {
			return ingest.NewReport{}, cleanup, err
		}
		cleanup = func() { _ = form.RemoveAll() }
	case hasMediaType(c.Request, "application/x-www-form-urlencoded"):
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, open311JSONLimit)
		if err := c.Request.ParseForm(); err != nil {
			return ingest.NewReport{}, cleanup, vikalp.InvalidField("form", "bad_form",
				"send the request as application/x-www-form-urlencoded, multipart/form-data or JSON")
		}
		form = &multipart.Form{Value: c.Request.PostForm}
	case hasMediaType(c.Request, jsonType):
		values, err := readOpen311JSON(c)
		if err != nil {
			return ingest.NewReport{}, cleanup, err
		}
		form = &multipart.Form{Value: values}
	default:
		return ingest.NewReport{}, cleanup, errNotMultipart
	}
	in, err := newOpen311Input(form, h.deps.Ingest.Config().Media.MaxBytes)
	in.IdempotencyKey = idempotencyKey(c)
	return in, cleanup, err
}

// readOpen311JSON reads a flat JSON object of GeoReport fields (strings or
// numbers; "attribute" may be an object of answers) as form values.
func readOpen311JSON(c *gin.Context) (map[string][]string, error) {
	bad := vikalp.InvalidField("body", "bad_json", "send a JSON object with service_code, lat, long and description")
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, open311JSONLimit))
	if err != nil {
		return nil, bad
	}
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, bad
	}
	out := map[string][]string{}
	for k, v := range obj {
		if attrs, ok := v.(map[string]any); ok && k == "attribute" {
			for ak, av := range attrs {
				out["attribute["+ak+"]"] = []string{jsonScalar(av)}
			}
			continue
		}
		out[k] = []string{jsonScalar(v)}
	}
	return out, nil
}

// jsonScalar renders a decoded JSON scalar as form text.
func jsonScalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// newOpen311Input maps GeoReport fields to a report. A submission without
// photos needs lat and long; media_url is not fetched (no server-side
// requests to addresses a client names).
func newOpen311Input(form *multipart.Form, maxBytes int64) (ingest.NewReport, error) {
	in, err := newReportInput(form, ingest.SourceOpen311, maxBytes)
	if err != nil {
		return in, err
	}
	in.Category, in.Text = formValue(form, "service_code"), formValue(form, "description")
	in.WithoutPhotos = len(in.Photos) == 0
	in.Attributes = map[string]string{}
	for k, v := range form.Value {
		code, ok := strings.CutPrefix(k, "attribute[")
		if !ok || !strings.HasSuffix(code, "]") || len(v) == 0 {
			continue
		}
		in.Attributes[strings.TrimSuffix(strings.TrimSuffix(code, "]"), "][")] = v[0]
	}
	return in, nil
}
