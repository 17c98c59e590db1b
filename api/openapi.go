package api

import (
	_ "embed"
	"fmt"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"
)

// openAPIYAML is the OpenAPI 3.1 contract of /api/v1, written by hand in
// YAML for review. openapi_test.go keeps it true: every route the router
// registers is in it and nothing else, and the API tests validate their real
// requests and answers against it.
//
//go:embed openapi.yaml
var openAPIYAML []byte

// openAPIJSON converts openAPIYAML to JSON once, on first use.
var openAPIJSON = sync.OnceValues(func() ([]byte, error) {
	doc, err := yaml.YAMLToJSON(openAPIYAML)
	if err != nil {
		return nil, fmt.Errorf("convert openapi.yaml to JSON: %w", err)
	}
	return doc, nil
})

// OpenAPIDocument returns the OpenAPI 3.1 document of the API as JSON, as
// GET /api/v1/openapi.json serves it.
func OpenAPIDocument() ([]byte, error) {
	return openAPIJSON()
}

// registerOpenAPIRoutes serves the contract to anyone: it names routes and
// shapes, never data.
func (h *Handler) registerOpenAPIRoutes(v1 *gin.RouterGroup) {
	doc, docErr := openAPIJSON() // converted when the router is built, not per request
	v1.GET("/openapi.json", handle(func(c *gin.Context) error {
		if docErr != nil {
			return docErr
		}
		setCacheControl(c, "public, max-age=300")
		c.Data(http.StatusOK, "application/json; charset=utf-8", doc)
		return nil
	}))
}
