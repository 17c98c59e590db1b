package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

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
