package apitest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/vikalp/vikalp/api"
)

// InContract reports whether the OpenAPI document must describe path:
// the JSON API under /api/v1, the vector tiles and the health checks.
// (Open311 and the basemap are documented by their own specifications.)
func InContract(path string) bool {
	return strings.HasPrefix(path, "/api/v1/") || strings.HasPrefix(path, "/tiles/") ||
		path == "/healthz" || path == "/readyz"
}

// maxContractBody caps how much of a request or answer is kept for
// validation; a longer one is passed through and its body left unchecked.
const maxContractBody = 8 << 20

// Contract is the API's OpenAPI document, loaded and validated once, with a
// router that finds the operation of a request.
//
// kin-openapi validates an OpenAPI 3.1 document's schemas with a JSON Schema
// 2020-12 validator (type arrays with "null", const, unevaluatedProperties
// all apply), so the document uses 3.1 as it is; where oapi-codegen cannot
// follow (a type array of two non-null types) it says the same with oneOf.
type Contract struct {
	// Doc is the parsed document.
	Doc    *openapi3.T
	router routers.Router
}

// loadContract parses api.OpenAPIDocument once per test binary.
var loadContract = sync.OnceValues(func() (*Contract, error) {
	data, err := api.OpenAPIDocument()
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load the OpenAPI document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the OpenAPI document is not valid: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route the OpenAPI document: %w", err)
	}
	// Bodies the API answers besides JSON: photos, CSV and GeoJSON exports,
	// the alert event stream; multipart photo parts may say image/jpeg.
	openapi3filter.RegisterBodyDecoder("image/jpeg", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/event-stream", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/vnd.mapbox-vector-tile", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/geo+json", openapi3filter.JSONBodyDecoder)
	// The inbound SMS webhook answers Gupshup in its XML.
	openapi3filter.RegisterBodyDecoder("application/xml", openapi3filter.FileBodyDecoder)
	return &Contract{Doc: doc, router: router}, nil
})

// LoadContract returns the API's OpenAPI document, failing t when it does
// not load or is not a valid OpenAPI 3.1 document.
func LoadContract(t testing.TB) *Contract {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ValidateContract wraps h so that every request InContract and its
// answer are checked against the OpenAPI document; a mismatch fails t
// (t.Errorf) and the answer still reaches the client unchanged. An answer
// must match its operation's response for its status. A request the
// document refuses must be refused (4xx or 5xx): tests send malformed
// requests on purpose, but the server must not accept what the contract
// says is invalid. A path the document lacks must get 404 or 405.
func ValidateContract(t testing.TB, h http.Handler) http.Handler {
	t.Helper()
	return &contractHandler{t: t, next: h, contract: LoadContract(t)}
}

type contractHandler struct {
	t        testing.TB
	next     http.Handler
	contract *Contract
}

func (v *contractHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !InContract(r.URL.Path) {
		v.next.ServeHTTP(w, r)
		return
	}
	in := &capture{limit: maxContractBody}
	if r.Body != nil {
		r.Body = &teeBody{ReadCloser: r.Body, copy: in}
	}
	header := r.Header.Clone() // the handler may change the request's headers
	rec := &recorder{ResponseWriter: w, body: capture{limit: maxContractBody}}
	v.next.ServeHTTP(rec, r)
	if r.Body != nil && rec.status() < 400 {
		// An accepted request is checked whole, also what the handler
		// left unread.
		_, _ = io.CopyN(io.Discard, r.Body, maxContractBody+1)
	}
	if err := v.contract.check(r, header, in, rec); err != nil {
		v.t.Errorf("OpenAPI contract: %s %s answered %d: %v", r.Method, r.URL.RequestURI(), rec.status(), err)
	}
}

// check validates a served request and its answer against the document.
func (c *Contract) check(r *http.Request, header http.Header, in *capture, rec *recorder) error {
	status := rec.status()
	if status == 499 { // the client went away: no answer to check
		return nil
	}
	req := r.Clone(context.Background())
	req.Header = header
	req.Body = io.NopCloser(bytes.NewReader(in.buf.Bytes()))
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			return nil
		}
		return fmt.Errorf("no operation in the document: %w", err)
	}
	noteCoverage(route.Method, route.Path, status)
	input := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if !in.over {
		if err := openapi3filter.ValidateRequest(context.Background(), input); err != nil && status < 400 {
			return fmt.Errorf("the server accepted a request the document refuses: %w", err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: input, Status: status,
		Header: rec.Header(), Body: io.NopCloser(bytes.NewReader(rec.body.buf.Bytes())),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, ExcludeResponseBody: rec.body.over}}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Errorf("the answer does not match the document: %w", err)
	}
	return nil
}

// coverageMu serializes appends to the coverage file.
var coverageMu sync.Mutex

// noteCoverage appends "METHOD /path status" to the file named by
// VIKALP_CONTRACT_COVERAGE, when set, so a maintainer can list the
// operations and statuses no test exercises.
func noteCoverage(method, path string, status int) {
	name := os.Getenv("VIKALP_CONTRACT_COVERAGE")
	if name == "" {
		return
	}
	coverageMu.Lock()
	defer coverageMu.Unlock()
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = fmt.Fprintf(f, "%s %s %d\n", method, path, status)
}

// capture keeps up to limit bytes and notes when there were more.
type capture struct {
	buf   bytes.Buffer
	limit int
	over  bool
}

func (c *capture) keep(p []byte) {
	if c.over || c.buf.Len()+len(p) > c.limit {
		c.over = true
		return
	}
	c.buf.Write(p)
}

// teeBody copies what the handler reads of the request body.
type teeBody struct {
	io.ReadCloser
	copy *capture
}

func (b *teeBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.copy.keep(p[:n])
	return n, err
}

// recorder passes the answer through and keeps its status and body.
// Unwrap lets http.ResponseController reach the connection (the alert
// stream flushes and clears its write deadline).
type recorder struct {
	http.ResponseWriter
	code int
	body capture
}

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	r.body.keep(p)
	return r.ResponseWriter.Write(p)
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) status() int {
	if r.code == 0 {
		return http.StatusOK
	}
	return r.code
}
