package rest

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	gjt "github.com/higress-group/gjson_template"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/httpsyntax"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jsonenc"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/urlenc"
	tpl "github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/template"
)

const diffConfig = `{"k":"v w","n":1.50,"o":{"x": [1, 2]},"z":null}`

func diffTool(t testing.TB) *compiler {
	t.Helper()
	c := &compiler{path: "tools[0]", tool: &Tool{name: "d",
		args: []arg{{name: "a"}, {name: "b", typ: typeInteger}, {name: "c"}}}}
	require.NoError(t, c.setConfig([]byte(diffConfig)))
	return c
}

// renderFastAndEngine renders src on the fast path (when it takes it) and with gjson_template
// over the same data (the tool's argument text and template data must agree); ok is false when
// src is not a fast-path template.
func renderFastAndEngine(t testing.TB, c *compiler, src string, args gjson.Result) (fast, engine string, ok bool) {
	tp, err := c.template("tools[0].x", "x", src, false)
	if err != nil || strings.Contains(src, "uuidv4") {
		return "", "", false
	}
	if _, _, fast := tp.Sample(""); !fast {
		return "", "", false
	}
	cc := &Call{}
	if c.tool.Prepare(args, cc) != nil {
		return "", "", false
	}
	var s tpl.TextSink
	require.NoError(t, tp.Render(&s, cc))
	eng, err := gjt.New("x").Funcs(gjt.FuncMap{"getRealIP": func() string { return "" }, "getSocketIP": func() string { return "" }}).Parse(src)
	require.NoError(t, err)
	var out strings.Builder
	require.NoError(t, eng.Execute(&out, cc.Data(false)))
	return string(s.Bytes()), out.String(), true
}

func TestFastPathMatchesEngine(t *testing.T) {
	c := diffTool(t)
	args := gjson.Parse(`{"a":"x y\"z","b":"7","c":{"p": [true, null]}, "d":"undeclared"}`)
	cases := []struct{ src, want string }{
		{"plain", "plain"},
		{"{{.args.a}}", `x y"z`},
		{"{{ .args.a }}|{{.args.b}}|{{.args.c}}", `x y"z|7|{"p":[true,null]}`},
		{"{{- .args.a -}} {{/* note */}} {{.config.k}}", `x y"z v w`},
		{"{{.config.n}} {{.config.o}} {{.config.z}} {{.config.missing}}.", `1.50 {"x":[1,2]} null .`},
		{"{{.args.d}}{{.args.missing}}", ""},
	}
	for _, cs := range cases {
		fast, engine, ok := renderFastAndEngine(t, c, cs.src, args)
		require.True(t, ok, cs.src)
		assert.Equal(t, cs.want, fast, cs.src)
		assert.Equal(t, engine, fast, cs.src)
	}
	// {{.config.x}} becomes text only where dot is the data root
	tp, err := c.template("tools[0].x", "x", `{{range .args.c.p}}[{{.config.k}}]{{end}}{{if 1}}{{.config.k}}{{end}}`, false)
	require.NoError(t, err)
	cc := &Call{}
	require.NoError(t, c.tool.Prepare(gjson.Parse(`{"c":{"p":[{"config":{"k":"item"}},{}]}}`), cc))
	var s tpl.TextSink
	require.NoError(t, tp.Render(&s, cc))
	assert.Equal(t, "[item][]v w", string(s.Bytes()))
	for _, src := range []string{"{{.args}}", "{{.args.a | upper}}", "{{$x := 1}}", "{{range .args.c}}{{end}}", "{{.args.c.p}}", "{{define \"t\"}}x{{end}}"} {
		_, _, ok := renderFastAndEngine(t, c, src, args)
		assert.False(t, ok, "%s must use the engine", src)
	}
}

// FuzzFastTemplate: whenever a template takes the fast path, it renders exactly as
// gjson_template does over the same data.
func FuzzFastTemplate(f *testing.F) {
	for _, s := range []string{"{{.args.a}}", "a{{ .config.k }}b{{.args.b}}", "{{- .args.c -}}", "{{/*c*/}}{{.x}}", "{{.args.a}}{{"} {
		f.Add(s, `{"a":"x","b":3,"c":[1, {"d" : "e"}]}`)
	}
	f.Fuzz(func(t *testing.T, src, argsJSON string) {
		if !gjson.Valid(argsJSON) {
			argsJSON = "{}"
		}
		c := diffTool(t)
		fast, engine, ok := renderFastAndEngine(t, c, src, gjson.Parse(argsJSON))
		if ok && fast != engine {
			t.Fatalf("%q: fast %q, engine %q", src, fast, engine)
		}
	})
}

// FuzzBuildRequest sends arbitrary values through fixture tools: no panic, values never
// change the URL's structure (a {name} value stays one segment; a template value in the path
// may add segments but never a query, fragment or dot segment), header values never carry control characters, JSON bodies stay valid.
func FuzzBuildRequest(f *testing.F) {
	for _, s := range [][2]string{{"a", "b"}, {"../x?y=1#z", "a&b=c"}, {"\r\nx: y", "{id}"}, {"..", "%2e"}, {"é\xff", ";,/"}, {`x","role":"admin`, `t", "draft": true, "z": "`}} {
		f.Add(s[0], s[1])
	}
	fx := loadFixture(f)
	slashes := map[string]int{"get_item": 3, "search_code": 4, "delete_note": 4, "labels_query": 3, "sandbox_run": 1,
		"commit_message": 1, "create_issue": 1, "header_cookie": 1, "nonce_header": 1, "ip_lookup": 1, "price_form": 1}
	f.Fuzz(func(t *testing.T, a, b string) {
		args := `{"id":` + q(a) + `,"q":` + q(b) + `,"owner":` + q(a) + `,"repo":` + q(b) + `,"query":` + q(a) +
			`,"teamPath":` + q(a) + `,"noteId":` + q(b) + `,"labels":[` + q(a) + `],"state":` + q(b) + `,"sandbox":` + q(a) +
			`,"code":` + q(b) + `,"message":` + q(a) + `,"title":` + q(b) + `,"X-Trace-Tag":` + q(a) + `,"hint":` + q(b) +
			`,"lang":` + q(a) + `,"ip":` + q(b) + `,"province":` + q(a) + `,"code":` + q(b) + `}`
		for name, want := range slashes {
			var r Request
			if err := build(fx.tool(t, name), gjson.Parse(args), nil, &r); err != nil {
				if _, ok := err.(*CallError); !ok {
					t.Fatalf("%s: error is %T, not *CallError", name, err)
				}
				continue
			}
			checkRequest(t, name, &r, want)
		}
	})
}

func q(s string) string { return string(jsonenc.AppendString(nil, s)) }

// templatePathValues are the fixture tools whose URL path has {{.args.x}}
// values, which may span segments; every other tool's {name} placeholders
// keep the segment count exact.
var templatePathValues = map[string]bool{"search_code": true, "labels_query": true}

// bodyKeys are the members of the fixture tools' JSON body templates: no value may add,
// remove or rename one.
var bodyKeys = map[string]string{"create_issue": "title,labels,draft,tenant", "commit_message": "message,tenant"}

func checkRequest(t *testing.T, name string, r *Request, slashes int) {
	n := strings.Count(r.Path, "/")
	badCount := n != slashes
	if templatePathValues[name] {
		badCount = n < slashes
	}
	if !strings.HasPrefix(r.Path, "/") || strings.ContainsAny(r.Path, "?#") || !urlenc.PathIsClean(r.Path) ||
		badCount || urlenc.HasDotSegment(r.Path) {
		t.Fatalf("%s: path %q", name, r.Path)
	}
	u, err := url.Parse("http://h" + r.URI())
	if err != nil || u.EscapedPath() != r.Path {
		t.Fatalf("%s: URI %q does not round-trip: %v", name, r.URI(), err)
	}
	got, err := url.ParseQuery(u.RawQuery)
	if err != nil || len(got) > len(r.Query) {
		t.Fatalf("%s: query %q: %v", name, u.RawQuery, err)
	}
	if r.Authority != "" && !isAuthority(r.Authority) {
		t.Fatalf("%s: authority %q", name, r.Authority)
	}
	for _, h := range r.Headers {
		if httpsyntax.HasControl(h[1]) || h[0] != strings.ToLower(h[0]) {
			t.Fatalf("%s: header %q", name, h)
		}
	}
	if ct, _ := r.Header("content-type"); strings.Contains(ct, "json") && !gjson.ValidBytes(r.Body) {
		t.Fatalf("%s: invalid JSON body %q", name, r.Body)
	}
	if want, ok := bodyKeys[name]; ok {
		var keys []string
		gjson.ParseBytes(r.Body).ForEach(func(k, _ gjson.Result) bool { keys = append(keys, k.Str); return true })
		if strings.Join(keys, ",") != want {
			t.Fatalf("%s: body members %q, want %s (a value rewrote the JSON body)", name, keys, want)
		}
	}
	if name == "commit_message" && utf8.ValidString(gjson.GetBytes(r.Body, "message").Str) == false {
		t.Fatalf("%s: message not UTF-8", name)
	}
}

// FuzzCompileURL compiles arbitrary URL templates: no panic, and whatever compiles builds
// requests whose path keeps its shape.
func FuzzCompileURL(f *testing.F) {
	for _, s := range []string{"https://h.example/a/{id}?q={{.args.q}}", "/x/{{.args.id}}/{id}", "{{.config.base}}/v1",
		"https://{{.args.id}}.h.example/", "http://h:8080/%41{{.args.q | upper}}?a=%20&b", "https://h/{{if .args.q}}x?y={{.args.q}}{{end}}"} {
		f.Add(s, "a/b?c", "d&e")
	}
	f.Fuzz(func(t *testing.T, tmpl, id, qv string) {
		spec := ToolSpec{Name: "f", Args: []ArgSpec{{Name: "id", Position: "path"}, {Name: "q", Position: "query"}},
			Request: &RequestTemplateSpec{URL: tmpl, Method: "GET"}}
		tool, _, err := CompileTool("tools[0]", spec, []byte(`{"base":"https://b.example"}`), nil)
		if err != nil {
			return
		}
		var r Request
		if err := build(tool, gjson.Parse(`{"id":`+q(id)+`,"q":`+q(qv)+`}`), nil, &r); err != nil {
			return
		}
		if !strings.HasPrefix(r.Path, "/") || strings.ContainsAny(r.Path, "?#") || !urlenc.PathIsClean(r.Path) || urlenc.HasDotSegment(r.Path) {
			t.Fatalf("%q: path %q", tmpl, r.Path)
		}
		if _, err := url.Parse("http://h" + r.URI()); err != nil {
			t.Fatalf("%q: URI %q: %v", tmpl, r.URI(), err)
		}
		if r.Scheme != "" && r.Scheme != "http" && r.Scheme != "https" || r.Scheme != "" && !isAuthority(r.Authority) {
			t.Fatalf("%q: %q %q", tmpl, r.Scheme, r.Authority)
		}
	})
}
