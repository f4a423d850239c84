package config

//go:generate go run ../../testdata/gen/largecatalog -o ../../testdata/configs/large-catalog.yaml

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/testutil"
)

// TestTestdataConfigsLoad parses every config in testdata/configs (ours and other packages'
// seeds alike): each must load without error.
func TestTestdataConfigsLoad(t *testing.T) {
	root, err := testutil.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(root, "testdata", "configs", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("found %d configs in testdata/configs, want at least petstore, weather and large-catalog", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			js, err := testutil.YAMLFileToJSON(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Parse(js, secretEnv); err != nil {
				t.Fatalf("Parse: %v", err)
			}
		})
	}
}

func TestLargeCatalog(t *testing.T) {
	c := mustParse(t, string(yamlConfig(t, "large-catalog.yaml")))
	if len(c.Tools) != 60 || len(c.Entries()) != 60 || len(c.Names()) != 60 {
		t.Fatalf("got %d tools, %d entries, %d names; want 60", len(c.Tools), len(c.Entries()), len(c.Names()))
	}
	for i, want := range []string{"list_warehouses", "get_warehouse", "create_warehouse", "update_warehouse", "delete_warehouse"} {
		if c.Names()[i] != want || c.EntryIndex(want) != i {
			t.Errorf("tool %d: name %q index %d, want %q", i, c.Names()[i], c.EntryIndex(want), want)
		}
	}
	if got := c.EntryIndex("delete_reviews"); got != -1 {
		t.Errorf("EntryIndex(delete_reviews) = %d, want -1", got)
	}
	if got := c.EntryIndex("delete_review"); got != 59 {
		t.Errorf("EntryIndex(delete_review) = %d, want 59", got)
	}
	if c.Bridge.ToolsTTLMs != 60000 || c.MCP.ToolsTTLMs != 60000 {
		t.Errorf("ttl: bridge %d, mcp %d; want 60000", c.Bridge.ToolsTTLMs, c.MCP.ToolsTTLMs)
	}
}

// TestLargeCatalogGenerated checks the committed large-catalog.yaml is what the generator writes.
func TestLargeCatalogGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator with go run")
	}
	root, err := testutil.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", "./testdata/gen/largecatalog")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, stderr.String())
	}
	if want := readRepoFile(t, "testdata/configs/large-catalog.yaml"); !bytes.Equal(got, want) {
		t.Fatal("testdata/configs/large-catalog.yaml is stale: run go generate ./pkg/config")
	}
}

// invalidConfigs maps each testdata/configs/invalid file to the start of its error.
var invalidConfigs = map[string]string{
	"allow-unknown-tool.yaml":        `allowTools[1]: names unknown tool "get_forcast"`,
	"bad-origin.yaml":                "bridge.allowedOrigins[1]: must be",
	"bad-position.yaml":              "tools[0].args[1].position: must be one of: query, path, header, cookie, body",
	"bridge-range.yaml":              "bridge.maxResponseBodyBytes: must be between 1024 and 104857600",
	"duplicate-tool.yaml":            `tools[2].name: duplicate tool name "get_user" (also tools[0])`,
	"header-arg-credential.yaml":     `tools[0].args[2]: arg "x-api-key" is sent as header "x-api-key"`,
	"missing-env.yaml":               "server.securitySchemes[0].defaultCredential: environment variable UNSET_SERVICE_TOKEN is not set",
	"passthrough-incompatible.yaml":  "tools[0].requestTemplate.security.id: cannot pass the client's http:basic credential",
	"template-query-credential.yaml": `tools[0].requestTemplate.url: query parameter "appid" carries a credential`,
	"unknown-scheme.yaml":            `tools[0].requestTemplate.security.id: unknown security scheme "apikey"`,
	"unknown-template-key.yaml":      "tools[1].requestTemplate.uri: unknown key",
	"wrong-type.yaml":                "tools[0].args[0].required: must be a boolean, not a string",
}

func TestInvalidConfigs(t *testing.T) {
	root, err := testutil.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(root, "testdata", "configs", "invalid", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(invalidConfigs) {
		t.Errorf("%d files in testdata/configs/invalid, %d in the table", len(files), len(invalidConfigs))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			want, ok := invalidConfigs[name]
			if !ok {
				t.Fatal("no expected error in the table")
			}
			js, err := testutil.YAMLFileToJSON(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(js, secretEnv)
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("error:\n got %v\nwant prefix %q", err, want)
			}
			if strings.Contains(err.Error(), plantedSecret) || strings.Contains(err.Error(), "not-a-secret-just-a-test") {
				t.Fatalf("error contains a configured value: %v", err)
			}
		})
	}
}
