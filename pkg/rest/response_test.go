package rest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

func TestConvertResponse(t *testing.T) {
	f := loadFixture(t)
	cases := []struct {
		name, tool  string
		status      int
		contentType string
		body, args  string
		maxExcerpt  int
		want        string
	}{
		{"raw body", "get_item", 200, "application/json", `{"id":"1","name":"Shoe"}`, `{"id":"1"}`, 512,
			`{"content":[{"type":"text","text":"{\"id\":\"1\",\"name\":\"Shoe\"}"}],"isError":false}`},
		{"control characters and invalid UTF-8 are escaped", "get_item", 200, "text/plain", "a\x01b\xffc\u2028é\"\\", `{"id":"1"}`, 512,
			`{"content":[{"type":"text","text":"a\u0001b\ufffdc` + "\u2028" + `é\"\\"}],"isError":false}`},
		{"empty 2xx body is success (as Higress)", "get_item", 204, "", ``, `{"id":"1"}`, 512,
			`{"content":[{"type":"text","text":"success"}],"isError":false}`},
		{"prependBody and appendBody", "wrapped", 200, "application/json", `{"a":1}`, `{}`, 512,
			`{"content":[{"type":"text","text":"# Result\n{\"a\":1}\n-- end"}],"isError":false}`},
		{"responseTemplate over the body and .args", "forecast", 200, "application/json",
			`{"list":[{"day":"mon","temp":1.5},{"day":"tue","temp":-2}]}`, `{"city":"Oslo"}`, 512,
			`{"content":[{"type":"text","text":"Oslo: mon=1.5 tue=-2"}],"isError":false}`},
		{"a body field named args wins over ours", "forecast", 200, "application/json",
			`{"args":{"city":"from-body"},"list":[]}`, `{"city":"Oslo"}`, 512,
			`{"content":[{"type":"text","text":"from-body:"}],"isError":false}`},
		{"responseTemplate over an empty body sees only args (range over a missing field fails, as in Higress)",
			"forecast", 200, "application/json", ` `, `{"city":"Oslo"}`, 512,
			`{"content":[{"type":"text","text":"responseTemplate could not be rendered: responseTemplate:1:23: ` +
				`executing \"responseTemplate\" at <.list>"}],"isError":true}`},
		{"responseTemplate with a body that is not JSON", "forecast", 200, "text/html", `<html>oops</html>`, `{"city":"Oslo"}`, 10,
			`{"content":[{"type":"text","text":"HTTP 200: the response is not JSON, so responseTemplate cannot be applied: <html>oops…"}],"isError":true}`},
		{"non-2xx excerpt", "get_item", 404, "application/json", "  {\"message\":\"Not Found\"}\n", `{"id":"1"}`, 512,
			`{"content":[{"type":"text","text":"HTTP 404: {\"message\":\"Not Found\"}"}],"isError":true}`},
		{"non-2xx excerpt cut at a UTF-8 boundary", "get_item", 500, "text/plain", "ééé", `{"id":"1"}`, 5,
			`{"content":[{"type":"text","text":"HTTP 500: éé…"}],"isError":true}`},
		{"non-2xx without body", "get_item", 502, "", "", `{"id":"1"}`, 512,
			`{"content":[{"type":"text","text":"HTTP 502"}],"isError":true}`},
		{"non-2xx with excerpts off", "get_item", 401, "text/plain", "token expired", `{"id":"1"}`, 0,
			`{"content":[{"type":"text","text":"HTTP 401"}],"isError":true}`},
		{"3xx is an error (as Higress)", "get_item", 302, "text/html", "moved", `{"id":"1"}`, 512,
			`{"content":[{"type":"text","text":"HTTP 302: moved"}],"isError":true}`},
		{"errorResponseTemplate sees body, _headers and args", "with_error_template", 404, "application/json",
			`{"error":{"message":"no such id"}}`, `{"id":"7"}`, 512,
			`{"content":[{"type":"text","text":"failed (404): no such id for 7"}],"isError":true}`},
		{"errorResponseTemplate with a non-JSON body", "with_error_template", 503, "text/plain", `down`, `{"id":"7"}`, 512,
			`{"content":[{"type":"text","text":"failed (503):  for 7"}],"isError":true}`},
		{"structuredContent for a JSON object", "structured", 200, "application/json", " {\"temp\": 3.5}\n", `{}`, 512,
			`{"content":[{"type":"text","text":"{\"temp\": 3.5}"}],"structuredContent":{"temp": 3.5},"isError":false}`},
		{"no structuredContent for an array", "structured", 200, "application/json", `[1,2]`, `{}`, 512,
			`{"content":[{"type":"text","text":"[1,2]"}],"isError":false}`},
		{"no structuredContent for broken JSON", "structured", 200, "application/json", `{"temp":`, `{}`, 512,
			`{"content":[{"type":"text","text":"{\"temp\":"}],"isError":false}`},
		{"image", "get_item", 200, "image/png; q=1", "\x89PNG", `{"id":"1"}`, 512,
			`{"content":[{"type":"image","data":"iVBORw==","mimeType":"image/png"}],"isError":false}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := convert(f.tool(t, c.tool), c.status, c.contentType, []byte(c.body), gjson.Parse(c.args), c.maxExcerpt)
			assert.Equal(t, c.want, string(got))
			assert.True(t, gjson.ValidBytes(got), "result must be valid JSON")

			// The plugin appends the members after the envelope, into a buffer that may hold
			// an earlier, longer message: the same bytes follow the prefix.
			var call Call
			require.NoError(t, f.tool(t, c.tool).Prepare(gjson.Parse(c.args), &call))
			const prefix = `{"jsonrpc":"2.0","id":1,"result":{`
			dst := append(append(make([]byte, 0, 4096), prefix...), make([]byte, 2000)...)
			dst = call.AppendResponse(dst[:len(prefix)], c.status, c.contentType, []byte(c.body), c.maxExcerpt)
			assert.Equal(t, prefix+c.want[1:len(c.want)-1], string(dst))
		})
	}
}

func TestConvertResponseTemplateFailure(t *testing.T) {
	spec := ToolSpec{Name: "t", Request: &RequestTemplateSpec{URL: "https://x.example/a", Method: "GET"},
		Response: ResponseTemplateSpec{Body: "{{ (index .weather 0).description }}"}}
	tool, _, err := CompileTool("tools[0]", spec, nil, nil)
	require.NoError(t, err)
	got := convert(tool, 200, "application/json", []byte(`{"weather":"secret-token"}`), gjson.Result{}, 512)
	assert.Equal(t, `{"content":[{"type":"text","text":"responseTemplate could not be rendered: `+
		`responseTemplate:1:19: executing \"responseTemplate\" at <0>"}],"isError":true}`, string(got))
	assert.NotContains(t, string(got), "secret-token")
}

func TestLocalResult(t *testing.T) {
	f := loadFixture(t)
	cases := []struct{ tool, args, want string }{
		{"greet", `{"name":"Ann \"A\""}`, `{"content":[{"type":"text","text":"Hello Ann \"A\" from eu-west"}],"isError":false}`},
		{"shout", `{}`, `{"content":[{"type":"text","text":"HI (acme)"}],"isError":false}`},
		{"shout", `{"word":"yo"}`, `{"content":[{"type":"text","text":"YO (acme)"}],"isError":false}`},
		{"local_json", `{"n":"7"}`, `{"content":[{"type":"text","text":"{\"n\": 7}"}],"structuredContent":{"n": 7},"isError":false}`},
	}
	for _, c := range cases {
		t.Run(c.tool, func(t *testing.T) {
			assert.Equal(t, c.want, string(localResult(f.tool(t, c.tool), gjson.Parse(c.args))))
		})
	}
}

func TestLocalResultSprig(t *testing.T) {
	spec := ToolSpec{Name: "time", Args: []ArgSpec{{Name: "timeZone", Type: "string", Default: []byte(`"Asia/Shanghai"`)}},
		Response: ResponseTemplateSpec{Body: `{{ dateInZone "2006-01-02 15h" 0 .args.timeZone }} {{ .args.timeZone | b64enc }}`}}
	tool, _, err := CompileTool("tools[0]", spec, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, `{"content":[{"type":"text","text":"1970-01-01 08h QXNpYS9TaGFuZ2hhaQ=="}],"isError":false}`,
		string(localResult(tool, gjson.Parse(`{}`))))
}

func TestErrorResult(t *testing.T) {
	assert.Equal(t, `{"content":[{"type":"text","text":"bad \"x\"\n"}],"isError":true}`, string(ErrorResult("bad \"x\"\n")))
}

func TestExcerpt(t *testing.T) {
	cases := []struct {
		body string
		max  int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "abc…"},
		{"a€b", 2, "a…"},
		{"a€b", 4, "a€…"},
		{"€", 1, "…"},
		{" x ", 10, "x"},
		{"x", -1, ""},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, excerpt([]byte(c.body), c.max), "%q/%d", c.body, c.max)
	}
}

// A failing errorResponseTemplate is a tool error that says so, with the status and the
// excerpt, instead of a silent fallback.
func TestErrorResponseTemplateFailure(t *testing.T) {
	spec := ToolSpec{Name: "t", Args: []ArgSpec{{Name: "id"}},
		Request:               &RequestTemplateSpec{URL: "https://x.example/a", Method: "GET"},
		ErrorResponseTemplate: `failed: {{index .errors 3}}`}
	tool, _, err := CompileTool("tools[0]", spec, nil, nil)
	require.NoError(t, err)
	cases := []struct{ body, want string }{
		{`{"errors":["quota"]}`, `HTTP 429: errorResponseTemplate could not be rendered: errorResponseTemplate:1:24: ` +
			`executing "errorResponseTemplate" at <3>; response: {"errors":["quota"]}`},
		{``, `HTTP 429: errorResponseTemplate could not be rendered: errorResponseTemplate:1:24: ` +
			`executing "errorResponseTemplate" at <3>`},
	}
	for _, c := range cases {
		got := convert(tool, 429, "application/json", []byte(c.body), gjson.Parse(`{"id":"1"}`), 512)
		assert.Equal(t, `{"content":[{"type":"text","text":`+q(c.want)+`}],"isError":true}`, string(got), c.body)
	}
}

// TestReadsResponse: the responses AppendResponse parses as JSON (the plugin bounds their
// nesting first) and those it only escapes, base64-encodes or excerpts.
func TestReadsResponse(t *testing.T) {
	f := loadFixture(t)
	cases := []struct {
		tool        string
		status      int
		contentType string
		want        bool
	}{
		{"get_item", 200, "application/json", false}, // text content
		{"get_item", 404, "application/json", false}, // excerpt
		{"wrapped", 200, "application/json", false},  // prependBody + body + appendBody
		{"forecast", 200, "application/json", true},  // responseTemplate.body
		{"forecast", 200, "text/html", true},         // parsed to learn it is not JSON
		{"forecast", 200, "Image/PNG; q=1", false},   // base64
		{"forecast", 500, "application/json", false}, // no errorResponseTemplate: excerpt
		{"with_error_template", 404, "application/json", true},
		{"with_error_template", 503, "image/png", true}, // the template reads any error body
		{"with_error_template", 200, "application/json", false},
		{"structured", 200, "application/json", true}, // outputSchema
		{"structured", 200, "image/png", false},
		{"structured", 502, "application/json", false},
	}
	for _, c := range cases {
		var call Call
		require.NoError(t, f.tool(t, c.tool).Prepare(gjson.Parse(`{"id":"1","city":"Oslo"}`), &call))
		assert.Equal(t, c.want, call.ReadsResponse(c.status, c.contentType), "%s %d %s", c.tool, c.status, c.contentType)
	}
	assert.False(t, (&Call{}).ReadsResponse(200, "application/json"), "an unprepared call parses nothing")
}
