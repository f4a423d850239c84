package main

import (
	"strings"
	"testing"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/stretchr/testify/require"
)

const configSecret = "cfg-secret-6a0f2c"

// schemes is a server block with a literal secret, so every failure below
// also proves that a failing config never reaches the logs.
const schemes = `"server":{"name":"s","config":{"token":"` + configSecret + `"},"securitySchemes":[` +
	`{"id":"key","type":"apiKey","in":"header","name":"X-API-Key","defaultCredential":"` + configSecret + `"},` +
	`{"id":"user","type":"http","scheme":"basic"}]}`

// TestConfigErrors: a bad configuration fails plugin start with the JSON
// path of the bad field, in both modes, and no secret is logged.
func groupConfigErrors(t *testing.T) {
	cases := []struct{ name, cfg, want string }{
		{"not JSON", `server: {name: s, token: ` + configSecret + `}`, "mcp-rest-bridge: plugin configuration is not valid JSON"},
		{"nested 1M deep", `{"server":{"name":"` + configSecret + `","config":` + strings.Repeat("[", 1_000_000), "mcp-rest-bridge: plugin configuration is nested deeper than 256 levels"},
		{"unknown key", `{` + schemes + `,"tools":[{"name":"t","requestTemplate":{"url":"http://a/b","method":"GET","uri":"x"}}]}`,
			"tools[0].requestTemplate.uri: unknown key"},
		{"bad URL", `{` + schemes + `,"tools":[{"name":"t","requestTemplate":{"url":"ftp://a/b","method":"GET"}}]}`, "tools[0].requestTemplate.url: "},
		{"bad method", `{` + schemes + `,"tools":[{"name":"t","requestTemplate":{"url":"http://a/b","method":"FETCH"}}]}`, "tools[0].requestTemplate.method: "},
		{"template that does not parse", `{` + schemes + `,"tools":[{"name":"t","requestTemplate":{"url":"http://a/b","method":"GET","headers":[{"key":"X-A","value":"{{.args.x"}]}}]}`,
			"tools[0].requestTemplate.headers[0].value: "},
		{"unknown position", `{` + schemes + `,"tools":[{"name":"t","args":[{"name":"a","position":"fragment"}],"requestTemplate":{"url":"http://a/b","method":"GET"}}]}`,
			"tools[0].args[0].position: must be one of"},
		{"duplicate tool", `{` + schemes + `,"tools":[{"name":"t","requestTemplate":{"url":"http://a/b","method":"GET"}},{"name":"t","requestTemplate":{"url":"http://a/c","method":"GET"}}]}`,
			`tools[1].name: duplicate tool name "t"`},
		{"unknown scheme id", `{` + schemes + `,"tools":[{"name":"t","requestTemplate":{"url":"http://a/b","method":"GET","security":{"id":"nope"}}}]}`,
			`tools[0].requestTemplate.security.id: unknown security scheme "nope"`},
		{"passthrough between incompatible forms", `{` + schemes + `,"tools":[{"name":"t","security":{"id":"user","passthrough":true},"requestTemplate":{"url":"http://a/b","method":"GET","security":{"id":"key"}}}]}`,
			"tools[0].requestTemplate.security.id: cannot pass the client's http:basic credential"},
		{"header arg on a credential carrier", `{` + schemes + `,"tools":[{"name":"t","args":[{"name":"X-API-Key","position":"header"}],"requestTemplate":{"url":"http://a/b","method":"GET","security":{"id":"key"}}}]}`,
			`tools[0].args[0]: arg "x-api-key" is sent as header "x-api-key"`},
		{"mcp-proxy server key", `{"server":{"name":"s","transport":"http","mcpServerURL":"https://mcp.example.com/mcp"},"tools":[{"name":"t","requestTemplate":{"url":"http://a/b","method":"GET"}}]}`,
			"server.transport: unknown key: this plugin serves REST tools only"},
		{"mcp-proxy server type", `{"server":{"name":"s","type":"mcp-proxy"},"tools":[{"name":"t","requestTemplate":{"url":"http://a/b","method":"GET"}}]}`,
			"server.type: must be one of: rest (this plugin serves REST tools"},
		{"both server versions", `{"server":{"name":"s","version":"2.0.0"},"bridge":{"serverVersion":"2.0.1"},"tools":[{"name":"t","requestTemplate":{"url":"http://a/b","method":"GET"}}]}`,
			"server.version: set either server.version or bridge.serverVersion, not both"},
		{"credential pasted as a header key", `{` + schemes + `,"tools":[{"name":"t","requestTemplate":{"url":"http://a/b","method":"GET","headers":[{"key":"Authorization: Bearer ` + configSecret + `","value":"x"}]}}]}`,
			"tools[0].requestTemplate.headers[0].key: is not a valid header name"},
		{"credential pasted as a key", `{` + schemes + `,"tools":[{"name":"t","requestTemplate":{"url":"http://a/b","method":"GET","X-API-Key: ` + configSecret + `":true}}]}`,
			"tools[0].requestTemplate.(key not shown): unknown key"},
		{"credential in a URL port", `{` + schemes + `,"tools":[{"name":"t","requestTemplate":{"url":"http://a:` + configSecret + `/b","method":"GET"}}]}`,
			`tools[0].requestTemplate.url: invalid URL: invalid port "…" after host`},
		{"wrong type", `{` + schemes + `,"tools":[{"name":"t","args":[{"name":"a","required":"yes"}],"requestTemplate":{"url":"http://a/b","method":"GET"}}]}`,
			"tools[0].args[0].required: must be a boolean, not a string"},
	}
	func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				host, status := startHost(t, []byte(tc.cfg))
				require.Equal(t, types.OnPluginStartStatusFailed, status)
				logs := strings.Join(allLogs(host), "\n")
				require.Contains(t, logs, tc.want)
				requireNoSecretInLogs(t, host, configSecret)
			})
		}
	}(t)
}

// TestChunkedRequestBody: a body that arrives in several chunks is handled
// once, as a whole, and counted once against the limit.
func groupChunkedRequestBody(t *testing.T) {
	cfg := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	func(t *testing.T) {
		host := mustStart(t, cfg)
		host.CallOnHttpRequestHeaders(legacyHeaders())
		body := `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"region_info","arguments":{"city":"Lyon"}}}`
		third := len(body) / 3
		require.Equal(t, types.ActionPause, host.CallOnHttpStreamingRequestBody([]byte(body[:third]), false))
		require.Equal(t, types.ActionPause, host.CallOnHttpStreamingRequestBody([]byte(body[third:2*third]), false))
		host.CallOnHttpStreamingRequestBody([]byte(body[2*third:]), true)
		lr := localResponse(t, host)
		require.Equal(t, "Lyon is served from eu-west-1", jsonField(t, lr.Data, "result.content.0.text").String())
	}(t)
}
