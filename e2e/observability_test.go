package e2e_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/demo"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/e2e/examples"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/audit"
)

// TestMetricsAndAudit: through the real .wasm in the local gateway, the Go SDK's calls move
// the plugin's counters, which the gateway's admin /stats lists as Envoy's does, and, with
// bridge.audit, each tool call leaves one parseable audit line without any secret.
func TestMetricsAndAudit(t *testing.T) {
	cfg := bytes.Replace(examples.DemoYAML, []byte("\nbridge:\n"), []byte("\nbridge:\n  audit: true\n"), 1)
	d := startDemo(t, demo.Options{ConfigYAML: cfg})
	cs, _ := connect(t, d.MCPURL, legacy, nil)
	if res, err := callTool(t, cs, "list_pets", map[string]any{"species": "cat"}); err != nil || res.IsError {
		t.Fatalf("list_pets = %+v, %v", res, err)
	}
	if _, err := callTool(t, cs, "list_my_orders", nil); err == nil {
		t.Fatal("list_my_orders without a token succeeded")
	}

	admin := httptest.NewServer(d.Gateway.StatsHandler())
	defer admin.Close()
	resp, err := http.Get(admin.URL + "/stats?filter=mcp_rest_bridge")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	stats := string(body)
	for _, want := range []string{
		"wasmcustom.mcp_rest_bridge.method.initialize.outcome.ok.requests: 1\n",
		"wasmcustom.mcp_rest_bridge.method.notifications_initialized.outcome.ok.requests: 1\n",
		"wasmcustom.mcp_rest_bridge.method.tools_call.outcome.ok.requests: 1\n",
		"wasmcustom.mcp_rest_bridge.method.tools_call.outcome.error.requests: 1\n",
		"wasmcustom.mcp_rest_bridge.tool.list_pets.outcome.ok.tool_calls: 1\n",
		"wasmcustom.mcp_rest_bridge.tool.list_my_orders.outcome.credential_refused.tool_calls: 1\n",
		"wasmcustom.mcp_rest_bridge.reason.missing_credential.auth_failures: 1\n",
		"wasmcustom.mcp_rest_bridge.tool.get_pet.outcome.ok.tool_calls: 0\n",
	} {
		if !strings.Contains(stats, want) {
			t.Errorf("/stats lacks %q", want)
		}
	}

	var lines []map[string]any
	for _, e := range d.Gateway.Logs() {
		i := strings.Index(e.Msg, audit.Prefix)
		if i < 0 {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(e.Msg[i+len(audit.Prefix):]), &m); err != nil || e.Level != "info" {
			t.Fatalf("audit line %s %q: %v", e.Level, e.Msg, err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 2 || lines[0]["tool"] != "list_pets" || lines[0]["outcome"] != "ok" || lines[0]["upstream_status"] != 200.0 ||
		lines[1]["tool"] != "list_my_orders" || lines[1]["outcome"] != "credential_refused" || lines[1]["upstream_status"] != 0.0 {
		t.Errorf("audit lines %v", lines)
	}
	assertNoSecretsInLogs(t, d)
}
