package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
)

func TestHelpExitsZero(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-h"}, &stdout, &stderr); err != nil {
		t.Fatalf("run -h = %v, want nil (exit 0)", err)
	}
	usage := stderr.String()
	for _, want := range []string{"Usage: make run", "-upstream string", "-config string", "the plugin, built by 'make build' (default \"build/plugin.wasm\")"} {
		if !strings.Contains(usage, want) {
			t.Errorf("usage lacks %q:\n%s", want, usage)
		}
	}
	if strings.Contains(usage, "help requested") {
		t.Errorf("usage says help requested:\n%s", usage)
	}
}

// TestStartErrorsNameTheFile: every problem found before the gateway starts is one error,
// naming the file it is in.
func TestStartErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badYAML := write("bad.yaml", "server: [\n")
	badScheme := write("scheme.yaml", "server:\n  name: s\n  securitySchemes:\n  - {id: a, type: http, scheme: Bearer-token}\n"+
		"tools:\n- name: t\n  requestTemplate: {url: 'http://x/y', method: GET}\n")
	unsetEnv := write("env.yaml", "server:\n  name: s\n  securitySchemes:\n  - {id: k, type: apiKey, in: header, name: X-Key, defaultCredential: '${RUN_TEST_UNSET_KEY}'}\n"+
		"  defaultUpstreamSecurity: {id: k}\ntools:\n- name: t\n  requestTemplate: {url: 'http://x/y', method: GET}\n")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"YAML syntax", []string{"-config", badYAML}, badYAML + ": yaml: line 1: did not find expected node content"},
		{"unknown scheme", []string{"-config", badScheme},
			badScheme + `: server.securitySchemes[0].scheme: unknown value "Bearer-token" (accepted values: basic, bearer)`},
		{"unset credential variable", []string{"-config", unsetEnv},
			unsetEnv + ": server.securitySchemes[0].defaultCredential: environment variable RUN_TEST_UNSET_KEY is not set"},
		{"missing config", []string{"-config", filepath.Join(dir, "nope.yaml")}, "open " + filepath.Join(dir, "nope.yaml") + ": no such file or directory"},
		{"bad upstream", []string{"-upstream", "localhost"}, `-upstream "localhost": want host:port`},
		{"missing wasm", []string{"-wasm", filepath.Join(dir, "p.wasm")}, "open " + filepath.Join(dir, "p.wasm") + ": no such file or directory (build it with 'make build')"},
		{"stray argument", []string{"demo"}, `unexpected argument "demo" (flags only; see -h)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(tc.args, &out, &out)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("run %v = %v\nwant %s", tc.args, err, tc.want)
			}
		})
	}
}

const weatherConfig = `server:
  name: weather
  securitySchemes:
  - {id: user, type: http, scheme: bearer}
tools:
- name: my_alerts
  description: The caller's alerts.
  security: {id: user, passthrough: true}
  requestTemplate: {url: 'http://weather.internal/v1/alerts', method: GET, security: {id: user}}
- name: forecast
  description: Forecast for a city.
  args:
  - {name: city, type: string, required: true}
  - {name: days, type: integer, required: true}
  - {name: units, type: string, enum: [metric, imperial], required: true}
  - {name: detail, type: boolean}
  requestTemplate: {url: 'http://weather.internal/v1/forecast', method: GET, argsToUrlParam: true}
`

// TestConfigBanner: with -config the banner lists the configured tools and a ready call of the
// first tool that needs no client credential, with its required arguments.
func TestConfigBanner(t *testing.T) {
	path := filepath.Join(t.TempDir(), "weather.yaml")
	if err := os.WriteFile(path, []byte(weatherConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	pc, err := loadPluginConfig(path, false)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	d := &demo.Demo{MCPURL: "http://127.0.0.1:18080/mcp", BackendURL: "http://127.0.0.1:9000"}
	printConfigBanner(&out, d, pc, options{config: path, upstream: "127.0.0.1:9000"})
	want := `mcp-rest-bridge is running (plugin in a local gateway)

  MCP endpoint:  http://127.0.0.1:18080/mcp
  config:        ` + path + `
  backend:       http://127.0.0.1:9000 (every tool call is forwarded there)

Tools (2): my_alerts, forecast

List them:
  npx @modelcontextprotocol/inspector@2.12.0 --cli http://127.0.0.1:18080/mcp --transport http --method tools/list

Call forecast with MCP Inspector (CLI):
  npx @modelcontextprotocol/inspector@2.12.0 --cli http://127.0.0.1:18080/mcp --transport http --method tools/call --tool-name forecast --tool-arg 'city=example' --tool-arg 'days=1' --tool-arg 'units=metric'

The same with curl (legacy era, no initialize needed):
  curl -s http://127.0.0.1:18080/mcp -H 'content-type: application/json' -H 'mcp-protocol-version: 2025-11-25' -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"forecast","arguments":{"city":"example","days":1,"units":"metric"}}}'

Press Ctrl-C to stop.
`
	if out.String() != want {
		t.Fatalf("banner:\n%s\nwant:\n%s", out.String(), want)
	}
	if strings.Contains(out.String(), "demo-alice-token") {
		t.Fatal("the banner of a user config advertises the demo token")
	}
}

func TestExampleCallNeedingACredential(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alerts.yaml")
	only := weatherConfig[:strings.Index(weatherConfig, "- name: forecast")]
	if err := os.WriteFile(path, []byte(only), 0o644); err != nil {
		t.Fatal(err)
	}
	pc, err := loadPluginConfig(path, false)
	if err != nil {
		t.Fatal(err)
	}
	ex := exampleCall(pc.cfg)
	if ex.tool != "my_alerts" || ex.header != "authorization" || len(ex.args) != 0 {
		t.Fatalf("exampleCall = %+v", ex)
	}
	want := `curl -s U -H 'content-type: application/json' -H 'mcp-protocol-version: 2025-11-25' -H 'authorization: <your credential>' ` +
		`-d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"my_alerts","arguments":{}}}'`
	if got := ex.curl("U"); got != want {
		t.Fatalf("curl:\n%s\nwant\n%s", got, want)
	}
}
