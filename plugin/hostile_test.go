package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/higress-group/wasm-go/pkg/test"
	"github.com/stretchr/testify/require"
)

// callBody is a legacy tools/call body.
func callBody(id int, tool, args string) string {
	return `{"jsonrpc":"2.0","id":` + strconv.Itoa(id) + `,"method":"tools/call","params":{"name":"` + tool + `","arguments":` + args + `}}`
}

// exchange runs one HTTP exchange and then ends the stream, so that the
// host's next call starts a new stream on the same plugin instance (and, in
// wasm mode, the same VM).
func exchange(host test.TestHost, run func()) {
	defer host.CompleteHttp()
	run()
}

// requireForwarded sends a normal search_notes call and checks that it goes
// upstream: the plugin still serves after whatever came before.
func requireForwarded(t *testing.T, host test.TestHost) {
	t.Helper()
	exchange(host, func() {
		post(host, legacyHeaders(), callBody(99, "search_notes", `{"q":"after"}`))
		require.Nil(t, host.GetLocalResponse(), "the plugin must still forward a normal call")
		path, _ := header(host.GetRequestHeaders(), ":path")
		require.Equal(t, "/v2/search?q=after&limit=10&api_key=q-default-7f3a9c", path)
	})
}

// groupDeepNesting: bodies nested 10k, 250k and 1M levels deep (the issue's
// reproductions), at the top and in the arguments, all on one plugin
// instance: each gets HTTP 400 with a JSON-RPC error, and the plugin still
// forwards a normal call afterwards.
func groupDeepNesting(t *testing.T) {
	cfg := setConfig(t, loadYAMLConfig(t, testdataPath("bridge.yaml")), "bridge.maxRequestBodyBytes", 100<<20)
	host := mustStart(t, cfg)
	for _, n := range []int{10_000, 250_000, 1_000_000} {
		for _, shape := range []struct{ name, open, close string }{{"arrays", "[", "]"}, {"objects", `{"a":`, "}"}} {
			deep := strings.Repeat(shape.open, n) + "1" + strings.Repeat(shape.close, n)
			for _, tc := range []struct {
				where string
				body  string
				code  string
				msg   string
			}{
				{"top", deep, "-32600", "Invalid Request: the message is nested deeper than 64 levels (byte " + strconv.Itoa(64*len(shape.open)) + ")"},
				{"top unclosed", strings.Repeat(shape.open, n), "-32600", "Invalid Request: the message is nested deeper than 64 levels (byte " + strconv.Itoa(64*len(shape.open)) + ")"},
				{"arguments", callBody(3, "search_notes", `{"q":"x","filter":`+deep+`}`), "-32602",
					"Invalid params: params.arguments is nested deeper than 128 levels (byte " +
						strconv.Itoa(len(callBody(3, "search_notes", `{"q":"x","filter":`))-2+127*len(shape.open)) + ")"},
			} {
				t.Run(strconv.Itoa(n)+" "+shape.name+" "+tc.where, func(t *testing.T) {
					defer host.CompleteHttp()
					post(host, legacyHeaders(), tc.body)
					lr := localResponse(t, host)
					require.Equal(t, uint32(400), lr.StatusCode)
					require.Equal(t, tc.code, jsonField(t, lr.Data, "error.code").Raw, "%s", lr.Data)
					require.Equal(t, tc.msg, jsonField(t, lr.Data, "error.message").Str)
				})
			}
		}
	}
	requireForwarded(t, host)
}

// groupArgumentsDepthLimit: bridge.maxJsonDepth is the arguments limit;
// arguments at the limit (512 is the largest allowed) go through validation
// and the JSON body upstream.
func groupArgumentsDepthLimit(t *testing.T) {
	for _, limit := range []int{2, 512} {
		t.Run(strconv.Itoa(limit), func(t *testing.T) { argumentsAtLimit(t, limit) })
	}
}

// argumentsAtLimit runs on its own host: a test holds one host at a time.
func argumentsAtLimit(t *testing.T, limit int) {
	cfg := setConfig(t, loadYAMLConfig(t, testdataPath("bridge.yaml")), "bridge.maxJsonDepth", limit)
	host := mustStart(t, cfg)
	tags := strings.Repeat("[", limit-1) + `"x"` + strings.Repeat("]", limit-1)
	exchange(host, func() {
		post(host, legacyHeaders(), callBody(4, "create_note", `{"title":"t","tags":`+tags+`}`))
		require.Nil(t, host.GetLocalResponse(), "arguments at the limit are forwarded")
		require.Equal(t, `{"title":"t","tags":`+tags+`}`, string(host.GetRequestBody()))
	})
	exchange(host, func() {
		post(host, legacyHeaders(), callBody(5, "create_note", `{"title":"t","tags":[`+tags+`]}`))
		lr := localResponse(t, host)
		require.Equal(t, uint32(400), lr.StatusCode)
		require.Equal(t, "Invalid params: params.arguments is nested deeper than "+strconv.Itoa(limit)+" levels (byte "+
			strconv.Itoa(len(callBody(5, "create_note", `{"title":"t","tags":[`))-2+limit-2)+")", jsonField(t, lr.Data, "error.message").Str)
	})
	requireForwarded(t, host)
}

// groupHostileBackend: a REST body nested 1M levels deep (or just past the
// limit) never reaches a JSON parser: a tool that parses it (outputSchema,
// responseTemplate, errorResponseTemplate) answers a tool error, one that only
// escapes it into text content returns it; the plugin keeps serving.
func groupHostileBackend(t *testing.T) {
	cfg := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	cfg = setConfig(t, cfg, "tools.1.responseTemplate.body", "first: {{range .items}}{{.title}}{{end}}")
	cfg = setConfig(t, cfg, "tools.1.errorResponseTemplate", "backend says {{.error}}")
	// The 1M-level bodies are ~6 MB: within the size bound, so that depth is what refuses them.
	cfg = setConfig(t, cfg, "bridge.maxResponseBodyBytes", 8<<20)
	host := mustStart(t, cfg)
	json := [][2]string{{"content-type", "application/json"}}
	const million = 1_000_000
	for _, tc := range []struct {
		name, tool, args, status, body string
	}{
		{"outputSchema, objects", "create_note", `{"title":"t"}`, "200", strings.Repeat(`{"a":`, million) + "1" + strings.Repeat("}", million)},
		{"responseTemplate, arrays", "search_notes", `{"q":"x"}`, "200", `{"items":` + strings.Repeat("[", million) + strings.Repeat("]", million) + "}"},
		{"errorResponseTemplate, unclosed", "search_notes", `{"q":"x"}`, "500", `{"error":` + strings.Repeat("[", million)},
		{"errorResponseTemplate, an image content type", "search_notes", `{"q":"x"}`, "500", `{"error":` + strings.Repeat("[", million)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer host.CompleteHttp()
			post(host, legacyHeaders(), callBody(21, tc.tool, tc.args))
			require.Nil(t, host.GetLocalResponse())
			headers := json
			if strings.Contains(tc.name, "image") {
				headers = [][2]string{{"content-type", "image/png"}}
			}
			out := respond(t, host, tc.status, headers, tc.body)
			require.Equal(t, `{"jsonrpc":"2.0","id":21,"result":{"content":[{"type":"text","text":"the REST backend returned HTTP `+tc.status+
				` with a body nested deeper than 128 levels, which is not read"}],"isError":true}}`, string(out))
		})
	}
	// A body only escaped into text content is never parsed, so its nesting does not matter:
	// get_pet (prependBody) returns it, a credential in it redacted as bytes.
	for _, n := range []int{129, million} {
		t.Run("prependBody, not parsed, "+strconv.Itoa(n)+" levels", func(t *testing.T) {
			defer host.CompleteHttp()
			post(host, legacyHeaders(), callBody(24, "get_pet", `{"petId":"p1"}`))
			body := strings.Repeat("[", n) + `"hdr-key-9d2f6b1e"` + strings.Repeat("]", n)
			out := respond(t, host, "200", json, body)
			require.Equal(t, `{"jsonrpc":"2.0","id":24,"result":{"content":[{"type":"text","text":"Pet record:\n`+
				strings.Repeat("[", n)+`\"[REDACTED]\"`+strings.Repeat("]", n)+`"}],"isError":false}}`, string(out))
		})
	}
	t.Run("image bytes are not counted", func(t *testing.T) {
		defer host.CompleteHttp()
		post(host, legacyHeaders(), callBody(23, "get_pet", `{"petId":"p1"}`))
		out := respond(t, host, "200", [][2]string{{"content-type", "image/png"}}, "\x89PNG"+strings.Repeat("[", 1000))
		require.Equal(t, "image", jsonField(t, out, "result.content.0.type").Str, "%.200s", out)
	})
	t.Run("at the limit is read", func(t *testing.T) {
		defer host.CompleteHttp()
		post(host, legacyHeaders(), callBody(22, "search_notes", `{"q":"x"}`))
		body := `{"items":[{"title":"deep","x":` + strings.Repeat("[", 125) + strings.Repeat("]", 125) + `}]}`
		out := respond(t, host, "200", json, body)
		require.Equal(t, `{"jsonrpc":"2.0","id":22,"result":{"content":[{"type":"text","text":"first: deep"}],"isError":false}}`, string(out))
	})
	requireForwarded(t, host)
}
