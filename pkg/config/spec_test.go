package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/testutil"
)

func loadSpec(t *testing.T) gjson.Result {
	t.Helper()
	js, err := testutil.YAMLToJSON(readRepoFile(t, "spec.yaml"))
	if err != nil {
		t.Fatalf("spec.yaml: %v", err)
	}
	return gjson.ParseBytes(js)
}

func TestSpecInfo(t *testing.T) {
	spec := loadSpec(t)
	want := map[string]string{
		"apiVersion":              "1.0.0",
		"info.name":               "mcp-rest-bridge",
		"info.version":            "0.1.0",
		"info.category":           "custom",
		"info.gatewayMinVersion":  "2.1.0",
		"info.title":              "MCP REST Bridge",
		"info.x-title-i18n.zh-CN": "MCP REST 桥接",
		"spec.phase":              "UNSPECIFIED_PHASE", // README (Deploying, Higress) says so too
	}
	for path, w := range want {
		if got := spec.Get(path); got.Type != gjson.String || got.Str != w {
			t.Errorf("%s = %s, want %q", path, got.Raw, w)
		}
	}
	if got := spec.Get("spec.priority"); got.Raw != "30" {
		t.Errorf("spec.priority = %s, want 30", got.Raw)
	}
	if d := spec.Get("info.description").Str; !strings.Contains(d, "MCP tools") {
		t.Errorf("info.description = %q", d)
	}
}

// TestSpecSchemaMatchesParser checks configSchema against the parser's key table (keys.go).
func TestSpecSchemaMatchesParser(t *testing.T) {
	schema := loadSpec(t).Get("spec.configSchema.openAPIV3Schema")
	if !schema.IsObject() {
		t.Fatal("spec.configSchema.openAPIV3Schema missing")
	}
	for _, e := range schemaMatchesTable("", schema, &rootField) {
		t.Error(e)
	}
}

func TestSpecExampleParses(t *testing.T) {
	schema := loadSpec(t).Get("spec.configSchema.openAPIV3Schema")
	example := schema.Get("example")
	if !example.IsObject() {
		t.Fatal("configSchema has no example")
	}
	for _, e := range validate("", schema, example) {
		t.Errorf("example: %s", e)
	}
	c := mustParse(t, example.Raw)
	if len(c.Tools) != 4 || c.Server.Name != "petstore" || c.Server.Version != "0.1.0" {
		t.Fatalf("example: %d tools, server %q version %q", len(c.Tools), c.Server.Name, c.Server.Version)
	}
	if len(c.Bridge.AllowedOrigins) != 1 || len(c.AllowTools) != 4 {
		t.Fatalf("example: origins %v, allowTools %v", c.Bridge.AllowedOrigins, c.AllowTools)
	}
}

// TestSpecValidatesHigressConfigs validates every real Higress config of the corpus against
// configSchema.
func TestSpecValidatesHigressConfigs(t *testing.T) {
	validateFiles(t, loadSpec(t).Get("spec.configSchema.openAPIV3Schema"), testutil.HigressConfigs(t))
}

func validateFiles(t *testing.T, schema gjson.Result, files []string) {
	t.Helper()
	for _, f := range files {
		js, err := testutil.YAMLFileToJSON(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range validate("", schema, gjson.ParseBytes(js)) {
			t.Errorf("%s: %s", filepath.Base(f), e)
		}
	}
}

// TestSpecValidatesConfigs validates our testdata configs against configSchema, and checks the
// validator refuses bad ones.
func TestSpecValidatesConfigs(t *testing.T) {
	schema := loadSpec(t).Get("spec.configSchema.openAPIV3Schema")
	root, err := testutil.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	ours, err := filepath.Glob(filepath.Join(root, "testdata", "configs", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	validateFiles(t, schema, ours)
	bad := map[string]string{
		`{"server":{"name":"s"},"tools":[{"name":"a"}],"extra":1}`:                               "extra: property not allowed",
		`{"server":{"name":"s"},"tools":[]}`:                                                     "tools: fewer than 1 items",
		`{"server":{},"tools":[{"name":"a"}]}`:                                                   `server: missing required property "name"`,
		`{"server":{"name":"s"},"tools":[{"name":"a","args":[{"name":"x","position":"form"}]}]}`: "tools[0].args[0].position: not one of",
		`{"server":{"name":"s"},"tools":[{"name":"a"}],"bridge":{"errorExcerptBytes":"1"}}`:      "bridge.errorExcerptBytes: want type integer",
		`{"server":{"name":"s"},"tools":[{"name":"a"}],"bridge":{"toolsListTTLMs":-5}}`:          "bridge.toolsListTTLMs: below minimum 0",
		`{"server":{"name":"s"},"tools":[{"name":"a","legacyOnly":"yes"}]}`:                      "tools[0].legacyOnly: want type boolean",
		`{"server":{"name":"s","version":1},"tools":[{"name":"a"}]}`:                             "server.version: want type string",
		`{"server":{"name":"s","type":"mcp-proxy"},"tools":[{"name":"a"}]}`:                      "server.type: not one of",
	}
	for cfg, want := range bad {
		errs := validate("", schema, gjson.Parse(cfg))
		if len(errs) != 1 || !strings.HasPrefix(errs[0], want) {
			t.Errorf("validate(%s) = %q, want one error starting %q", cfg, errs, want)
		}
	}
}

// TestSpecBridgeIntegers checks the range and default of every integer in
// the bridge block against the parser's table.
func TestSpecBridgeIntegers(t *testing.T) {
	props := loadSpec(t).Get("spec.configSchema.openAPIV3Schema.properties.bridge.properties")
	for _, f := range bridgeInts {
		p := props.Get(f.key)
		if p.Get("type").Str != "integer" {
			t.Errorf("bridge.%s: type %s, want integer", f.key, p.Get("type").Raw)
		}
		for kw, want := range map[string]int64{"minimum": f.min, "maximum": f.max, "default": f.def} {
			if got := p.Get(kw); got.Type != gjson.Number || got.Int() != want {
				t.Errorf("bridge.%s.%s = %s, want %d", f.key, kw, got.Raw, want)
			}
		}
	}
}
