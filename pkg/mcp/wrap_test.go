package mcp

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWrapResult(t *testing.T) {
	s := newTestServer(t)
	modern := &Call{ID: []byte(`"r-1"`), Era: Modern, Version: Version20260728}
	legacy := &Call{ID: []byte("12"), Era: Legacy, Version: Version20250618}
	const text = `{"content":[{"type":"text","text":"ok"}],"isError":false}`
	cases := []struct {
		name   string
		call   *Call
		result string
		want   string
	}{
		{"legacy passes through", legacy, text, `{"jsonrpc":"2.0","id":12,"result":` + text + `}`},
		{"modern adds resultType and _meta", modern, text,
			`{"jsonrpc":"2.0","id":"r-1","result":{"resultType":"complete",` + metaJSON + `,"content":[{"type":"text","text":"ok"}],"isError":false}}`},
		{"modern empty object", modern, ` { } `, `{"jsonrpc":"2.0","id":"r-1","result":{"resultType":"complete",` + metaJSON + `}}`},
		{"modern keeps the result's _meta", modern, `{"content":[],"_meta":{"k":1}}`,
			`{"jsonrpc":"2.0","id":"r-1","result":{"resultType":"complete","content":[],"_meta":{"k":1}}}`},
		{"modern keeps the result's resultType", modern, `{"resultType":"complete","content":[]}`,
			`{"jsonrpc":"2.0","id":"r-1","result":{` + metaJSON + `,"resultType":"complete","content":[]}}`},
		{"modern keeps both", modern, `{"resultType":"complete","_meta":{},"content":[]}`,
			`{"jsonrpc":"2.0","id":"r-1","result":{"resultType":"complete","_meta":{},"content":[]}}`},
		{"nested _meta does not count", modern, `{"structuredContent":{"_meta":1,"resultType":2},"content":[]}`,
			`{"jsonrpc":"2.0","id":"r-1","result":{"resultType":"complete",` + metaJSON + `,"structuredContent":{"_meta":1,"resultType":2},"content":[]}}`},
		{"not an object", modern, `[1]`,
			`{"jsonrpc":"2.0","id":"r-1","error":{"code":-32603,"message":"Internal error: tool result is not a JSON object"}}`},
		{"empty", legacy, ``,
			`{"jsonrpc":"2.0","id":12,"error":{"code":-32603,"message":"Internal error: tool result is not a JSON object"}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.JSONEq(t, tc.want, string(s.WrapResult(tc.call, []byte(tc.result))))
		})
	}
}

// TestAppendResultOpen: the envelope written around a result's members is byte for byte
// what WrapResult makes of the whole result, in both eras, for string and integer ids, into a
// fresh buffer and into a reused one that holds an earlier message.
func TestAppendResultOpen(t *testing.T) {
	s := newTestServer(t)
	calls := []*Call{
		{ID: []byte(`"r-1"`), Era: Modern, Version: Version20260728},
		{ID: []byte("12"), Era: Legacy, Version: Version20250618},
		{ID: []byte("7"), Era: Modern, Version: Version20260728},
	}
	members := []string{
		`"content":[{"type":"text","text":"ok"}],"isError":false`,
		`"content":[{"type":"text","text":"{\"a\":1}"}],"structuredContent":{"a":1,"_meta":2},"isError":false`,
		`"content":[{"type":"image","data":"iVBORw0KGgo=","mimeType":"image/png"}],"isError":true`,
	}
	reused := make([]byte, 0, 512)
	for _, call := range calls {
		for _, m := range members {
			want := s.WrapResult(call, []byte("{"+m+"}"))
			fresh := CloseResult(append(s.AppendResultOpen(nil, call, len(m)), m...))
			assert.Equal(t, string(want), string(fresh), "era %v id %s", call.Era, call.ID)
			reused = CloseResult(append(s.AppendResultOpen(reused[:0], call, 0), m...))
			assert.Equal(t, string(want), string(reused), "reused buffer, era %v id %s", call.Era, call.ID)
		}
	}
}

func TestErrorResponse(t *testing.T) {
	cases := []struct {
		name string
		id   []byte
		code int
		msg  string
		data []byte
		want string
	}{
		{"null id", nil, CodeParseError, "Parse error", nil, `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}`},
		{"string id with data", []byte(`"a"`), CodeUnsupportedVersion, "Unsupported protocol version", []byte(`{"supported":[]}`),
			`{"jsonrpc":"2.0","id":"a","error":{"code":-32022,"message":"Unsupported protocol version","data":{"supported":[]}}}`},
		{"message escaped", []byte("1"), CodeInvalidParams, "bad \"x\"\n\x00\xff", nil,
			`{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"bad \"x\"\n\u0000\ufffd"}}`},
		{"credential refused", []byte("2"), CodeCredentialRefused, "no credential", nil,
			`{"jsonrpc":"2.0","id":2,"error":{"code":-31001,"message":"no credential"}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.JSONEq(t, tc.want, string(ErrorResponse(tc.id, tc.code, tc.msg, tc.data)))
		})
	}
}

func TestHeadersAdd(t *testing.T) {
	var h Headers
	for _, kv := range [][2]string{
		{"content-type", "application/json"},
		{"mcp-protocol-version", "2026-07-28"},
		{"MCP-METHOD", "tools/call"},
		{"Mcp-Name", "search"},
		{"mcp-param-region", "eu"},
		{"Mcp-Param-", "ignored: no name"},
		{"authorization", "Bearer secret"},
		{"mcp-session-id", "ignored"},
	} {
		h.Add(kv[0], kv[1])
	}
	assert.Equal(t, Headers{ProtocolVersion: "2026-07-28", Method: "tools/call", Name: "search",
		Params: [][2]string{{"mcp-param-region", "eu"}}}, h)

	h.Add("mcp-name", "other")
	assert.Equal(t, HeaderName, h.dup)
	h.Add("mcp-method", "x")
	assert.Equal(t, HeaderName, h.dup, "first duplicate is kept")
}

func TestEraString(t *testing.T) {
	assert.Equal(t, "legacy", Legacy.String())
	assert.Equal(t, "modern", Modern.String())
	assert.Equal(t, "unknown", Era(0).String())
}
