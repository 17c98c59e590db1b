package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/vikalp/vikalp"
)

// Body types the API takes: JSON under /api/v1, multipart forms on the
// upload routes (parseUpload).
const (
	jsonType      = "application/json"
	multipartType = "multipart/form-data"
)

var (
	errNotJSON = &vikalp.UserError{Kind: vikalp.ErrUnsupportedMediaType, Code: "unsupported_media_type",
		Message: "send the body as JSON, with Content-Type: application/json"}
	errNotMultipart = &vikalp.UserError{Kind: vikalp.ErrUnsupportedMediaType, Code: "unsupported_media_type",
		Message: "send the form as multipart/form-data"}
)

// requireJSON refuses an unsafe request on a JSON route whose body is not
// declared application/json with 415: a browser sends text/plain,
// urlencoded or multipart bodies across origins without asking first, but
// never JSON. A request without a body and without a type (POST …/ack)
// passes.
func requireJSON() gin.HandlerFunc {
	return func(c *gin.Context) {
		if !safeMethod(c.Request.Method) && hasBody(c.Request) && !hasMediaType(c.Request, jsonType) {
			writeError(c, errNotJSON)
			return
		}
		c.Next()
	}
}

// hasBody reports whether r carries a body or declares a type for one.
func hasBody(r *http.Request) bool {
	return r.ContentLength != 0 || r.Header.Get("Content-Type") != ""
}

// hasMediaType reports whether r's Content-Type is want (parameters such as
// charset or boundary aside).
func hasMediaType(r *http.Request, want string) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == want
}

// errJSONBody is a body that is not exactly one JSON value in valid UTF-8.
var errJSONBody = errors.New("body is not one JSON value in valid UTF-8")

// decodeJSON decodes the request body (already capped by maxBody) into dst,
// strictly: the body must be valid UTF-8, because encoding/json would
// silently turn invalid bytes into U+FFFD and so change what she wrote, and
// it must hold one JSON value and nothing after it. A body over the cap
// returns the *http.MaxBytesError; any other refusal wraps errJSONBody.
func decodeJSON(c *gin.Context, dst any) error {
	if c.Request.Body == nil {
		return errJSONBody
	}
	data, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return err
	}
	if !utf8.Valid(data) {
		return errJSONBody
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(dst); err != nil {
		return errors.Join(errJSONBody, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errJSONBody
	}
	return nil
}
