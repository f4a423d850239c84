package mcp

import (
	"strings"
	"testing"
)

func initBody(version string) string {
	return `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"` + version +
		`","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}`
}

func initResult(version string) string {
	return `{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"` + version + `",` +
		`"capabilities":{"tools":{"listChanged":false}},` +
		`"serverInfo":{"name":"weather-bridge","version":"1.2.3","title":"Weather Bridge"},` +
		`"instructions":"Weather tools over REST."}}`
}

func TestHandleInitializeNegotiation(t *testing.T) {
	negotiated := func(name, asked, answered string) handleCase {
		return handleCase{name: name, body: initBody(asked), kind: Reply, status: 200, method: MethodInitialize, want: initResult(answered)}
	}
	runHandleCases(t, []handleCase{
		negotiated("2025-11-25 echoed", Version20251125, Version20251125),
		negotiated("2025-06-18 echoed", Version20250618, Version20250618),
		negotiated("2025-03-26 echoed", Version20250326, Version20250326),
		negotiated("2024-11-05 echoed", Version20241105, Version20241105),
		negotiated("unknown old version gets newest legacy", "2024-01-01", LatestLegacyVersion),
		negotiated("unknown future version gets newest legacy", "2027-01-01", LatestLegacyVersion),
		negotiated("modern version via initialize gets newest legacy", Version20260728, LatestLegacyVersion),
		{name: "legacy header on initialize", h: Headers{ProtocolVersion: Version20250618}, body: initBody(Version20250618),
			kind: Reply, status: 200, method: MethodInitialize, want: initResult(Version20250618)},
		{name: "missing protocolVersion", body: `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`,
			kind: Reply, status: 200, code: CodeInvalidParams, method: MethodInitialize,
			want: errJSON("1", cParams, "Invalid params: initialize requires params.protocolVersion (a string)")},
		{name: "missing params", body: `{"jsonrpc":"2.0","id":1,"method":"initialize"}`,
			kind: Reply, status: 200, code: CodeInvalidParams, method: MethodInitialize,
			want: errJSON("1", cParams, "Invalid params: initialize requires params.protocolVersion (a string)")},
		{name: "protocolVersion number", body: `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":2025}}`,
			kind: Reply, status: 200, code: CodeInvalidParams, method: MethodInitialize,
			want: errJSON("1", cParams, "Invalid params: initialize requires params.protocolVersion (a string)")},
		{name: "ping", body: `{"jsonrpc":"2.0","id":"p","method":"ping"}`, kind: Reply, status: 200, method: MethodPing,
			want: `{"jsonrpc":"2.0","id":"p","result":{}}`},
	})
}

func TestHandleToolsList(t *testing.T) {
	legacy := func(extra string) string {
		return `{"jsonrpc":"2.0","id":9,"method":"tools/list","params":{` + extra + `}}`
	}
	runHandleCases(t, []handleCase{
		{name: "legacy filtered", body: legacy(""), kind: Reply, status: 200, method: MethodToolsList, golden: "tools_list_legacy"},
		{name: "legacy unfiltered", body: legacy(""), all: true, kind: Reply, status: 200, method: MethodToolsList, golden: "tools_list_legacy_all"},
		{name: "unknown cursor", body: legacy(`"cursor":"abc"`), kind: Reply, status: 200, code: CodeInvalidParams,
			method: MethodToolsList, want: errJSON("9", cParams, "Invalid params: unknown cursor")},
		{name: "empty cursor is a cursor", body: legacy(`"cursor":""`), kind: Reply, status: 200, code: CodeInvalidParams,
			method: MethodToolsList, want: errJSON("9", cParams, "Invalid params: unknown cursor")},
		{name: "cursor not a string", body: legacy(`"cursor":1`), kind: Reply, status: 200, code: CodeInvalidParams,
			method: MethodToolsList, want: errJSON("9", cParams, "Invalid params: params.cursor must be a string")},
		{name: "modern unknown cursor", h: mh(MethodToolsList, ""), body: modernBody("9", MethodToolsList, `,"cursor":"abc"`),
			kind: Reply, status: 200, code: CodeInvalidParams, method: MethodToolsList,
			want: errJSON("9", cParams, "Invalid params: unknown cursor")},
	})
}

func TestHandleToolsListEmptyAndPrivate(t *testing.T) {
	opts := testOptions()
	opts.CacheScope = ""
	opts.ToolsTTLMs = 0
	opts.Info.Title, opts.Info.Description = "", ""
	s, err := NewServer(opts, newCatalog(adminEntry))
	if err != nil {
		t.Fatal(err)
	}
	h := mh(MethodToolsList, "")
	out := s.Handle(allowNoAdmin, &h, []byte(modernBody("1", MethodToolsList, "")))
	checkBody(t, handleCase{want: `{"jsonrpc":"2.0","id":1,"result":{"resultType":"complete","tools":[],"ttlMs":0,` +
		`"cacheScope":"private","_meta":{"io.modelcontextprotocol/serverInfo":{"name":"weather-bridge","version":"1.2.3"}}}}`}, out.Body)
}

func TestHandleToolsCall(t *testing.T) {
	legacy := func(id, params string) string {
		return `{"jsonrpc":"2.0","id":` + id + `,"method":"tools/call","params":` + params + `}`
	}
	invalid := func(name, body, msg string) handleCase {
		return handleCase{name: name, body: body, kind: Reply, status: 200, code: CodeInvalidParams, method: MethodToolsCall,
			want: errJSON("7", cParams, msg)}
	}
	call := func(name, id, params, args string, tool string, idx int) handleCase {
		return handleCase{name: name, h: Headers{ProtocolVersion: Version20251125}, body: legacy(id, params), kind: ToolCall,
			method: MethodToolsCall, argsRaw: args,
			call: &Call{ID: []byte(id), Era: Legacy, Version: Version20251125, Tool: tool, ToolIndex: idx}}
	}
	long := strings.Repeat("n", 200)
	runHandleCases(t, []handleCase{
		call("with arguments", `"c-1"`, `{"name":"search","arguments":{"q":"go"}}`, `{"q":"go"}`, "search", 1),
		call("without arguments", "8", `{"name":"search"}`, `{}`, "search", 1),
		call("null arguments", "8", `{"name":"search","arguments":null}`, `{}`, "search", 1),
		call("x-mcp-header args ignored in legacy", "8", `{"name":"get_weather","arguments":{"region":"eu","city":"Oslo"}}`,
			`{"region":"eu","city":"Oslo"}`, "get_weather", 0),
		invalid("unknown tool", legacy("7", `{"name":"nope"}`), "Unknown tool: nope"),
		invalid("refused tool looks unknown", legacy("7", `{"name":"admin_reset"}`), "Unknown tool: admin_reset"),
		invalid("long unknown name capped", legacy("7", `{"name":"`+long+`"}`), "Unknown tool: "+long[:maxEcho]+"..."),
		invalid("name with quotes escaped", legacy("7", `{"name":"a\"b<c>"}`), `Unknown tool: a"b<c>`),
		invalid("missing params", `{"jsonrpc":"2.0","id":7,"method":"tools/call"}`, "Invalid params: tools/call requires params.name (a string)"),
		invalid("missing name", legacy("7", `{}`), "Invalid params: tools/call requires params.name (a string)"),
		invalid("name not a string", legacy("7", `{"name":["search"]}`), "Invalid params: tools/call requires params.name (a string)"),
		invalid("arguments array", legacy("7", `{"name":"search","arguments":[1]}`), "Invalid params: params.arguments must be an object"),
		invalid("arguments string", legacy("7", `{"name":"search","arguments":"q=go"}`), "Invalid params: params.arguments must be an object"),
		{name: "admin allowed when filter is nil", all: true, body: legacy("7", `{"name":"admin_reset"}`), kind: ToolCall,
			method: MethodToolsCall, argsRaw: `{}`,
			call: &Call{ID: []byte("7"), Era: Legacy, Version: AssumedLegacyVersion, Tool: "admin_reset", ToolIndex: 2}},
		{name: "modern call", h: mh(MethodToolsCall, "search"), body: modernBody(`"m"`, MethodToolsCall, `,"name":"search","arguments":{"q":"go"}`),
			kind: ToolCall, method: MethodToolsCall, argsRaw: `{"q":"go"}`,
			call: &Call{ID: []byte(`"m"`), Era: Modern, Version: Version20260728, Tool: "search", ToolIndex: 1}},
		{name: "modern refused tool looks unknown", h: mh(MethodToolsCall, "admin_reset"),
			body: modernBody("7", MethodToolsCall, `,"name":"admin_reset"`), kind: Reply, status: 200, code: CodeInvalidParams,
			method: MethodToolsCall, want: errJSON("7", cParams, "Unknown tool: admin_reset")},
	})
}

// TestHandleLegacyOnly: a legacy-only tool (Higress 2.2 tools[].legacyOnly) is listed and
// called in the legacy era only; the modern era leaves it out of tools/list and answers a
// tools/call of it with a tool execution error, before looking at the arguments.
func TestHandleLegacyOnly(t *testing.T) {
	cat := newCatalog(weatherEntry, searchEntry, adminEntry)
	cat.legacy = map[string]bool{"search": true}
	s, err := NewServer(testOptions(), cat)
	if err != nil {
		t.Fatal(err)
	}
	legacyCall := `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"search","arguments":{"q":"go"}}}`
	legacyOnlyErr := `{"jsonrpc":"2.0","id":3,"result":{"resultType":"complete",` + metaJSON + `,"content":[{"type":"text",` +
		`"text":"Tool \"search\" is legacy-only: it is served only to clients of the initialize-based protocol revisions (2025-11-25 and earlier)"}],` +
		`"isError":true}}`
	cases := []struct {
		name, body, want string
		h                Headers
		kind             OutcomeKind
	}{
		{name: "legacy list keeps it", body: `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, kind: Reply,
			want: `{"jsonrpc":"2.0","id":1,"result":{"tools":[` + weatherEntry + `,` + searchEntry + `]}}`},
		{name: "modern list leaves it out", h: mh(MethodToolsList, ""), body: modernBody("1", MethodToolsList, ""), kind: Reply,
			want: `{"jsonrpc":"2.0","id":1,"result":{"resultType":"complete","tools":[` + weatherEntry + `],"ttlMs":300000,` +
				`"cacheScope":"public",` + metaJSON + `}}`},
		{name: "legacy call runs it", h: Headers{ProtocolVersion: Version20250618}, body: legacyCall, kind: ToolCall},
		{name: "modern call is a tool execution error", h: mh(MethodToolsCall, "search"),
			body: modernBody("3", MethodToolsCall, `,"name":"search","arguments":{"q":"go"}`), kind: Reply, want: legacyOnlyErr},
		{name: "modern call with bad arguments: legacy-only first", h: mh(MethodToolsCall, "search"),
			body: modernBody("3", MethodToolsCall, `,"name":"search","arguments":[1]`), kind: Reply, want: legacyOnlyErr},
		{name: "modern discover does not name it", h: mh(MethodDiscover, ""), body: modernBody("4", MethodDiscover, ""), kind: Reply},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.h
			out := s.Handle(allowNoAdmin, &h, []byte(tc.body))
			if out.Kind != tc.kind {
				t.Fatalf("kind %d, want %d (body %s)", out.Kind, tc.kind, out.Body)
			}
			if tc.kind == ToolCall {
				if out.Call.Tool != "search" || out.Call.ToolIndex != 1 || out.Call.Era != Legacy {
					t.Fatalf("call %+v", out.Call)
				}
				return
			}
			if out.Status != 200 || out.Code != 0 {
				t.Fatalf("status %d code %d", out.Status, out.Code)
			}
			if tc.want == "" {
				if strings.Contains(string(out.Body), "search") {
					t.Fatalf("discover names the legacy-only tool: %s", out.Body)
				}
				return
			}
			checkBody(t, handleCase{want: tc.want}, out.Body)
		})
	}
}
