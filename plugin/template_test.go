package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTemplateHardening: values cannot rewrite a JSON body, break a header or empty a path
// segment, and a failing errorResponseTemplate is a clear tool error.
func groupTemplateHardening(t *testing.T) {
	cfg := loadYAMLConfig(t, testdataPath("templates.yaml"))
	call := func(tool, args string) string {
		return `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"` + tool + `","arguments":` + args + `}}`
	}
	forwarded := []struct{ name, tool, args, path, body string }{
		{"JSON body starting with an action escapes values", "add_member", `{"name":"x\",\"role\":\"admin\",\"z\":\""}`,
			"/members", `{"name":"x\",\"role\":\"admin\",\"z\":\"","role":"member"}`},
		{"numbers and JSON values in value positions", "order", `{"qty":2.5,"note":"\"gift\""}`,
			"/orders", `{"qty": 2.5, "note": "gift"}`},
		{"a number given as a string, as in Higress", "order", `{"qty":"3","note":"null"}`,
			"/orders", `{"qty": 3, "note": null}`},
		{"a header arg with a tab", "trace", `{"X-Trace-Tag":"a\tb"}`, "/t", ""},
		{"a path placeholder", "item_detail", `{"id":"i/1"}`, "/items/i%2F1/detail", ""},
	}
	for _, tc := range forwarded {
		t.Run(tc.name, func(t *testing.T) {
			host := mustStart(t, cfg)
			post(host, legacyHeaders(), call(tc.tool, tc.args))
			require.Nil(t, host.GetLocalResponse(), "the call must go upstream")
			path, _ := header(host.GetRequestHeaders(), ":path")
			require.Equal(t, tc.path, path)
			require.Equal(t, tc.body, string(host.GetRequestBody()))
		})
	}
	refused := []struct{ name, tool, args, text string }{
		{"a value that would add a JSON member", "order", `{"qty":1,"note":"1, \"role\": \"admin\""}`,
			`invalid arguments: a value placed outside a JSON string in the request body must be exactly one JSON value ` +
				`(a number, true, false, null, a quoted string, an object or an array) (argument "note")`},
		{"an absent value in a JSON value position", "order", `{"qty":1}`,
			`invalid arguments: a value placed outside a JSON string in the request body must be exactly one JSON value ` +
				`(a number, true, false, null, a quoted string, an object or an array) (argument "note")`},
		{"a control character in a header arg", "trace", `{"X-Trace-Tag":"a\u001b[2Jb"}`,
			`invalid arguments: "X-Trace-Tag" must not contain control characters (it is sent as a header)`},
		{"DEL in a header arg", "trace", `{"X-Trace-Tag":"a\u007f"}`,
			`invalid arguments: "X-Trace-Tag" must not contain control characters (it is sent as a header)`},
		{"an empty path placeholder", "item_detail", `{"id":""}`,
			`invalid arguments: a URL path placeholder cannot be empty (argument "id")`},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			host := mustStart(t, cfg)
			post(host, legacyHeaders(), call(tc.tool, tc.args))
			lr := localResponse(t, host)
			require.Equal(t, uint32(200), lr.StatusCode)
			require.True(t, jsonField(t, lr.Data, "result.isError").Bool(), "%s", lr.Data)
			require.Equal(t, tc.text, jsonField(t, lr.Data, "result.content.0.text").String())
		})
	}
	t.Run("errorResponseTemplate that cannot render", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(), call("fragile", `{}`))
		require.Nil(t, host.GetLocalResponse())
		out := respond(t, host, "503", [][2]string{{"content-type", "application/json"}}, `{"errors":["busy"]}`)
		require.True(t, jsonField(t, out, "result.isError").Bool(), "%s", out)
		require.Equal(t, `HTTP 503: errorResponseTemplate could not be rendered: errorResponseTemplate:1:24: `+
			`executing "errorResponseTemplate" at <3>; response: {"errors":["busy"]}`, jsonField(t, out, "result.content.0.text").String())
	})
}
