// Package deploy_test validates the deployment files (e2e/envoy, e2e/higress, the Dockerfiles)
// statically, since no Envoy or Docker engine runs here: every file parses strictly, references
// what exists, and every plugin configuration in them is accepted by config.Parse and by the real
// plugin at start (proxy_on_configure in the local gateway's emulator).
package deploy_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/examples"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/gateway"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/internal/pluginbuild"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
	"sigs.k8s.io/yaml"
)

var pluginWasm []byte

func TestMain(m *testing.M) {
	var err error
	if pluginWasm, err = pluginbuild.Wasm("../.."); err != nil {
		fmt.Fprintln(os.Stderr, "deploy:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// repo resolves a path relative to the repository root.
func repo(parts ...string) string {
	abs, err := filepath.Abs(filepath.Join(append([]string{"..", ".."}, parts...)...))
	if err != nil {
		panic(err)
	}
	return abs
}

func readYAMLAsJSON(t *testing.T, path string) []byte {
	t.Helper()
	y, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	j, err := yaml.YAMLToJSON(y)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return j
}

// demoJSON is examples/demo.yaml as canonical JSON.
func demoJSON(t *testing.T) []byte {
	t.Helper()
	j, err := yaml.YAMLToJSON(examples.DemoYAML)
	if err != nil {
		t.Fatal(err)
	}
	return canonical(t, j)
}

// canonical re-encodes JSON with sorted keys, so equal documents compare equal.
func canonical(t *testing.T, j []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(j, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// envFor returns the demo secrets for the declared variable names only, and fails if the plugin
// config references a variable that is not declared (it would be missing at runtime).
func envFor(t *testing.T, pluginConfig []byte, declared []string) map[string]string {
	t.Helper()
	secrets := examples.Secrets()
	env := map[string]string{}
	for _, name := range declared {
		v, ok := secrets[name]
		if !ok {
			t.Errorf("declared variable %s is not a demo secret", name)
		}
		env[name] = v
	}
	for _, m := range envRef.FindAllStringSubmatch(string(pluginConfig), -1) {
		if _, ok := env[m[1]]; !ok {
			t.Errorf("the plugin config references ${%s}, which the deployment does not pass to the VM (declared: %v)", m[1], declared)
		}
	}
	return env
}

// parseConfig runs a plugin configuration through the root module's config.Parse.
func parseConfig(t *testing.T, pluginConfig []byte, env map[string]string) *config.Config {
	t.Helper()
	c, err := config.Parse(pluginConfig, func(name string) (string, bool) { v, ok := env[name]; return v, ok })
	if err != nil {
		t.Fatalf("config.Parse: %v", err)
	}
	return c
}

// startPlugin starts the real plugin on a configuration (proxy_on_vm_start, proxy_on_configure)
// in the local gateway. The caller closes it (one gateway per process at a time).
func startPlugin(t *testing.T, pluginConfig []byte, env map[string]string, routes ...gateway.Route) (*gateway.Gateway, error) {
	t.Helper()
	if len(routes) == 0 {
		routes = []gateway.Route{{Name: "mcp", Prefix: "/", Cluster: "petstore"}}
	}
	g, err := gateway.New(gateway.Config{
		Wasm: pluginWasm, PluginConfig: pluginConfig, Env: env, PluginLogLevel: "trace",
		Clusters:            map[string]gateway.Cluster{"petstore": {Address: "127.0.0.1:1"}},
		Routes:              routes,
		CompilationCacheDir: gateway.DefaultCompilationCacheDir(),
	})
	return g, err
}

// toolsList asks the gateway for tools/list (legacy era) and returns the tool names, or nil if
// the request did not get a JSON-RPC answer from the plugin.
func toolsList(t *testing.T, g *gateway.Gateway, path, host string) []string {
	t.Helper()
	srv := httptest.NewServer(g)
	defer srv.Close()
	req, err := http.NewRequest("POST", srv.URL+path, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("MCP-Protocol-Version", "2025-11-25")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out struct {
		Result struct{ Tools []struct{ Name string } }
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &out) != nil || out.Result.Tools == nil {
		return nil
	}
	var names []string
	for _, tool := range out.Result.Tools {
		names = append(names, tool.Name)
	}
	return names
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
