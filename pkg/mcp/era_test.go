package mcp

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tidwall/gjson"
)

const (
	fVersion = `params._meta[\"io.modelcontextprotocol/protocolVersion\"]`
	fCaps    = `params._meta[\"io.modelcontextprotocol/clientCapabilities\"]`
)

// rawErr is errJSON for messages already JSON-escaped.
func rawErr(id, code, escaped string) string {
	return `{"jsonrpc":"2.0","id":` + id + `,"error":{"code":` + code + `,"message":"` + escaped + `"}}`
}

func unsupported(id, requested string) string {
	return `{"jsonrpc":"2.0","id":` + id + `,"error":{"code":-32022,"message":"Unsupported protocol version",` +
		`"data":{"supported":` + supportedJSON + `,"requested":"` + requested + `"}}}`
}

func TestHandleModernHeaderChecks(t *testing.T) {
	list := modernBody("1", MethodToolsList, "")
	call := modernBody("2", MethodToolsCall, `,"name":"search","arguments":{"q":"x"}`)
	mismatch := func(name string, h Headers, body, method, msg string) handleCase {
		id := gjson.Get(body, "id").Raw
		return handleCase{name: name, h: h, body: body, kind: Reply, status: 400, code: CodeHeaderMismatch,
			method: method, want: rawErr(id, cHeader, "Header mismatch: "+msg)}
	}
	dupHeaders := Headers{}
	dupHeaders.Add("mcp-protocol-version", Version20260728)
	dupHeaders.Add("MCP-METHOD", MethodToolsList)
	dupHeaders.Add("Mcp-Method", MethodToolsList)
	runHandleCases(t, []handleCase{
		{name: "tools/list ok", h: mh(MethodToolsList, ""), body: list, kind: Reply, status: 200,
			method: MethodToolsList, golden: "tools_list_modern"},
		mismatch("missing version header", Headers{Method: MethodToolsList}, list, MethodToolsList,
			"missing MCP-Protocol-Version header"),
		mismatch("version header differs from body", Headers{ProtocolVersion: Version20251125, Method: MethodToolsList}, list,
			MethodToolsList, "MCP-Protocol-Version header does not match "+fVersion),
		mismatch("missing method header", Headers{ProtocolVersion: Version20260728}, list, MethodToolsList,
			"missing Mcp-Method header"),
		mismatch("differing method header", mh(MethodToolsCall, "search"), list, MethodToolsList,
			"Mcp-Method header does not match the request method"),
		mismatch("method header differs in case", mh("Tools/List", ""), list, MethodToolsList,
			"Mcp-Method header does not match the request method"),
		mismatch("duplicate method header", dupHeaders, list, MethodToolsList, "duplicate Mcp-Method header"),
		mismatch("missing name header", mh(MethodToolsCall, ""), call, MethodToolsCall, "missing Mcp-Name header"),
		mismatch("differing name header", mh(MethodToolsCall, "get_weather"), call, MethodToolsCall,
			"Mcp-Name header does not match params.name"),
		mismatch("name header with newline", mh(MethodToolsCall, "search\n"), call, MethodToolsCall,
			"Mcp-Name header is not a valid header value"),
		mismatch("name header bad base64", mh(MethodToolsCall, "=?base64?***?="), call, MethodToolsCall,
			"Mcp-Name header is not a valid header value"),
		mismatch("discover without any version", Headers{}, `{"jsonrpc":"2.0","id":3,"method":"server/discover"}`,
			MethodDiscover, "missing MCP-Protocol-Version header"),
		{name: "name header base64 sentinel", h: mh(MethodToolsCall, "=?base64?c2VhcmNo?="), body: call, kind: ToolCall,
			method: MethodToolsCall, argsRaw: `{"q":"x"}`,
			call: &Call{ID: []byte("2"), Era: Modern, Version: Version20260728, Tool: "search", ToolIndex: 1}},
		{name: "name header base64 unpadded", h: mh(MethodToolsCall, "=?base64?Z2V0X3dlYXRoZXI?="),
			body: modernBody("3", MethodToolsCall, `,"name":"get_weather","arguments":{"city":"Paris"}`), kind: ToolCall,
			method: MethodToolsCall, argsRaw: `{"city":"Paris"}`,
			call: &Call{ID: []byte("3"), Era: Modern, Version: Version20260728, Tool: "get_weather", ToolIndex: 0}},
	})
}

func TestHandleVersionSelection(t *testing.T) {
	legacyList := `{"jsonrpc":"2.0","id":9,"method":"tools/list"}`
	badParams := func(name string, h Headers, body, msg string) handleCase {
		return handleCase{name: name, h: h, body: body, kind: Reply, status: 400, code: CodeInvalidParams,
			method: gjson.Get(body, "method").Str, want: rawErr(gjson.Get(body, "id").Raw, cParams, "Invalid params: "+msg)}
	}
	runHandleCases(t, []handleCase{
		{name: "unsupported version in body and header", h: Headers{ProtocolVersion: "1999-01-01", Method: MethodToolsList},
			body: strings.Replace(modernBody(`"u"`, MethodToolsList, ""), Version20260728, "1999-01-01", 1),
			kind: Reply, status: 400, code: CodeUnsupportedVersion, method: MethodToolsList, want: unsupported(`"u"`, "1999-01-01")},
		{name: "unsupported version in body only", body: strings.Replace(modernBody("4", MethodToolsList, ""), Version20260728, "2099-01-01", 1),
			kind: Reply, status: 400, code: CodeUnsupportedVersion, method: MethodToolsList, want: unsupported("4", "2099-01-01")},
		{name: "unsupported version header on legacy request", h: Headers{ProtocolVersion: "2030-01-01"}, body: legacyList,
			kind: Reply, status: 400, code: CodeUnsupportedVersion, method: MethodToolsList, want: unsupported("9", "2030-01-01")},
		{name: "header value that is not a version is not echoed", h: Headers{ProtocolVersion: "Bearer abc def"}, body: legacyList,
			kind: Reply, status: 400, code: CodeUnsupportedVersion, method: MethodToolsList, want: unsupported("9", "(not a version)")},
		badParams("modern header without _meta", mh(MethodToolsList, ""), legacyList, "missing "+fVersion),
		badParams("missing client capabilities", mh(MethodToolsList, ""),
			`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}`,
			"missing "+fCaps),
		badParams("client capabilities not an object", mh(MethodToolsList, ""),
			`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":[]}}}`,
			fCaps+" must be an object"),
		badParams("version not a string", mh(MethodToolsList, ""),
			`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":20260728}}}`,
			fVersion+" must be a string"),
		badParams("duplicate _meta key", mh(MethodToolsList, ""),
			`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/protocolVersion":"2025-11-25"}}}`,
			`duplicate \"io.modelcontextprotocol/protocolVersion\" member in params._meta`),
		badParams("duplicate params member", Headers{},
			`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","name":"admin_reset"}}`,
			`duplicate \"name\" member`),
		{name: "legacy version in _meta is served as legacy", body: strings.Replace(modernBody("5", MethodToolsList, ""), Version20260728, Version20251125, 1),
			kind: Reply, status: 200, method: MethodToolsList, golden: "tools_list_legacy_id5"},
		{name: "legacy header, no version in body", h: Headers{ProtocolVersion: Version20250618}, body: legacyList,
			kind: Reply, status: 200, method: MethodToolsList, golden: "tools_list_legacy"},
		{name: "no version at all is legacy", body: legacyList, kind: Reply, status: 200, method: MethodToolsList, golden: "tools_list_legacy"},
	})
}

func TestHandleMethodAvailabilityPerEra(t *testing.T) {
	notFound := func(name string, h Headers, body string, status int, method, msg string) handleCase {
		return handleCase{name: name, h: h, body: body, kind: Reply, status: status, code: CodeMethodNotFound, method: method,
			want: errJSON(gjson.Get(body, "id").Raw, cNoMeth, msg)}
	}
	long := strings.Repeat("x", 300)
	runHandleCases(t, []handleCase{
		notFound("initialize under modern", mh(MethodInitialize, ""), modernBody("1", MethodInitialize, `,"protocolVersion":"2025-11-25"`),
			404, MethodInitialize, "Method not found: initialize"),
		notFound("ping under modern", mh(MethodPing, ""), modernBody("1", MethodPing, ""), 404, MethodPing, "Method not found: ping"),
		notFound("unknown under modern", mh("resources/list", ""), modernBody("1", "resources/list", ""), 404, "", "Method not found: resources/list"),
		notFound("discover under legacy", Headers{ProtocolVersion: Version20251125}, `{"jsonrpc":"2.0","id":2,"method":"server/discover"}`,
			200, MethodDiscover, "Method not found: server/discover"),
		notFound("unknown under legacy", Headers{}, `{"jsonrpc":"2.0","id":2,"method":"prompts/list"}`, 200, "", "Method not found: prompts/list"),
		notFound("initialized sent as a request", Headers{}, `{"jsonrpc":"2.0","id":2,"method":"notifications/initialized"}`,
			200, NotificationInitialized, "Method not found: notifications/initialized"),
		notFound("long method is capped", Headers{}, `{"jsonrpc":"2.0","id":2,"method":"`+long+`"}`, 200, "",
			"Method not found: "+long[:maxEcho]+"..."),
		{name: "discover", h: mh(MethodDiscover, ""), body: modernBody(`"d-1"`, MethodDiscover, ""), kind: Reply, status: 200,
			method: MethodDiscover, golden: "discover"},
	})
}

func TestEcho(t *testing.T) {
	assert.Equal(t, "abc", echo("abc"))
	s := strings.Repeat("a", maxEcho-1) + "é" // é straddles the cut
	assert.Equal(t, strings.Repeat("a", maxEcho-1)+"...", echo(s))
}

func TestHandleLegacyMirroredHeaders(t *testing.T) {
	call := `{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"get_weather","arguments":{"region":"eu"}}}`
	lh := func(method, name string, params ...[2]string) Headers {
		return Headers{ProtocolVersion: Version20251125, Method: method, Name: name, Params: params}
	}
	okCall := func(name string, h Headers) handleCase {
		return handleCase{name: name, h: h, body: call, kind: ToolCall, method: MethodToolsCall, argsRaw: `{"region":"eu"}`,
			call: &Call{ID: []byte("6"), Era: Legacy, Version: Version20251125, Tool: "get_weather", ToolIndex: 0}}
	}
	bad := func(name string, h Headers, body, method, msg string) handleCase {
		return handleCase{name: name, h: h, body: body, kind: Reply, status: 400, code: CodeHeaderMismatch, method: method,
			want: errJSON(gjson.Get(body, "id").Raw, cHeader, "Header mismatch: "+msg)}
	}
	runHandleCases(t, []handleCase{
		okCall("no mirrored headers needed", lh("", "")),
		okCall("matching mirrored headers", lh(MethodToolsCall, "get_weather", [2]string{"Mcp-Param-Region", "eu"})),
		bad("method header differs", lh(MethodToolsList, ""), call, MethodToolsCall, "Mcp-Method header does not match the request method"),
		bad("name header differs", lh("", "search"), call, MethodToolsCall, "Mcp-Name header does not match params.name"),
		bad("param header differs", lh("", "", [2]string{"Mcp-Param-Region", "us"}), call, MethodToolsCall,
			"Mcp-Param-Region header does not match params.arguments.region"),
		bad("method header on list differs", lh(MethodToolsCall, ""), `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, MethodToolsList,
			"Mcp-Method header does not match the request method"),
		bad("method header on initialize differs", Headers{Method: MethodToolsCall}, initBody(Version20250618), MethodInitialize,
			"Mcp-Method header does not match the request method"),
	})
}
