package config

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/testutil"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/rest"
)

// genericBody is a typical API-market JSON answer, pretty-printed with a final newline as
// backends send it, for tools without an outputSchema.
const genericBody = `{
  "code": 200,
  "msg": "success",
  "data": {"name": "sample", "items": [{"name": "sample", "value": 1}], "total": 1}
}
`

// backendError is a backend's failure answer.
var backendError = backendResponse{status: 503, headers: [][2]string{{":status", "503"}, {"content-type", "application/json"}},
	body: []byte(`{"code":503,"message":"upstream quota exceeded, retry later"}`)}

// backendImage is an image answer (a 1x1 PNG): an image content on both sides.
var backendImage = backendResponse{status: 200, headers: [][2]string{{":status", "200"}, {"content-type", "image/png"}},
	body: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")}

// sampleResponse is a 200 JSON answer for a tool: a sample of its outputSchema when it has
// one, else genericBody.
func sampleResponse(tool gjson.Result) backendResponse {
	body := []byte(genericBody)
	if s := tool.Get("outputSchema"); s.IsObject() {
		body, _ = json.MarshalIndent(sampleValue(s, 0), "", "  ")
	}
	return backendResponse{status: 200, headers: [][2]string{{":status", "200"}, {"content-type", "application/json"}}, body: body}
}

// TestHigressResponseCompat answers every upstream call of the corpus (all sample arguments)
// with a sample JSON body, a 503 and an image, and compares the tool result we send with Higress's: content,
// isError and structuredContent, exactly.
func TestHigressResponseCompat(t *testing.T) {
	files := testutil.HigressConfigs(t)
	var compared, same int
	classes := map[string]int{}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			js, err := testutil.YAMLFileToJSON(f)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Parse(js, nil)
			if err != nil {
				t.Fatal(err)
			}
			h, err := loadHigress(js)
			if err != nil {
				t.Fatal(err)
			}
			for i, tj := range gjson.GetBytes(js, "tools").Array() {
				if !c.Tools[i].Rest.HasUpstream() {
					continue
				}
				name, args := tj.Get("name").Str, sampleArgs(tj, false)
				var call rest.Call
				if c.Tools[i].Rest.Prepare(gjson.ParseBytes(args), &call) != nil {
					continue // refused before any request: no response to compare
				}
				for _, resp := range []backendResponse{sampleResponse(tj), backendError, backendImage} {
					theirs, err := h.result(t, name, args, resp)
					if err != nil {
						break // Higress sends no request (see TestHigressCompat)
					}
					compared++
					ours := call.ConvertResponse(resp.status, pairValue(resp.headers, "content-type"), resp.body, 512)
					if sameJSON(string(ours), string(theirs)) {
						same++
						continue
					}
					class := responseClass(tj, ours, theirs)
					if class == "" || deliberate(class) == nil {
						t.Errorf("%s: undocumented difference of the tool result\n ours: %s\nthem: %s", name, ours, theirs)
						continue
					}
					t.Logf("%s: %s:\n ours: %s\nthem: %s", name, class, ours, theirs)
					classes[class]++
				}
			}
		})
	}
	t.Logf("compared %d tool results with Higress's: %d identical; by deliberate difference: %v", compared, same, classes)
}

// responseClass names the deliberate difference behind differing tool results, or "".
func responseClass(tool gjson.Result, ours, theirs []byte) string {
	const failed = "responseTemplate could not be rendered: "
	ourText, theirText := gjson.GetBytes(ours, "content.0.text").Str, gjson.GetBytes(theirs, "content.0.text").Str
	switch {
	case gjson.GetBytes(ours, "isError").Bool() && gjson.GetBytes(theirs, "isError").Bool() &&
		strings.HasPrefix(ourText, "HTTP ") && strings.HasPrefix(theirText, "call failed, status: ") &&
		strings.Contains(theirText, ", response: ") &&
		strings.HasSuffix(ourText, ": "+theirText[strings.Index(theirText, ", response: ")+len(", response: "):]):
		return "error-result-text"
	case gjson.GetBytes(ours, "isError").Bool() && gjson.GetBytes(theirs, "isError").Bool() &&
		strings.HasPrefix(gjson.GetBytes(ours, "content.0.text").Str, failed) &&
		strings.HasPrefix(gjson.GetBytes(theirs, "content.0.text").Str, "error executing response template: "):
		return "response-template-failure"
	case strings.Contains(tool.Get("responseTemplate.body").Str, ".args") &&
		gjson.GetBytes(ours, "isError").Bool() == gjson.GetBytes(theirs, "isError").Bool() &&
		gjson.GetBytes(ours, "structuredContent").Raw == gjson.GetBytes(theirs, "structuredContent").Raw:
		return "response-args"
	}
	return ""
}

// TestHigressResponseDifferences shows each response-level deliberate difference on both sides,
// exactly, and how TestHigressResponseCompat classifies it.
func TestHigressResponseDifferences(t *testing.T) {
	const config = `{"server":{"name":"resp"},"tools":[
 {"name":"weather","args":[{"name":"city"}],"requestTemplate":{"url":"https://api.example.com/w","method":"GET"},
  "responseTemplate":{"body":"{{.args.city}}: {{.main.temp}}"}},
 {"name":"first","requestTemplate":{"url":"https://api.example.com/f","method":"GET"},
  "responseTemplate":{"body":"first: {{index .list 0}}"}},
 {"name":"plain","requestTemplate":{"url":"https://api.example.com/p","method":"GET"}}]}`
	c := mustParse(t, config)
	h, err := loadHigress([]byte(config))
	if err != nil {
		t.Fatal(err)
	}
	ok := backendResponse{status: 200, headers: [][2]string{{":status", "200"}, {"content-type", "application/json"}},
		body: []byte(`{"main":{"temp":12.5},"secret":"s3cr3t-data"}`)}
	cases := []struct {
		id, tool, args string
		resp           backendResponse
		ours, higress  string
	}{
		{"response-args", "weather", `{"city":"Oslo"}`, ok, "Oslo: 12.5", ": 12.5"},
		{"error-result-text", "plain", `{}`, backendError,
			`HTTP 503: {"code":503,"message":"upstream quota exceeded, retry later"}`,
			`call failed, status: 503, response: {"code":503,"message":"upstream quota exceeded, retry later"}`},
		{"response-template-failure", "first", `{}`, ok,
			`responseTemplate could not be rendered: responseTemplate:1:21: executing "responseTemplate" at <0>`,
			`error executing response template: template: response:1:21: executing "response" at <0>: can't index Null`},
	}
	tools := gjson.Parse(config).Get("tools").Array()
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			i := c.EntryIndex(tc.tool)
			var call rest.Call
			if err := c.Tools[i].Rest.Prepare(gjson.Parse(tc.args), &call); err != nil {
				t.Fatal(err)
			}
			ours := call.ConvertResponse(tc.resp.status, "application/json", tc.resp.body, 512)
			theirs, err := h.result(t, tc.tool, []byte(tc.args), tc.resp)
			if err != nil {
				t.Fatal(err)
			}
			if got := gjson.GetBytes(ours, "content.0.text").Str; got != tc.ours {
				t.Errorf("ours:\n got %q\nwant %q", got, tc.ours)
			}
			if got := gjson.GetBytes(theirs, "content.0.text").Str; got != tc.higress {
				t.Errorf("Higress:\n got %q\nwant %q", got, tc.higress)
			}
			if got := responseClass(tools[i], ours, theirs); got != tc.id {
				t.Errorf("classified %q, want %q", got, tc.id)
			}
		})
	}
}
