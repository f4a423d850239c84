package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/test"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/testutil"
)

// Secrets planted by the tests; none may appear in any log line.
const (
	testAPIKey = "hdr-key-9d2f6b1e"
)

// loadYAMLConfig reads a YAML config and returns it as the JSON the gateway
// hands to the plugin.
func loadYAMLConfig(t testing.TB, path string) json.RawMessage {
	t.Helper()
	out, err := testutil.YAMLFileToJSON(path)
	require.NoError(t, err)
	return out
}

// setConfig returns cfg with the JSON value at path replaced.
func setConfig(t testing.TB, cfg json.RawMessage, path string, value any) json.RawMessage {
	t.Helper()
	out, err := sjson.SetBytes(append([]byte(nil), cfg...), path, value)
	require.NoError(t, err)
	return out
}

// startHost starts the plugin with cfg and registers the reset that must run
// even when the start failed (otherwise the next test deadlocks).
func startHost(t *testing.T, cfg json.RawMessage) (test.TestHost, types.OnPluginStartStatus) {
	t.Helper()
	host, status := test.NewTestHost(cfg)
	t.Cleanup(host.Reset)
	return host, status
}

func mustStart(t *testing.T, cfg json.RawMessage) test.TestHost {
	t.Helper()
	host, status := startHost(t, cfg)
	require.Equal(t, types.OnPluginStartStatusOK, status, "plugin start; logs:\n%s", strings.Join(allLogs(host), "\n"))
	return host
}

// mcpHeaders are the headers of a legacy (2025-11-25) Streamable HTTP POST.
func legacyHeaders(extra ...[2]string) [][2]string {
	h := [][2]string{
		{":method", "POST"}, {":path", "/mcp"}, {":authority", "gateway.example.com"}, {":scheme", "https"},
		{"content-type", "application/json"}, {"accept", "application/json, text/event-stream"},
		{"mcp-protocol-version", "2025-11-25"},
	}
	return append(h, extra...)
}

// modernHeaders are the headers of a 2026-07-28 request for method (and name).
func modernHeaders(method, name string, extra ...[2]string) [][2]string {
	h := [][2]string{
		{":method", "POST"}, {":path", "/mcp"}, {":authority", "gateway.example.com"}, {":scheme", "https"},
		{"content-type", "application/json"}, {"accept", "application/json, text/event-stream"},
		{"mcp-protocol-version", "2026-07-28"}, {"mcp-method", method},
	}
	if name != "" {
		h = append(h, [2]string{"mcp-name", name})
	}
	return append(h, extra...)
}

// post sends one request through the request hooks.
func post(host test.TestHost, headers [][2]string, body string) types.Action {
	action := host.CallOnHttpRequestHeaders(headers)
	if host.GetLocalResponse() != nil {
		return action
	}
	return host.CallOnHttpRequestBody([]byte(body))
}

// respond runs a REST response through the response hooks and returns the
// body the client gets.
func respond(t *testing.T, host test.TestHost, status string, headers [][2]string, body string) []byte {
	t.Helper()
	h := append([][2]string{{":status", status}}, headers...)
	host.CallOnHttpResponseHeaders(h, test.WithEndOfStream(body == ""))
	if lr := host.GetLocalResponse(); lr != nil {
		return lr.Data
	}
	host.CallOnHttpResponseBody([]byte(body))
	return host.GetResponseBody()
}

func localResponse(t *testing.T, host test.TestHost) *proxytest.LocalHttpResponse {
	t.Helper()
	lr := host.GetLocalResponse()
	require.NotNil(t, lr, "expected a local response; logs:\n%s", strings.Join(allLogs(host), "\n"))
	return lr
}

func allLogs(host test.TestHost) []string {
	var out []string
	out = append(out, host.GetTraceLogs()...)
	out = append(out, host.GetDebugLogs()...)
	out = append(out, host.GetInfoLogs()...)
	out = append(out, host.GetWarnLogs()...)
	out = append(out, host.GetErrorLogs()...)
	out = append(out, host.GetCriticalLogs()...)
	return out
}

// requireNoSecretInLogs scans the logs of every level for each secret.
func requireNoSecretInLogs(t *testing.T, host test.TestHost, secrets ...string) {
	t.Helper()
	for _, line := range allLogs(host) {
		for _, s := range secrets {
			require.NotContains(t, line, s, "secret leaked into a log line")
		}
	}
}

// withHeader returns headers with name set to value (replaced or added).
func withHeader(headers [][2]string, name, value string) [][2]string {
	out := make([][2]string, 0, len(headers)+1)
	for _, h := range headers {
		if h[0] != name {
			out = append(out, h)
		}
	}
	return append(out, [2]string{name, value})
}

func header(headers [][2]string, name string) (string, bool) {
	for _, h := range headers {
		if strings.EqualFold(h[0], name) {
			return h[1], true
		}
	}
	return "", false
}

func jsonField(t *testing.T, body []byte, path string) gjson.Result {
	t.Helper()
	require.True(t, gjson.ValidBytes(body), "not JSON: %s", body)
	return gjson.GetBytes(body, path)
}

func testdataPath(name string) string { return filepath.Join("testdata", name) }
