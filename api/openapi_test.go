package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"

	// The generated client's one dependency: required here so go.mod keeps
	// it and the client builds inside the module without the network.
	_ "github.com/oapi-codegen/runtime"

	"github.com/vikalp/vikalp/api"
	"github.com/vikalp/vikalp/app/apitest"
	"github.com/vikalp/vikalp/auth"
	"github.com/vikalp/vikalp/internal/pg/pgtest"
	"github.com/vikalp/vikalp/jurisdiction"
)

// anonymousRole names, in x-vikalp-roles, callers with no session or token.
const anonymousRole = "anonymous"

// ginParam matches a Gin path parameter (:id) or wildcard (*path).
var ginParam = regexp.MustCompile(`[:*]([A-Za-z_][A-Za-z0-9_]*)`)

// specPath turns a Gin route path into its OpenAPI form: /a/:id → /a/{id}.
func specPath(ginPath string) string {
	return ginParam.ReplaceAllString(ginPath, "{$1}")
}

// specOperations lists "METHOD /path" for every operation of the document.
func specOperations(doc *openapi3.T) map[string]*openapi3.Operation {
	ops := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops[method+" "+path] = op
		}
	}
	return ops
}

// startContractServer runs the fully wired API (alerts, leads, hotspots:
// every route production serves) on a fresh database.
func startContractServer(t *testing.T) *apitest.Server {
	t.Helper()
	return apitest.StartWith(t, "contract-password-1",
		func(*jurisdiction.Service) []auth.DemoUser { return nil }, apitest.Options{Workers: true})
}

// TestOpenAPIRoutes checks that the document and the router agree: every
// route under /api/v1 (and the tiles and health checks, apitest.InContract)
// is an operation with the same method and path, and every operation is a
// route.
func TestOpenAPIRoutes(t *testing.T) {
	srv := startContractServer(t)
	ops := specOperations(apitest.LoadContract(t).Doc)
	routes := map[string]bool{}
	for _, r := range srv.Router.Routes() {
		if apitest.InContract(r.Path) {
			routes[r.Method+" "+specPath(r.Path)] = true
		}
	}
	var undocumented, unserved []string
	for key := range routes {
		if ops[key] == nil {
			undocumented = append(undocumented, key)
		}
	}
	for key := range ops {
		if !routes[key] {
			unserved = append(unserved, key)
		}
	}
	sort.Strings(undocumented)
	sort.Strings(unserved)
	if len(undocumented) > 0 {
		t.Errorf("routes missing from api/openapi.yaml:\n\t%s", strings.Join(undocumented, "\n\t"))
	}
	if len(unserved) > 0 {
		t.Errorf("operations in api/openapi.yaml that the router does not serve:\n\t%s", strings.Join(unserved, "\n\t"))
	}
}

// TestOpenAPIServed checks that anyone may fetch the document as JSON and
// gets exactly the embedded one.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	want, err := api.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	router := apitest.Router(t, apitest.Deps(t, pgtest.New(t), apitest.Options{}))
	rec := serve(router, http.MethodGet, "/api/v1/openapi.json", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	if !bytes.Equal(rec.Body.Bytes(), want) {
		t.Error("the served document differs from api.OpenAPIDocument")
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q (%v), want 3.1.0", doc.OpenAPI, err)
	}
}

// TestOpenAPIRoles checks each operation's x-vikalp-roles and
// x-vikalp-scoped against authzRules, the access the authorization matrix
// test enforces on the running server.
func TestOpenAPIRoles(t *testing.T) {
	t.Parallel()
	ops := specOperations(apitest.LoadContract(t).Doc)
	for key, op := range ops {
		method, path, _ := strings.Cut(key, " ")
		var rule *access
		for ruleKey, a := range authzRules {
			m, p, _ := strings.Cut(ruleKey, " ")
			if m == method && specPath(p) == path {
				rule = &a
			}
		}
		if rule == nil {
			t.Errorf("%s: no entry in authzRules (authz_matrix_test.go)", key)
			continue
		}
		var want []string
		if rule.anon {
			want = append(want, anonymousRole)
		}
		for _, r := range rule.roles {
			want = append(want, string(r))
		}
		got := extensionStrings(op.Extensions["x-vikalp-roles"])
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: x-vikalp-roles %v, want %v", key, got, want)
		}
		if scoped, _ := op.Extensions["x-vikalp-scoped"].(bool); scoped != rule.scoped {
			t.Errorf("%s: x-vikalp-scoped %v, want %v", key, scoped, rule.scoped)
		}
	}
}

// extensionStrings reads an extension holding a list of strings.
func extensionStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, item := range list {
		if s, ok := item.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// TestOpenAPIClientCompiles generates a Go client from the document with
// oapi-codegen and builds it inside this module (so with the module's
// pinned oapi-codegen/runtime, offline).
func TestOpenAPIClientCompiles(t *testing.T) {
	t.Parallel()
	doc := apitest.LoadContract(t).Doc
	code, err := codegen.Generate(doc, codegen.Configuration{PackageName: "vikalpclient",
		Generate: codegen.GenerateOptions{Models: true, Client: true}}.UpdateDefaults())
	if err != nil {
		t.Fatalf("generate the client: %v", err)
	}
	// A directory starting with "_" is left out of ./... so a concurrent
	// build of the module never sees the half-written client.
	dir, err := os.MkdirTemp(".", "_openapi-client-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.WriteFile(filepath.Join(dir, "client.gen.go"), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "./"+filepath.Base(dir))
	cmd.Env = append(os.Environ(), "GOPROXY=off") // offline: everything it needs is pinned in go.sum
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("the generated client does not build: %v\n%s", err, trimOutput(&out))
	}
}

// trimOutput returns at most the first 40 lines of the build output.
func trimOutput(r io.Reader) string {
	data, _ := io.ReadAll(r)
	lines := strings.Split(string(data), "\n")
	if len(lines) > 40 {
		lines = append(lines[:40], "…")
	}
	return strings.Join(lines, "\n")
}

// errorRecorder is a testing.TB that keeps what Errorf reports.
type errorRecorder struct {
	testing.TB
	errors []string
}

func (r *errorRecorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// TestValidateContractReportsMismatches checks the check itself: answers
// and accepted requests that break the document are reported, and what
// keeps to it is not.
func TestValidateContractReportsMismatches(t *testing.T) {
	t.Parallel()
	answer := func(status int, body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		})
	}
	for _, tc := range []struct {
		name, method, path, body string
		h                        http.Handler
		wantReport               bool
	}{
		{"MatchingAnswer", http.MethodGet, "/api/v1/complaint-categories", "",
			answer(200, `{"categories":[{"code":"stalking","label":{"en":"Stalking","hi":"पीछा करना"}}]}`), false},
		{"ErrorShape", http.MethodGet, "/api/v1/me", "", answer(401, `{"error":"please log in","request_id":"x"}`), false},
		{"UndocumentedField", http.MethodGet, "/api/v1/complaint-categories", "",
			answer(200, `{"categories":[],"total":0}`), true},
		{"WrongErrorShape", http.MethodGet, "/api/v1/me", "", answer(401, `{"message":"no"}`), true},
		{"UndocumentedStatus", http.MethodGet, "/api/v1/complaint-categories", "", answer(201, `{"categories":[]}`), true},
		{"UnknownPathServed", http.MethodGet, "/api/v1/nowhere", "", answer(200, `{}`), true},
		{"UnknownPathRefused", http.MethodGet, "/api/v1/nowhere", "", answer(404, `{"error":"not found"}`), false},
		{"InvalidRequestAccepted", http.MethodPost, "/api/v1/session", `{"username":""}`,
			answer(200, `{"user":{"id":1,"username":"u","display_name":"u","role":"admin","scope":{"kind":"state","id":0}}}`), true},
		{"InvalidRequestRefused", http.MethodPost, "/api/v1/session", `{"username":""}`,
			answer(422, `{"error":"send JSON with a username and a password"}`), false},
		{"HealthCheckShape", http.MethodGet, "/healthz", "", answer(200, `{"anything":true}`), true},
		{"OutsideTheContract", http.MethodGet, "/open311/v2/services.json", "", answer(200, `{"anything":true}`), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &errorRecorder{TB: t}
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			serve(apitest.ValidateContract(rec, tc.h), tc.method, tc.path, body, "Content-Type", "application/json")
			if got := len(rec.errors) > 0; got != tc.wantReport {
				t.Errorf("reported %v (%q), want a report: %v", got, rec.errors, tc.wantReport)
			}
		})
	}
}
