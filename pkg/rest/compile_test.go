package rest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
)

func upstream(url string, mod func(*ToolSpec)) ToolSpec {
	s := ToolSpec{Name: "t", Request: &RequestTemplateSpec{URL: url, Method: "GET"}}
	if mod != nil {
		mod(&s)
	}
	return s
}

func TestCompileErrors(t *testing.T) {
	cases := []struct {
		name string
		spec ToolSpec
		cfg  string
		want string
	}{
		{"template parse error names the JSON path", upstream("https://x.example/a", func(s *ToolSpec) {
			s.Request.Headers = []HeaderSpec{{Key: "A", Value: "1"}, {Key: "B", Value: "{{ .args.x "}}
		}), "", `tools[3].requestTemplate.headers[1].value: template: header:1: unclosed action`},
		{"unknown function", upstream("https://x.example/{{ nope .args.x }}", nil), "",
			`tools[3].requestTemplate.url: template: url:1: function "…" not defined`},
		{"body template error", upstream("https://x.example/a", func(s *ToolSpec) { s.Request.Body = "{{end}}" }), "",
			`tools[3].requestTemplate.body: template: body:1: unexpected {{end}}`},
		{"response template error", upstream("https://x.example/a", func(s *ToolSpec) { s.Response.Body = "{{if}}" }), "",
			`tools[3].responseTemplate.body: template: responseTemplate:1: missing value for if`},
		{"error template error", upstream("https://x.example/a", func(s *ToolSpec) { s.ErrorResponseTemplate = "{{" }), "",
			`tools[3].errorResponseTemplate: template: errorResponseTemplate:1: unclosed action`},
		{"no name", ToolSpec{}, "", `tools[3].name: is required`},
		{"bad method", upstream("https://x.example/a", func(s *ToolSpec) { s.Request.Method = "TRACE" }), "",
			`tools[3].requestTemplate.method: unsupported method "TRACE" (want GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS)`},
		{"missing method", upstream("https://x.example/a", func(s *ToolSpec) { s.Request.Method = "" }), "",
			`tools[3].requestTemplate.method: unsupported method "" (want GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS)`},
		{"two argsTo options", upstream("https://x.example/a", func(s *ToolSpec) {
			s.Request.ArgsToJSONBody, s.Request.ArgsToURLParam = true, true
		}), "", `tools[3].requestTemplate: only one of argsToJsonBody, argsToUrlParam and argsToFormBody can be true`},
		{"ftp scheme", upstream("ftp://x.example/a", nil), "",
			`tools[3].requestTemplate.url: must start with http://, https:// or / (after {{.config.x}} values are filled in)`},
		{"host-relative URL", upstream("x.example/a", nil), "",
			`tools[3].requestTemplate.url: must start with http://, https:// or / (after {{.config.x}} values are filled in)`},
		{"URL starting with an arg", upstream("{{.args.base}}/a", func(s *ToolSpec) { s.Args = []ArgSpec{{Name: "base"}} }), "",
			`tools[3].requestTemplate.url: must start with http://, https:// or / (after {{.config.x}} values are filled in)`},
		{"userinfo", upstream("https://u:p@x.example/a", nil), "", `tools[3].requestTemplate.url: must not contain userinfo (user@)`},
		{"URL starting with an engine action", upstream("{{.args.base | lower}}/a", nil), "",
			`tools[3].requestTemplate.url: must start with http://, https:// or / (after {{.config.x}} values are filled in)`},
		{"fragment", upstream("https://x.example/a#top", nil), "", `tools[3].requestTemplate.url: must not contain a fragment (#) or a line break`},
		{"fragment from config", upstream("{{.config.base}}/a", nil), `{"base":"https://x.example/#"}`,
			`tools[3].requestTemplate.url: must not contain a fragment (#) or a line break`},
		{"no host", upstream("https:///a", nil), "", `tools[3].requestTemplate.url: has no host`},
		{"literal dot segment", upstream("https://x.example/a/../b", nil), "",
			`tools[3].requestTemplate.url: path must not contain "." or ".." segments`},
		{"bad escape", upstream("https://x.example/a%zz", nil), "", `tools[3].requestTemplate.url: invalid URL: invalid URL escape "%zz"`},
		{"bad query escape", upstream("https://x.example/a?q=%zz", nil), "", `tools[3].requestTemplate.url: invalid query: invalid URL escape "%zz"`},
		{"forbidden template header", upstream("https://x.example/a", func(s *ToolSpec) {
			s.Request.Headers = []HeaderSpec{{Key: "Content-Length", Value: "1"}}
		}), "", `tools[3].requestTemplate.headers[0].key: header "content-length" cannot be set by a template (it frames or routes the request)`},
		{"bad header name", upstream("https://x.example/a", func(s *ToolSpec) {
			s.Request.Headers = []HeaderSpec{{Key: "X Y", Value: "1"}}
		}), "", `tools[3].requestTemplate.headers[0].key: is not a valid header name (an HTTP token: no spaces, colons or quotes)`},
		{"duplicate template header", upstream("https://x.example/a", func(s *ToolSpec) {
			s.Request.Headers = []HeaderSpec{{Key: "X-A", Value: "1"}, {Key: "x-a", Value: "2"}}
		}), "", `tools[3].requestTemplate.headers[1].key: duplicate header name (also tools[3].requestTemplate.headers[0])`},
		{"line break in a header value", upstream("https://x.example/a", func(s *ToolSpec) {
			s.Request.Headers = []HeaderSpec{{Key: "X-A", Value: "1\r\nX-B: 2"}}
		}), "", `tools[3].requestTemplate.headers[0].value: must not contain control characters (a tab aside)`},
		{"line break from config", upstream("https://x.example/a", func(s *ToolSpec) {
			s.Request.Headers = []HeaderSpec{{Key: "X-A", Value: "{{.config.k}}"}}
		}), `{"k":"a\nb"}`, `tools[3].requestTemplate.headers[0].value: must not contain control characters (a tab aside)`},
		{"header arg shadows a template header", upstream("https://x.example/a", func(s *ToolSpec) {
			s.Request.Headers = []HeaderSpec{{Key: "X-Tenant", Value: "acme"}}
			s.Args = []ArgSpec{{Name: "x-tenant", Position: "header"}}
		}), "", `tools[3].args[0].name: header arg "x-tenant" is also a template header`},
		{"header arg host", upstream("https://x.example/a", func(s *ToolSpec) { s.Args = []ArgSpec{{Name: "Host", Position: "header"}} }), "",
			`tools[3].args[0].name: header "Host" cannot be set by an arg`},
		{"header arg cookie", upstream("https://x.example/a", func(s *ToolSpec) { s.Args = []ArgSpec{{Name: "cookie", Position: "header"}} }), "",
			`tools[3].args[0].name: header "cookie" cannot be set by an arg`},
		{"cookie arg name", upstream("https://x.example/a", func(s *ToolSpec) { s.Args = []ArgSpec{{Name: "a=b", Position: "cookie"}} }), "",
			`tools[3].args[0].name: a cookie arg name must be an HTTP token`},
		{"unknown type", upstream("https://x.example/a", func(s *ToolSpec) { s.Args = []ArgSpec{{Name: "a", Type: "str"}} }), "",
			`tools[3].args[0].type: unknown type "str" (want string, number, integer, boolean, array or object)`},
		{"unknown position", upstream("https://x.example/a", func(s *ToolSpec) { s.Args = []ArgSpec{{Name: "a", Position: "form"}} }), "",
			`tools[3].args[0].position: unknown position "form" (want query, path, header, cookie or body)`},
		{"arg without name", upstream("https://x.example/a", func(s *ToolSpec) { s.Args = []ArgSpec{{Type: "string"}} }), "",
			`tools[3].args[0].name: is required`},
		{"duplicate arg", upstream("https://x.example/a", func(s *ToolSpec) { s.Args = []ArgSpec{{Name: "a"}, {Name: "a"}} }), "",
			`tools[3].args[1].name: duplicate arg name "a"`},
		{"enum not an array", upstream("https://x.example/a", func(s *ToolSpec) { s.Args = []ArgSpec{{Name: "a", Enum: []byte(`"x"`)}} }), "",
			`tools[3].args[0].enum: must be an array`},
		{"invalid default", upstream("https://x.example/a", func(s *ToolSpec) { s.Args = []ArgSpec{{Name: "a", Default: []byte(`{`)}} }), "",
			`tools[3].args[0].default: is not valid JSON`},
		{"extra repeats a keyword", upstream("https://x.example/a", func(s *ToolSpec) {
			s.Args = []ArgSpec{{Name: "a", Extra: [][2]string{{"type", `"string"`}}}}
		}), "", `tools[3].args[0].type: keyword is set twice`},
		{"local tool without response body", ToolSpec{Name: "t"}, "", `tools[3].responseTemplate.body: is required for a tool without requestTemplate.url`},
		{"body with prependBody", upstream("https://x.example/a", func(s *ToolSpec) {
			s.Response = ResponseTemplateSpec{Body: "x", PrependBody: "y"}
		}), "", `tools[3].responseTemplate: prependBody and appendBody cannot be used with body`},
		{"outputSchema not an object", upstream("https://x.example/a", func(s *ToolSpec) { s.OutputSchema = []byte(`[]`) }), "",
			`tools[3].outputSchema: must be a JSON object`},
		{"server.config not an object", upstream("https://x.example/a", nil), `[1]`, `server.config: must be a JSON object`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var cfg []byte
			if c.cfg != "" {
				cfg = []byte(c.cfg)
			}
			_, _, err := CompileTool("tools[3]", c.spec, cfg, nil)
			require.Error(t, err)
			assert.Equal(t, c.want, err.Error())
		})
	}
}

func TestCompileWarnings(t *testing.T) {
	spec := ToolSpec{Name: "w", Args: []ArgSpec{
		{Name: "n", Type: "bool", Default: []byte(`"maybe"`)},
		{Name: "u", Type: "string", Enum: []byte(`["a"]`), Default: []byte(`"b"`)},
		{Name: "id", Type: "string", Position: "query"},
	}, Request: &RequestTemplateSpec{URL: "https://x.example/items/{id}/{{.args.ghost}}", Method: "post",
		Headers: []HeaderSpec{{Key: "", Value: "x"}}, Body: "{}", ArgsToJSONBody: true},
		Response:     ResponseTemplateSpec{PrependBody: "p"},
		OutputSchema: []byte(`{"type":"object"}`)}
	_, warns, err := CompileTool("tools[1]", spec, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, []configerr.Warning{
		{Path: "tools[1].args[0].type", Msg: `type "bool" is not a JSON Schema type; listed as "boolean"`},
		{Path: "tools[1].args[0].default", Msg: `default does not match the arg: "n" must be a boolean`},
		{Path: "tools[1].args[1].default", Msg: `default does not match the arg: "u" must be one of [a]`},
		{Path: "tools[1].requestTemplate.url", Msg: `template reads undeclared argument "ghost"; it renders empty`},
		{Path: "tools[1].requestTemplate.url", Msg: `placeholder {id} is not filled by an arg with position path; calls will be refused`},
		{Path: "tools[1].requestTemplate.headers[0].key", Msg: `empty header key; the header is skipped (as in Higress)`},
		{Path: "tools[1].requestTemplate.body", Msg: `body is set, so argsToJsonBody/argsToFormBody are ignored (as in Higress)`},
		{Path: "tools[1].responseTemplate", Msg: `with outputSchema, a JSON object response is returned as is (text and structuredContent); the response template applies only to other responses`},
	}, warns)
}

func TestToolAccessors(t *testing.T) {
	f := loadFixture(t)
	assert.Equal(t, []Carrier{{In: "query", Name: "city"}, {In: "query", Name: "units"}, {In: "query", Name: "days"},
		{In: "query", Name: "tags"}, {In: "header", Name: "key"}}, f.tool(t, "args_to_url").ArgCarriers())
	assert.Equal(t, []Carrier{{In: "header", Name: "x-trace-tag"}, {In: "cookie", Name: "hint"}, {In: "cookie", Name: "theme"}},
		f.tool(t, "header_cookie").ArgCarriers())
	assert.Equal(t, []Carrier{{In: "query", Name: "q"}, {In: "query", Name: "limit"}}, f.tool(t, "get_item").ArgCarriers())
	assert.Equal(t, "greet", f.tool(t, "greet").Name())
	assert.False(t, f.tool(t, "greet").HasUpstream())
	assert.True(t, f.tool(t, "get_item").HasUpstream())
	assert.True(t, f.tool(t, "ip_lookup").UsesClientAddress())
	assert.False(t, f.tool(t, "get_item").UsesClientAddress())
}

func TestFixtureWarnings(t *testing.T) {
	assert.Equal(t, []configerr.Warning{
		{Path: "tools[2].args[2].type", Msg: `type "int" is not a JSON Schema type; listed as "integer"`},
		{Path: "tools[4].requestTemplate.url", Msg: `placeholder {id} is not filled by an arg with position path; calls will be refused`},
	}, loadFixture(t).warns)
}
