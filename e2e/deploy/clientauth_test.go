package deploy_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/gateway"
)

// wellKnown is where MCP clients fetch RFC 9728 metadata for https://mcp.example.com/mcp.
const wellKnown = "/.well-known/oauth-protected-resource"

// clientAuthDemo is the demo config with client authentication added. The demo's
// list_my_orders and place_order pass the client's bearer token through, which clientAuth
// refuses by default (the gateway would hand its own credential to the backend), so this check
// sets the opt-in; it is about the route, not about that rule (docs/client-auth.md).
func clientAuthDemo(t *testing.T, pluginConfig []byte) []byte {
	t.Helper()
	var cfg map[string]any
	if err := json.Unmarshal(pluginConfig, &cfg); err != nil {
		t.Fatal(err)
	}
	bridge, _ := cfg["bridge"].(map[string]any)
	if bridge == nil {
		bridge = map[string]any{}
		cfg["bridge"] = bridge
	}
	bridge["clientAuth"] = map[string]any{
		"apiKeys":                       []map[string]string{{"consumer": "carol", "key": "carol-demo-key-4d2a91c7"}},
		"allowVerifiedTokenPassthrough": true,
		"resourceMetadata": map[string]any{"resource": "https://mcp.example.com/mcp",
			"authorizationServers": []string{"https://idp.example.com"}},
	}
	out, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func get(t *testing.T, g *gateway.Gateway, path string) (int, string) {
	t.Helper()
	srv := httptest.NewServer(g)
	defer srv.Close()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

const wantMetadata = `{"resource":"https://mcp.example.com/mcp","authorization_servers":["https://idp.example.com"],"bearer_methods_supported":["header"]}`

// TestEnvoyWellKnownRoute: envoy.yaml routes the metadata path, and the plugin on that route
// answers it once bridge.clientAuth.resourceMetadata is configured.
func TestEnvoyWellKnownRoute(t *testing.T) {
	p := parseEnvoy(t)
	found := false
	for _, r := range p.routes {
		if r.GetMatch().GetPrefix() == wellKnown && r.GetRoute().GetCluster() == "petstore" {
			found = true
		}
	}
	if !found {
		t.Fatalf("envoy.yaml has no route with prefix %s", wellKnown)
	}
	declared := p.wasm.GetVmConfig().GetEnvironmentVariables().GetHostEnvKeys()
	cfg := clientAuthDemo(t, p.config)
	g, err := startPlugin(t, cfg, envFor(t, p.config, declared),
		gateway.Route{Name: "mcp", Prefix: "/mcp", Cluster: "petstore"},
		gateway.Route{Name: "well-known", Prefix: wellKnown, Cluster: "petstore"})
	if err != nil {
		t.Fatalf("the plugin refused the demo config with clientAuth: %v", err)
	}
	defer g.Close()
	for _, path := range []string{wellKnown, wellKnown + "/mcp"} {
		if status, body := get(t, g, path); status != 200 || body != wantMetadata {
			t.Errorf("GET %s = %d %s", path, status, body)
		}
	}
	if status, _ := get(t, g, wellKnown+"/other"); status != 405 {
		t.Errorf("GET of another resource's metadata = %d, want 405", status)
	}
}

// TestHigressWellKnownPath: the Ingress whose rule enables the plugin also holds the metadata
// path, so the rule's config (with clientAuth) answers it.
func TestHigressWellKnownPath(t *testing.T) {
	ingress, err := os.ReadFile("../higress/ingress.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ingress), "- path: "+wellKnown+"\n        pathType: Prefix") {
		t.Fatalf("ingress.yaml does not route %s (Prefix) in the MCP Ingress", wellKnown)
	}
	wp := loadWasmPlugin(t)
	var rule map[string]any
	if err := json.Unmarshal(wp.Spec.MatchRules[0].Config, &rule); err != nil {
		t.Fatal(err)
	}
	rule["_match_route_"] = wp.Spec.MatchRules[0].Ingress
	one, err := json.Marshal(rule)
	if err != nil {
		t.Fatal(err)
	}
	withAuth := clientAuthDemo(t, one)
	combined := []byte(`{"_rules_":[` + string(withAuth) + `]}`)
	var declared []string
	for _, e := range wp.Spec.VMConfig.Env {
		declared = append(declared, e.Name)
	}
	g, err := startPlugin(t, combined, envFor(t, combined, declared),
		gateway.Route{Name: "default/petstore-mcp", Prefix: "/", Cluster: "petstore"})
	if err != nil {
		t.Fatalf("the plugin refused the rule with clientAuth: %v", err)
	}
	defer g.Close()
	if status, body := get(t, g, wellKnown+"/mcp"); status != 200 || body != wantMetadata {
		t.Errorf("GET %s/mcp = %d %s", wellKnown, status, body)
	}
}
