package e2e_test

import (
	"bytes"
	"encoding/base64"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/backend"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
)

// TestOpenAPIConvertedConfigServesTheBackend converts an OpenAPI document of the demo backend
// with the real openapi-to-mcp command, starts the real .wasm with the result and credentials
// from the environment, and calls the tools: each backend request carries the credential of
// the scheme its operation declares, and no reply quotes a secret.
func TestOpenAPIConvertedConfigServesTheBackend(t *testing.T) {
	doc, err := filepath.Abs("testdata/openapi/demo-backend.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", "./cmd/openapi-to-mcp", "--input", doc, "--server-name", "demo", "--validate")
	cmd.Dir = filepath.Join("..", "tools", "openapi-to-mcp")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cfg, err := cmd.Output()
	if err != nil {
		t.Fatalf("openapi-to-mcp: %v\n%s", err, stderr.String())
	}
	for _, v := range []string{"DEMO_STORE_KEY", "DEMO_SEARCH_KEY", "DEMO_ADMIN"} {
		if !strings.Contains(stderr.String(), "  "+v+"  (") {
			t.Fatalf("the converter did not list %s:\n%s", v, stderr.String())
		}
	}
	const storeKey, searchKey, adminUser, adminPass = "sk-e2e-7f3a9c", "qk-e2e-51d0", "ops", "adm!n-e2e-88"
	d := startDemo(t, demo.Options{ConfigYAML: cfg,
		Env:                map[string]string{"DEMO_STORE_KEY": storeKey, "DEMO_SEARCH_KEY": searchKey, "DEMO_ADMIN": adminUser + ":" + adminPass},
		BackendCredentials: &backend.Credentials{APIKey: storeKey, QueryKey: searchKey, BasicUser: adminUser, BasicPass: adminPass}})
	cs, _ := connect(t, d.MCPURL, legacy, nil)
	calls := []struct {
		tool string
		args map[string]any
		path string
		want func(r backend.Record) bool
	}{
		{"list_pets", nil, "/v1/pets", func(r backend.Record) bool { return r.Header.Get("X-Api-Key") == "" }},
		{"get_inventory", nil, "/v1/inventory", func(r backend.Record) bool { return r.Header.Get("X-Api-Key") == storeKey }},
		{"add_pet", map[string]any{"name": "Nimbus", "species": "cat"}, "/v1/pets", func(r backend.Record) bool {
			return r.Header.Get("X-Api-Key") == storeKey && strings.Contains(r.Body, `"name":"Nimbus"`)
		}},
		{"search_pets", map[string]any{"q": "nim"}, "/v1/search", func(r backend.Record) bool {
			return r.Query.Get("api_key") == searchKey && r.Query.Get("q") == "nim"
		}},
		{"admin_stats", nil, "/v1/admin/stats", func(r backend.Record) bool {
			return r.Header.Get("Authorization") == "Basic "+base64.StdEncoding.EncodeToString([]byte(adminUser+":"+adminPass))
		}},
	}
	for _, c := range calls {
		d.Backend.Reset()
		res, err := callTool(t, cs, c.tool, c.args)
		if err != nil {
			t.Fatalf("%s: %v", c.tool, err)
		}
		if res.IsError {
			t.Fatalf("%s: tool error %q", c.tool, resultText(res))
		}
		recs := d.Backend.Requests()
		if len(recs) != 1 || recs[0].Path != c.path || !c.want(recs[0]) {
			t.Fatalf("%s: backend got %+v", c.tool, recs)
		}
		text := resultText(res)
		for _, s := range []string{storeKey, searchKey, adminPass} {
			if strings.Contains(text, s) {
				t.Fatalf("%s: the reply quotes a secret", c.tool)
			}
		}
	}
}
