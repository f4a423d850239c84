package rest

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

type wantReq struct {
	method, scheme, authority, uri string
	headers                        [][2]string
	body                           string
}

var clientHeaders = [][2]string{
	{":authority", "gw.example.com"}, {"authorization", "Bearer client-secret"}, {"cookie", "sid=1"},
	{"Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}, {"x-request-id", "rid-1"},
	{"x-b3-sampled", "1"}, {"x-forwarded-for", "203.0.113.9:5555, 10.0.0.1"}, {"user-agent", "mcp-client"},
	{"x-b3-bad", "ignored"}, {"b3", "bad\nvalue"},
}

// forwarded is what Build copies from clientHeaders: tracing and the client's context, never
// its authorization, cookie or unknown headers, nor a value with a control character.
var forwarded = [][2]string{{"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
	{"x-request-id", "rid-1"}, {"x-b3-sampled", "1"}, {"x-forwarded-for", "203.0.113.9:5555, 10.0.0.1"},
	{"user-agent", "mcp-client"}}

func hdrs(h ...[2]string) [][2]string { return append(h, forwarded...) }

var acceptAny = [2]string{"accept", "*/*"}

func TestBuildRequest(t *testing.T) {
	f := loadFixture(t)
	cases := []struct {
		name, tool, args string
		want             wantReq
	}{
		{"path and query args, config header, defaults", "get_item", `{"id":"item-42","q":"red shoes"}`, wantReq{
			"GET", "https", "api.example.com", "/v1/items/item-42?q=red+shoes&limit=10",
			hdrs([2]string{"x-api-key", "k-123"}, acceptAny), ""}},
		{"path arg stays in its segment", "get_item", `{"id":"../admin?x=1#f","limit":"3"}`, wantReq{
			"GET", "https", "api.example.com", "/v1/items/..%2Fadmin%3Fx=1%23f?limit=3",
			hdrs([2]string{"x-api-key", "k-123"}, acceptAny), ""}},
		{"query arg cannot add parameters", "get_item", `{"id":"a b","q":"x&admin=1"}`, wantReq{
			"GET", "https", "api.example.com", "/v1/items/a%20b?q=x%26admin%3D1&limit=10",
			hdrs([2]string{"x-api-key", "k-123"}, acceptAny), ""}},
		{"template path and query values escaped per context", "search_code",
			`{"owner":"o","repo":"r/x y?","query":"lang:go a+b","page":2}`, wantReq{
				"GET", "https", "api.example.com", "/repos/o/r/x%20y%3F/search?q=lang%3Ago+a%2Bb&page=2&region=eu-west",
				hdrs([2]string{"accept", "application/vnd.example+json"}), ""}},
		{"absent template query value renders empty (as Higress)", "search_code", `{"owner":"o","repo":"r","query":"q"}`,
			wantReq{"GET", "https", "api.example.com", "/repos/o/r/search?q=q&page=&region=eu-west",
				hdrs([2]string{"accept", "application/vnd.example+json"}), ""}},
		{"value in host, argsToJsonBody without the path arg", "sandbox_run", `{"sandbox":"i1a2b3","code":"print(\"hi\")\n"}`,
			wantReq{"POST", "https", "8080-i1a2b3.sandbox.example.dev", "/run",
				hdrs([2]string{"content-type", "application/json"}, acceptAny), `{"code":"print(\"hi\")\n","timeout":30}`}},
		{"relative URL keeps the route host", "delete_note", `{"teamPath":"team a","noteId":"n/1"}`, wantReq{
			"DELETE", "", "", "/teams/team%20a/notes/n%2F1", hdrs(acceptAny), ""}},
		// escaped values: Higress's raw body would not be JSON, so it adds no JSON content-type
		// and this client sent none (TestContentTypeAsHigress)
		{"JSON body template escapes values inside strings", "create_issue",
			`{"title":"He said \"hi\"\n","labels":["a","b"]}`, wantReq{"POST", "https", "api.example.com", "/issues",
				hdrs(acceptAny),
				`{"title": "He said \"hi\"\n", "labels": "[\"a\",\"b\"]", "draft": false, "tenant": "acme"}` + "\n"}},
		{"fast-path JSON body template", "commit_message", `{"message":"a\\b \"c\"\t"}`, wantReq{
			"POST", "https", "api.example.com", "/commits",
			hdrs(acceptAny),
			`{"message": "a\\b \"c\"\t", "tenant": "acme"}`}},
		{"body args as a form (template content-type)", "price_form", `{"province":"浙江","code":"a&b=c"}`, wantReq{
			"POST", "https", "prices.example.com", "/average",
			hdrs([2]string{"content-type", "application/x-www-form-urlencoded"}, [2]string{"authorization", "APPCODE k-123"}, acceptAny),
			"province=%E6%B5%99%E6%B1%9F&code=a%26b%3Dc"}},
		{"body args as JSON, string coerced to integer", "body_args_json", `{"name":"n","count":"3","verbose":true}`, wantReq{
			"POST", "https", "api.example.com", "/things?verbose=true",
			hdrs([2]string{"content-type", "application/json; charset=utf-8"}, acceptAny), `{"name":"n","count":3}`}},
		{"argsToFormBody", "args_to_form", `{"deck":"d1","title":"T&t"}`, wantReq{
			"POST", "https", "slides.example.com", "/decks/d1/render",
			hdrs([2]string{"content-type", "application/x-www-form-urlencoded"}, acceptAny), "title=T%26t&pages=5"}},
		{"argsToUrlParam replaces template params, arrays as JSON", "args_to_url",
			`{"city":"Suzhou","tags":["x","y"],"key":"k1","ignored":"z"}`, wantReq{
				"GET", "https", "weather.example.com",
				"/forecast?lang=en&units=metric&city=Suzhou&days=5&tags=%5B%22x%22%2C%22y%22%5D",
				hdrs([2]string{"key", "k1"}, acceptAny), ""}},
		{"header and cookie args", "header_cookie", `{"X-Trace-Tag":"t1","hint":"h=1"}`, wantReq{
			"GET", "https", "api.example.com", "/prefs",
			hdrs([2]string{"cookie", "site=main; hint=h=1; theme=dark"}, [2]string{"x-trace-tag", "t1"}, acceptAny), ""}},
		{"engine header values", "nonce_header", `{"lang":"de"}`, wantReq{
			"GET", "https", "api.example.com", "/nonce",
			hdrs([2]string{"x-nonce", "00112233-4455-4677-8899-aabbccddeeff"}, [2]string{"x-lang", "DE"}, acceptAny), ""}},
		{"getRealIP from X-Forwarded-For", "ip_lookup", `{}`, wantReq{
			"POST", "https", "ip.example.com", "/lookup",
			hdrs([2]string{"content-type", "application/x-www-form-urlencoded"}, acceptAny), "ip=203.0.113.9\n"}},
		{"form body template escapes values", "ip_lookup", `{"ip":"1.2.3.4&admin=1"}`, wantReq{
			"POST", "https", "ip.example.com", "/lookup",
			hdrs([2]string{"content-type", "application/x-www-form-urlencoded"}, acceptAny), "ip=1.2.3.4%26admin%3D1\n"}},
		{"engine URL escapes path and query values", "labels_query",
			`{"repo":"ABC/def","labels":["bug","ui"],"state":"open&x=1"}`, wantReq{
				"GET", "https", "api.example.com",
				"/repos/abc/def/issues?labels=%5B%22bug%22%2C%22ui%22%5D&state=open%26x%3D1", hdrs(acceptAny), ""}},
		{"engine URL: literal text inside if decides the context", "labels_query", `{"repo":"r","labels":["a"]}`, wantReq{
			"GET", "https", "api.example.com", "/repos/r/issues?labels=%5B%22a%22%5D", hdrs(acceptAny), ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r Request
			err := build(f.tool(t, c.tool), gjson.Parse(c.args), clientHeaders, &r)
			require.NoError(t, err)
			got := wantReq{r.Method, r.Scheme, r.Authority, r.URI(), r.Headers, string(r.Body)}
			assert.Equal(t, c.want, got)
		})
	}
}

func TestBuildRequestRefusals(t *testing.T) {
	f := loadFixture(t)
	cases := []struct{ name, tool, args, want string }{
		{"missing path arg", "get_item", `{"q":"x"}`, `invalid arguments: missing required "id"`},
		{"null path arg counts as absent", "delete_note", `{"teamPath":"t","noteId":null}`,
			`invalid arguments: missing required "noteId"`},
		{"placeholder without a path arg", "orphan_placeholder", `{"id":"1"}`,
			`invalid URL: placeholder {id} is not filled by any argument with position path`},
		{"host value with a dot", "sandbox_run", `{"sandbox":"evil.com/x","code":"1"}`,
			`invalid arguments: a value placed in the URL host must be letters, digits, '-' and '_' only (argument "sandbox")`},
		{"host value missing", "sandbox_run", `{"code":"1"}`, `invalid arguments: missing required "sandbox"`},
		{"empty path arg", "get_item", `{"id":""}`, `invalid arguments: a URL path placeholder cannot be empty (argument "id")`},
		{"empty second path arg", "delete_note", `{"teamPath":"t","noteId":""}`,
			`invalid arguments: a URL path placeholder cannot be empty (argument "noteId")`},
		{"dot segment from a path arg", "delete_note", `{"teamPath":"..","noteId":"n"}`,
			`invalid arguments: the URL path would contain a "." or ".." segment`},
		{"dot segment from a template value", "search_code", `{"owner":".","repo":"r","query":"q"}`,
			`invalid arguments: the URL path would contain a "." or ".." segment`},
		{"template value climbing out of its segment", "search_code", `{"owner":"o","repo":"r/../../admin","query":"q"}`,
			`invalid arguments: the URL path would contain a "." or ".." segment`},
		{"CR/LF in a header arg", "header_cookie", `{"X-Trace-Tag":"t\r\nx-admin: 1"}`,
			`invalid arguments: "X-Trace-Tag" must not contain control characters (it is sent as a header)`},
		{"NUL in a header arg", "header_cookie", `{"X-Trace-Tag":"t\u0000"}`,
			`invalid arguments: "X-Trace-Tag" must not contain control characters (it is sent as a header)`},
		{"ESC in a header arg", "header_cookie", `{"X-Trace-Tag":"t\u001b[2J"}`,
			`invalid arguments: "X-Trace-Tag" must not contain control characters (it is sent as a header)`},
		{"DEL in a header arg", "header_cookie", `{"X-Trace-Tag":"t\u007f"}`,
			`invalid arguments: "X-Trace-Tag" must not contain control characters (it is sent as a header)`},
		{"LF in a header template value", "nonce_header", `{"lang":"en\nx-admin: 1"}`,
			`invalid arguments: header "x-lang" would contain a control character (from a template value)`},
		{"cookie injection", "header_cookie", `{"hint":"a; admin=1"}`,
			`invalid arguments: "hint" must not contain ';' or control characters (it is sent as a cookie)`},
		{"engine error (join of an absent arg fails in Higress too)", "labels_query", `{"repo":"r"}`,
			`requestTemplate.url could not be rendered: url:1:89: executing "url" at <",">`},
		{"no upstream", "greet", `{"name":"x"}`, `tool "greet" has no upstream request`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r Request
			err := build(f.tool(t, c.tool), gjson.Parse(c.args), nil, &r)
			var ce *CallError
			require.True(t, errors.As(err, &ce), "want *CallError, got %v", err)
			assert.Equal(t, c.want, ce.Msg)
		})
	}
}

func TestBuildRequestTemplateFailure(t *testing.T) {
	spec := ToolSpec{Name: "t", Args: []ArgSpec{{Name: "n", Type: "array"}},
		Request: &RequestTemplateSpec{URL: "https://x.example/a", Method: "POST",
			Body: `{"first": "{{ (index .args.n 5) }}"}`}}
	tool, _, err := CompileTool("tools[0]", spec, nil, nil)
	require.NoError(t, err)
	var r Request
	err = build(tool, gjson.Parse(`{"n":["secret-value"]}`), nil, &r)
	require.Error(t, err)
	assert.Equal(t, `requestTemplate.body could not be rendered: body:1:29: executing "body" at <5>`, err.Error())
	assert.NotContains(t, err.Error(), "secret-value")
}

func TestRequestReuse(t *testing.T) {
	f := loadFixture(t)
	var r Request
	require.NoError(t, build(f.tool(t, "price_form"), gjson.Parse(`{"province":"p","code":"c"}`), nil, &r))
	require.NoError(t, build(f.tool(t, "get_item"), gjson.Parse(`{"id":"1"}`), nil, &r))
	assert.Equal(t, wantReq{"GET", "https", "api.example.com", "/v1/items/1?limit=10",
		[][2]string{{"x-api-key", "k-123"}, acceptAny}, ""},
		wantReq{r.Method, r.Scheme, r.Authority, r.URI(), r.Headers, string(r.Body)})
}

// Optional args: a missing path arg refuses the call naming its placeholder, a missing host
// value is refused as a host value, and no body args means no body.
func TestBuildRequestOptionalArgs(t *testing.T) {
	spec := ToolSpec{Name: "opt", Args: []ArgSpec{{Name: "id", Position: "path"}, {Name: "tenant"},
		{Name: "name", Position: "body"}, {Name: "verbose", Type: "boolean", Position: "query"}},
		Request: &RequestTemplateSpec{URL: "https://{{.args.tenant}}.api.example.com/things/{id}", Method: "POST"}}
	tool, _, err := CompileTool("tools[0]", spec, nil, nil)
	require.NoError(t, err)
	engine := ToolSpec{Name: "eng", Args: []ArgSpec{{Name: "id", Position: "path"}, {Name: "v"}},
		Request: &RequestTemplateSpec{URL: `https://api.example.com/{{if .args.v}}v2{{else}}v1{{end}}/things/{id}`, Method: "GET"}}
	engTool, _, err := CompileTool("tools[1]", engine, nil, nil)
	require.NoError(t, err)
	for args, want := range map[string]string{
		`{"v":true}`:            `invalid arguments: missing "id" for the URL placeholder {id}`,
		`{"id":"","v":true}`:    `invalid arguments: a URL path placeholder cannot be empty (argument "id")`,
		`{"id":"a/b","v":true}`: "",
	} {
		var r Request
		err := build(engTool, gjson.Parse(args), nil, &r)
		if want == "" {
			require.NoError(t, err)
			assert.Equal(t, "/v2/things/a%2Fb", r.URI())
			continue
		}
		assert.Equal(t, &CallError{Msg: want}, err, args)
	}
	cases := []struct{ args, want string }{
		{`{"tenant":"t1"}`, `invalid arguments: missing "id" for the URL placeholder {id}`},
		{`{"tenant":"t1","id":null}`, `invalid arguments: missing "id" for the URL placeholder {id}`},
		{`{"id":"1"}`, `invalid arguments: a value placed in the URL host must be letters, digits, '-' and '_' only (argument "tenant")`},
	}
	for _, c := range cases {
		var r Request
		err := build(tool, gjson.Parse(c.args), nil, &r)
		var ce *CallError
		require.True(t, errors.As(err, &ce), "%s: want *CallError, got %v", c.args, err)
		assert.Equal(t, c.want, ce.Msg, c.args)
	}
	var r Request
	require.NoError(t, build(tool, gjson.Parse(`{"tenant":"t1","id":"7","verbose":false}`), nil, &r))
	assert.Equal(t, wantReq{"POST", "https", "t1.api.example.com", "/things/7?verbose=false", [][2]string{{"accept", "*/*"}}, ""},
		wantReq{r.Method, r.Scheme, r.Authority, r.URI(), r.Headers, string(r.Body)})
}

// A JSON body is recognised from all of its literal text, so a body starting with an action is
// JSON too; a value outside a string literal must be exactly one JSON value.
func TestBuildRequestJSONBody(t *testing.T) {
	spec := ToolSpec{Name: "member", Args: []ArgSpec{{Name: "name"}, {Name: "qty", Type: "number"}, {Name: "tags", Type: "array"}, {Name: "note"}},
		Request: &RequestTemplateSpec{URL: "https://api.example.com/members", Method: "POST",
			Body: `{{- if .args.name -}}{"name":"{{ .args.name }}","role":"member"}{{- end -}}`}}
	member, _, err := CompileTool("tools[0]", spec, nil, nil)
	require.NoError(t, err)
	var r Request
	require.NoError(t, build(member, gjson.Parse(`{"name":"x\",\"role\":\"admin\",\"z\":\""}`), nil, &r))
	assert.Equal(t, `{"name":"x\",\"role\":\"admin\",\"z\":\"","role":"member"}`, string(r.Body))
	assert.Equal(t, "member", gjson.GetBytes(r.Body, "role").Str)

	spec.Request.Body = `{"qty": {{.args.qty}}, "tags": {{.args.tags}}, "note": {{.args.note}}}`
	order, _, err := CompileTool("tools[0]", spec, nil, nil)
	require.NoError(t, err)
	for args, want := range map[string]string{
		`{"qty":3,"tags":["a"],"note":"\"hi\""}`:   `{"qty": 3, "tags": ["a"], "note": "hi"}`,
		`{"qty":"2.50","tags":[],"note":"null"}`:   `{"qty": 2.5, "tags": [], "note": null}`,
		`{"qty":1e21,"tags":[{"k":1}],"note":"7"}`: `{"qty": 1e+21, "tags": [{"k":1}], "note": 7}`,
	} {
		require.NoError(t, build(order, gjson.Parse(args), nil, &r), args)
		assert.Equal(t, want, string(r.Body), args)
	}
	for args, arg := range map[string]string{
		`{"qty":1,"tags":[],"note":"1, \"role\": \"admin\""}`: "note",
		`{"qty":1,"tags":[]}`:    "note",
		`{"tags":[],"note":"1"}`: "qty",
		`{"qty":1,"note":"1"}`:   "tags",
	} {
		err := build(order, gjson.Parse(args), nil, &r)
		assert.Equal(t, &CallError{Msg: `invalid arguments: a value placed outside a JSON string in the request body must be exactly one JSON value ` +
			`(a number, true, false, null, a quoted string, an object or an array) (argument "` + arg + `")`}, err, args)
	}
}

// TestContentTypeAsHigress: Higress's RouteCall rewrites the client's request in place, so the
// client's content-type stays unless the tool's headers or body set one; a body template's JSON
// label is added when Higress's own (raw) rendering is JSON.
func TestContentTypeAsHigress(t *testing.T) {
	f := loadFixture(t)
	jsonCT := [2]string{"content-type", "application/json"}
	cases := []struct {
		name, tool, args string
		client           [][2]string
		want             []string // every content-type value sent
	}{
		{"bodyless: the client's", "get_item", `{"id":"1"}`, [][2]string{jsonCT}, []string{"application/json"}},
		{"bodyless: the client's, verbatim", "get_item", `{"id":"1"}`,
			[][2]string{{"Content-Type", "application/json; charset=UTF-8"}}, []string{"application/json; charset=UTF-8"}},
		{"bodyless, client sent none: none", "get_item", `{"id":"1"}`, nil, nil},
		{"JSON body template: Higress's label", "commit_message", `{"message":"plain"}`, [][2]string{jsonCT},
			[]string{"application/json; charset=utf-8"}},
		{"escaped value, raw rendering not JSON: the client's", "commit_message", `{"message":"say \"hi\""}`, [][2]string{jsonCT},
			[]string{"application/json"}},
		{`escaped value, raw rendering still JSON ("C:\temp"): Higress's label`, "commit_message", `{"message":"C:\\temp"}`,
			[][2]string{jsonCT}, []string{"application/json; charset=utf-8"}},
		{"template content-type header wins", "ip_lookup", `{"ip":"1.2.3.4"}`, [][2]string{jsonCT},
			[]string{"application/x-www-form-urlencoded"}},
		{"body args as JSON: Higress's label", "body_args_json", `{"name":"n","count":3}`, [][2]string{jsonCT},
			[]string{"application/json; charset=utf-8"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r Request
			require.NoError(t, build(f.tool(t, c.tool), gjson.Parse(c.args), c.client, &r))
			var got []string
			for _, kv := range r.Headers {
				if kv[0] == "content-type" {
					got = append(got, kv[1])
				}
			}
			assert.Equal(t, c.want, got)
		})
	}
}
