package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const modernMeta = `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}`

// protocolCase is one HTTP exchange answered by the plugin itself.
type protocolCase struct {
	name    string
	headers [][2]string
	body    string
	status  uint32
	code    int64  // JSON-RPC error code, 0 for a result
	id      string // raw JSON id expected in the response ("" = no body check)
	check   func(t *testing.T, body []byte)
}

func protocolCases() []protocolCase {
	get := withHeader(legacyHeaders(), ":method", "GET")
	del := withHeader(legacyHeaders(), ":method", "DELETE")
	textPlain := withHeader(legacyHeaders(), "content-type", "text/plain")
	return []protocolCase{
		{name: "GET is 405", headers: get, status: 405},
		{name: "DELETE is 405", headers: del, status: 405},
		{name: "foreign origin is 403", headers: legacyHeaders([2]string{"origin", "https://evil.example"}),
			body: `{"jsonrpc":"2.0","id":1,"method":"ping"}`, status: 403, code: -32600, id: "null"},
		{name: "allowed origin passes", headers: legacyHeaders([2]string{"origin", "https://app.example.com"}),
			body: `{"jsonrpc":"2.0","id":1,"method":"ping"}`, status: 200, id: "1"},
		{name: "wrong content type is 415", headers: textPlain, body: `{}`, status: 415, code: -32600, id: "null"},
		{name: "declared oversized body is 413", headers: legacyHeaders([2]string{"content-length", "99999999"}),
			body: `{}`, status: 413, code: -32600, id: "null"},
		{name: "invalid JSON is -32700", headers: legacyHeaders(), body: `{"jsonrpc":"2.0",`, status: 400, code: -32700, id: "null"},
		{name: "batch is -32600", headers: legacyHeaders(), body: `[{"jsonrpc":"2.0","id":1,"method":"ping"}]`, status: 400, code: -32600, id: "null"},
		{name: "wrong jsonrpc version is -32600", headers: legacyHeaders(), body: `{"jsonrpc":"1.0","id":7,"method":"ping"}`, status: 400, code: -32600, id: "7"},
		{name: "unknown method is -32601", headers: legacyHeaders(), body: `{"jsonrpc":"2.0","id":"a-1","method":"resources/list"}`, status: 200, code: -32601, id: `"a-1"`},
		{name: "unknown tool is -32602", headers: legacyHeaders(),
			body: `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"drop_tables","arguments":{}}}`, status: 200, code: -32602, id: "3"},
		{name: "arguments not an object is -32602", headers: legacyHeaders(),
			body: `{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_pet","arguments":[1]}}`, status: 200, code: -32602, id: "4"},
		{name: "initialized notification is 202", headers: legacyHeaders(), body: `{"jsonrpc":"2.0","method":"notifications/initialized"}`, status: 202},
		{name: "initialize echoes a supported legacy version", headers: legacyHeaders(),
			body:   `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`,
			status: 200, id: "1", check: func(t *testing.T, body []byte) {
				require.Equal(t, "2025-06-18", jsonField(t, body, "result.protocolVersion").String())
				require.Equal(t, "bridge-test", jsonField(t, body, "result.serverInfo.name").String())
				require.True(t, jsonField(t, body, "result.capabilities.tools").IsObject())
			}},
		{name: "initialize offers the newest legacy version for an unknown one", headers: legacyHeaders(),
			body:   `{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"1999-01-01","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`,
			status: 200, id: "2", check: func(t *testing.T, body []byte) {
				require.Equal(t, "2025-11-25", jsonField(t, body, "result.protocolVersion").String())
			}},
		{name: "ping answers an empty result", headers: legacyHeaders(), body: `{"jsonrpc":"2.0","id":9,"method":"ping"}`,
			status: 200, id: "9", check: func(t *testing.T, body []byte) {
				require.Equal(t, "{}", jsonField(t, body, "result").Raw)
			}},
		{name: "legacy tools/list in configured order", headers: legacyHeaders(), body: `{"jsonrpc":"2.0","id":5,"method":"tools/list"}`,
			status: 200, id: "5", check: func(t *testing.T, body []byte) {
				require.Equal(t, configuredToolNames, toolNames(t, body))
				require.Equal(t, `["petId"]`, jsonField(t, body, `result.tools.0.inputSchema.required`).Raw)
				require.Equal(t, "string", jsonField(t, body, `result.tools.0.inputSchema.properties.petId.type`).String())
				require.Equal(t, "Pet id", jsonField(t, body, `result.tools.0.inputSchema.properties.petId.description`).String())
				require.Equal(t, `["free","pro"]`, jsonField(t, body, `result.tools.3.inputSchema.properties.plan.enum`).Raw)
				require.Equal(t, "10", jsonField(t, body, `result.tools.1.inputSchema.properties.limit.default`).Raw)
				require.Equal(t, "object", jsonField(t, body, `result.tools.2.outputSchema.type`).String())
			}},
		{name: "x-envoy-allow-mcp-tools narrows tools/list", headers: legacyHeaders([2]string{"x-envoy-allow-mcp-tools", "search_notes, region_info"}),
			body: `{"jsonrpc":"2.0","id":6,"method":"tools/list"}`, status: 200, id: "6", check: func(t *testing.T, body []byte) {
				require.Equal(t, []string{"search_notes", "region_info"}, toolNames(t, body))
			}},
		{name: "x-envoy-allow-mcp-tools refuses other tools", headers: legacyHeaders([2]string{"x-envoy-allow-mcp-tools", "region_info"}),
			body: `{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"get_pet","arguments":{"petId":"1"}}}`, status: 200, code: -32602, id: "8"},
		{name: "modern server/discover", headers: modernHeaders("server/discover", ""),
			body: `{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{` + modernMeta + `}}`, status: 200, id: "1",
			check: func(t *testing.T, body []byte) {
				require.Equal(t, "complete", jsonField(t, body, "result.resultType").String())
				require.Contains(t, jsonField(t, body, "result.supportedVersions").Raw, `"2026-07-28"`)
			}},
		{name: "modern tools/list carries ttlMs and cacheScope", headers: modernHeaders("tools/list", ""),
			body: `{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{` + modernMeta + `}}`, status: 200, id: "2",
			check: func(t *testing.T, body []byte) {
				require.Equal(t, configuredToolNames, toolNames(t, body))
				require.Equal(t, "complete", jsonField(t, body, "result.resultType").String())
				require.Equal(t, int64(300000), jsonField(t, body, "result.ttlMs").Int())
				require.NotEmpty(t, jsonField(t, body, "result.cacheScope").String())
			}},
		{name: "modern Mcp-Method disagreeing with the body is -32020", headers: modernHeaders("tools/list", ""),
			body:   `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"region_info","arguments":{"city":"Oslo"},` + modernMeta + `}}`,
			status: 400, code: -32020, id: "3"},
		{name: "modern Mcp-Name disagreeing with the body is -32020", headers: modernHeaders("tools/call", "get_pet"),
			body:   `{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"region_info","arguments":{"city":"Oslo"},` + modernMeta + `}}`,
			status: 400, code: -32020, id: "4"},
		{name: "unsupported version is -32022 with the supported list", headers: withHeader(modernHeaders("tools/list", ""), "mcp-protocol-version", "2031-01-01"),
			body:   `{"jsonrpc":"2.0","id":5,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2031-01-01","io.modelcontextprotocol/clientCapabilities":{}}}}`,
			status: 400, code: -32022, id: "5", check: func(t *testing.T, body []byte) {
				require.Contains(t, jsonField(t, body, "error.data.supported").Raw, `"2025-11-25"`)
			}},
	}
}

var configuredToolNames = []string{"get_pet", "search_notes", "create_note", "subscribe", "tag_note", "my_profile",
	"my_files", "my_inbox", "my_calendar", "my_ledger", "export_report", "region_info"}

func toolNames(t *testing.T, body []byte) []string {
	var names []string
	for _, n := range jsonField(t, body, "result.tools.#.name").Array() {
		names = append(names, n.String())
	}
	return names
}

// TestProtocol runs every locally answered exchange in Go mode and through
// the real .wasm.
func groupProtocol(t *testing.T) {
	cfg := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	func(t *testing.T) {
		for _, tc := range protocolCases() {
			t.Run(tc.name, func(t *testing.T) {
				host := mustStart(t, cfg)
				post(host, tc.headers, tc.body)
				lr := localResponse(t, host)
				require.Equal(t, tc.status, lr.StatusCode, "body: %s", lr.Data)
				switch tc.status {
				case 405:
					allow, _ := header(lr.Headers, "allow")
					require.Equal(t, "POST", allow)
					return
				case 202:
					require.Empty(t, lr.Data)
					return
				}
				ct, _ := header(lr.Headers, "content-type")
				require.Equal(t, "application/json", ct)
				require.Equal(t, "2.0", jsonField(t, lr.Data, "jsonrpc").String())
				if tc.id != "" {
					require.Equal(t, tc.id, jsonField(t, lr.Data, "id").Raw)
				}
				if tc.code != 0 {
					require.Equal(t, tc.code, jsonField(t, lr.Data, "error.code").Int(), "body: %s", lr.Data)
					require.False(t, jsonField(t, lr.Data, "result").Exists())
				} else {
					require.True(t, jsonField(t, lr.Data, "result").Exists(), "body: %s", lr.Data)
				}
				if tc.check != nil {
					tc.check(t, lr.Data)
				}
			})
		}
	}(t)
}

// TestOversizedBodyWithoutContentLength is refused in the body phase.
func groupOversizedBodyWithoutContentLength(t *testing.T) {
	cfg := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	small := setConfig(t, cfg, "bridge.maxRequestBodyBytes", 1024)
	func(t *testing.T) {
		host := mustStart(t, small)
		post(host, legacyHeaders(), `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"region_info","arguments":{"city":"`+strings.Repeat("x", 1100)+`"}}}`)
		lr := localResponse(t, host)
		require.Equal(t, uint32(413), lr.StatusCode)
		require.Equal(t, int64(-32600), jsonField(t, lr.Data, "error.code").Int())
	}(t)
}

// groupAllowTools: allowTools in the config restricts both list and call.
func groupAllowTools(t *testing.T) {
	cfg := setConfig(t, loadYAMLConfig(t, testdataPath("bridge.yaml")), "allowTools", []string{"get_pet", "region_info"})
	t.Run("list", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(), `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
		require.Equal(t, []string{"get_pet", "region_info"}, toolNames(t, localResponse(t, host).Data))
	})
	t.Run("call outside the list", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(), `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"subscribe","arguments":{"email":"a@b.c"}}}`)
		require.Equal(t, int64(-32602), jsonField(t, localResponse(t, host).Data, "error.code").Int())
	})
	t.Run("header cannot widen the list", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders([2]string{"x-envoy-allow-mcp-tools", "subscribe,region_info"}), `{"jsonrpc":"2.0","id":3,"method":"tools/list"}`)
		require.Equal(t, []string{"region_info"}, toolNames(t, localResponse(t, host).Data))
	})
}
