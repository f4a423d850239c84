package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

type responseCase struct {
	name    string
	tool    string
	args    string
	status  string
	headers [][2]string
	body    string
	isError bool
	text    string // exact text of content[0]
	check   func(t *testing.T, out []byte)
}

func responseCases() []responseCase {
	backendHeaders := [][2]string{{"content-type", "application/json"}, {"set-cookie", "backend_sid=s3cr3t; HttpOnly"},
		{"www-authenticate", `Bearer realm="notes"`}, {"server", "notes/1.4"}, {"x-internal-trace", "node-7"}}
	long := `{"error":"` + strings.Repeat("x", 2000) + `"}`
	return []responseCase{
		{name: "2xx with prependBody", tool: "get_pet", args: `{"petId":"p1"}`, status: "200", headers: backendHeaders,
			body: `{"id":"p1","name":"Rex"}`, text: "Pet record:\n{\"id\":\"p1\",\"name\":\"Rex\"}"},
		{name: "2xx with outputSchema gives structuredContent", tool: "create_note", args: `{"title":"t"}`, status: "201", headers: backendHeaders,
			body: `{"id":"n-9","title":"t"}`, text: `{"id":"n-9","title":"t"}`, check: func(t *testing.T, out []byte) {
				require.JSONEq(t, `{"id":"n-9","title":"t"}`, jsonField(t, out, "result.structuredContent").Raw)
			}},
		{name: "non-2xx is a tool error with status and excerpt", tool: "get_pet", args: `{"petId":"p404"}`, status: "404", headers: backendHeaders,
			body: `{"error":"no such pet"}`, isError: true, text: `HTTP 404: {"error":"no such pet"}`},
		{name: "long error bodies are cut to the excerpt bound", tool: "get_pet", args: `{"petId":"p500"}`, status: "500", headers: backendHeaders,
			body: long, isError: true, check: func(t *testing.T, out []byte) {
				text := jsonField(t, out, "result.content.0.text").String()
				require.True(t, strings.HasPrefix(text, `HTTP 500: {"error":"xxx`), text)
				require.LessOrEqual(t, len(text), len("HTTP 500: ")+512+len("…"))
			}},
		{name: "204 without body", tool: "subscribe", args: `{"email":"a@b.c"}`, status: "204", headers: nil, body: "", check: func(t *testing.T, out []byte) {
			require.False(t, jsonField(t, out, "result.isError").Bool())
		}},
		{name: "empty body declared by content-length", tool: "subscribe", args: `{"email":"a@b.c"}`, status: "202",
			headers: [][2]string{{"content-length", "0"}}, body: "", check: func(t *testing.T, out []byte) {
				require.False(t, jsonField(t, out, "result.isError").Bool())
			}},
		{name: "compressed body is refused, not passed through", tool: "get_pet", args: `{"petId":"p1"}`, status: "200",
			headers: [][2]string{{"content-type", "application/json"}, {"content-encoding", "gzip"}}, body: "\x1f\x8b", isError: true,
			text: "the REST backend returned HTTP 200 with an encoded or binary body, which cannot be returned as a tool result"},
	}
}

// TestResponseConversion: the REST response becomes a CallToolResult and no
// backend header reaches the MCP client.
func groupResponseConversion(t *testing.T) {
	cfg := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	func(t *testing.T) {
		for _, tc := range responseCases() {
			t.Run(tc.name, func(t *testing.T) {
				host := mustStart(t, cfg)
				post(host, legacyHeaders(), `{"jsonrpc":"2.0","id":21,"method":"tools/call","params":{"name":"`+tc.tool+`","arguments":`+tc.args+`}}`)
				require.Nil(t, host.GetLocalResponse())
				out := respond(t, host, tc.status, tc.headers, tc.body)
				require.Equal(t, "21", jsonField(t, out, "id").Raw, "%s", out)
				require.Equal(t, tc.isError, jsonField(t, out, "result.isError").Bool(), "%s", out)
				if tc.text != "" {
					require.Equal(t, tc.text, jsonField(t, out, "result.content.0.text").String())
				}
				if tc.check != nil {
					tc.check(t, out)
				}
				if lr := host.GetLocalResponse(); lr != nil {
					require.Equal(t, uint32(200), lr.StatusCode)
					require.Equal(t, [][2]string{{"content-type", "application/json"}}, lr.Headers)
					return
				}
				require.Equal(t, [][2]string{{":status", "200"}, {"content-type", "application/json"}}, host.GetResponseHeaders())
			})
		}
	}(t)
}

// TestLocalTool: a tool without requestTemplate answers from its template.
func groupLocalTool(t *testing.T) {
	cfg := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(), `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"region_info","arguments":{"city":"Oslo"}}}`)
		lr := localResponse(t, host)
		require.JSONEq(t, `{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"Oslo is served from eu-west-1"}],"isError":false}}`, string(lr.Data))
	}(t)
}

// TestArgumentValidation: a bad argument is a tool execution error that names
// the argument, not its value, and nothing goes upstream.
func groupArgumentValidation(t *testing.T) {
	cfg := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	func(t *testing.T) {
		for _, tc := range []struct{ name, tool, args, text string }{
			{"enum", "subscribe", `{"email":"x@y.z","plan":"gold-secret-plan"}`, `invalid arguments: "plan" must be one of [free pro]`},
			{"required", "get_pet", `{}`, `invalid arguments: missing required "petId"`},
			{"type", "search_notes", `{"q":"a","limit":"ten-secret"}`, `invalid arguments: "limit" must be an integer`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				host := mustStart(t, cfg)
				post(host, legacyHeaders(), `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"`+tc.tool+`","arguments":`+tc.args+`}}`)
				lr := localResponse(t, host)
				require.True(t, jsonField(t, lr.Data, "result.isError").Bool())
				require.Equal(t, tc.text, jsonField(t, lr.Data, "result.content.0.text").String())
				require.NotContains(t, string(lr.Data), "secret")
			})
		}
	}(t)
}
