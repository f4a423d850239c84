package mcp

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// searchCall is a legacy tools/call of search with the given arguments.
func searchCall(args string) string {
	return `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"search","arguments":` + args + `}}`
}

// argsAt is the byte offset of the arguments value in searchCall.
var argsAt = len(searchCall("")) - len("}}")

func offset(n int) string { return " (byte " + strconv.Itoa(n) + ")" }

func TestHandleScanRefusals(t *testing.T) {
	params := func(name, h string, body, id, msg string) handleCase {
		c := handleCase{name: name, body: body, kind: Reply, status: 400, code: CodeInvalidParams,
			method: MethodToolsCall, want: errJSON(id, cParams, msg)}
		if h != "" {
			c.h = mh(MethodToolsCall, "get_weather", [2]string{"Mcp-Param-Region", h})
		}
		return c
	}
	request := func(name, body, id, msg string) handleCase {
		return handleCase{name: name, body: body, kind: Reply, status: 400, code: CodeInvalidRequest, want: errJSON(id, cInvReq, msg)}
	}
	ping := func(c handleCase) handleCase { c.method = MethodPing; return c }
	fatal := func(c handleCase) handleCase { c.method = ""; return c }
	deepArgs := strings.Repeat("[", 129) + strings.Repeat("]", 129)
	modernDup := modernBody("4", MethodToolsCall, `,"name":"get_weather","arguments":{"region":null,"region":"eu","city":"Oslo"}`)
	idAfter := `{"jsonrpc":"2.0","method":"tools/call","params":{"arguments":` + deepArgs + `},"id":1}`
	deepMeta := `{"jsonrpc":"2.0","id":"a","method":"ping","params":{"_meta":` + strings.Repeat(`{"a":`, 70) + `1` + strings.Repeat("}", 70) + `}}`
	dupParams := `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"search","extra":1,"extra":2}}`
	runHandleCases(t, []handleCase{
		fatal(params("arguments too deep", "", searchCall(`{"q":`+deepArgs+`}`), "9",
			"Invalid params: params.arguments is nested deeper than 128 levels"+offset(argsAt+5+127))),
		fatal(params("arguments too deep, id after", "", idAfter, "null",
			"Invalid params: params.arguments is nested deeper than 128 levels"+offset(strings.Index(idAfter, "[")+128))),
		fatal(params("params too deep", "", deepMeta, `"a"`,
			"Invalid params: params is nested deeper than 64 levels"+offset(strings.Index(deepMeta, "{\"a\":")+5*62))),
		request("top level too deep", strings.Repeat("[", 100000), "null", "Invalid Request: the message is nested deeper than 64 levels"+offset(64)),
		{name: "deep and not JSON after the limit", body: strings.Repeat(`{"a":`, 10) + "x", kind: Reply, status: 400, code: CodeParseError,
			want: errJSON("null", cParse, "Parse error: body is not valid JSON")},
		params("duplicate argument (modern, header checked the first)", "eu", modernDup, "4",
			"Invalid params: duplicate member name in params.arguments"+offset(strings.Index(modernDup, `"region":"eu"`))),
		params("duplicate nested argument", "", searchCall(`{"q":"x","opts":{"a":1,"a":2}}`), "9",
			"Invalid params: duplicate member name in params.arguments"+offset(argsAt+23)),
		params("duplicate in params", "", dupParams, "9",
			"Invalid params: duplicate member name in params"+offset(strings.LastIndex(dupParams, `"extra"`))),
		params("invalid UTF-8 argument", "", searchCall("{\"q\":\"caf\xe9\"}"), "9",
			"Invalid params: a string in params.arguments is not valid UTF-8"+offset(argsAt+9)),
		params("lone surrogate argument", "", searchCall(`{"q":"\ud800"}`), "9",
			"Invalid params: a string in params.arguments is not valid UTF-8"+offset(argsAt+6)),
		ping(request("duplicate top-level member", `{"jsonrpc":"2.0","id":3,"method":"ping","x":1,"x":2}`, "3",
			"Invalid Request: duplicate member name in the message"+offset(46))),
		ping(request("invalid UTF-8 in the envelope", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"x\":\"\xff\"}", "3",
			"Invalid Request: a string in the message is not valid UTF-8"+offset(45))),
		{name: "notification with duplicate params member", body: `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1,"requestId":2}}`,
			kind: Reply, status: 400, code: CodeInvalidParams, method: NotificationCancelled,
			want: errJSON("null", cParams, "Invalid params: duplicate member name in params"+offset(76))},
	})
}

// TestHandleDeepBodiesKeepServing sends the sizes of the reported crash and
// then a normal call to the same Server.
func TestHandleDeepBodiesKeepServing(t *testing.T) {
	s := newTestServer(t)
	for _, n := range []int{10_000, 250_000, 1_000_000} {
		for _, open := range []string{"[", `{"a":`} {
			for _, body := range []string{strings.Repeat(open, n), searchCall(strings.Repeat(open, n))} {
				out := s.Handle(nil, &Headers{}, []byte(body))
				require.Equal(t, Reply, out.Kind)
				assert.Equal(t, 400, out.Status)
				assert.Contains(t, []int{CodeInvalidRequest, CodeInvalidParams}, out.Code)
			}
		}
	}
	out := s.Handle(nil, &Headers{}, []byte(searchCall(`{"q":"go"}`)))
	require.Equal(t, ToolCall, out.Kind)
	assert.Equal(t, `{"q":"go"}`, out.Call.Arguments.Raw)
}

func TestMaxArgumentsDepthOption(t *testing.T) {
	opts := testOptions()
	opts.MaxArgumentsDepth = 3
	s, err := NewServer(opts, newCatalog(searchEntry))
	require.NoError(t, err)
	out := s.Handle(nil, &Headers{}, []byte(searchCall(`{"q":[[1]]}`)))
	require.Equal(t, ToolCall, out.Kind)
	out = s.Handle(nil, &Headers{}, []byte(searchCall(`{"q":[[[1]]]}`)))
	assert.Equal(t, errJSON("9", cParams, "Invalid params: params.arguments is nested deeper than 3 levels"+offset(argsAt+7)), string(out.Body))

	opts.MaxArgumentsDepth = -1
	_, err = NewServer(opts, newCatalog(searchEntry))
	assert.EqualError(t, err, "mcp: arguments depth limit must be >= 0, got -1")
}
