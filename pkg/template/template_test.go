package template

import (
	"encoding/json"
	"errors"
	"strconv"
	"testing"

	"github.com/Masterminds/sprig/v3"
	gjt "github.com/higress-group/gjson_template"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jsonenc"
)

// testValues serves string arguments by name (absent when missing from vals).
type testValues struct {
	names  []string
	vals   map[string]string
	client string // "_client" member when asked for
}

// Arg returns the text the engine prints for the argument in Data: invalid UTF-8 becomes
// U+FFFD, byte by byte, as in the JSON string Data holds.
func (v testValues) Arg(i int) (string, bool) {
	s, ok := v.vals[v.names[i]]
	var back string
	_ = json.Unmarshal(jsonenc.AppendString(nil, s), &back)
	return back, ok
}

func (v testValues) Data(withClient bool) []byte {
	b := []byte(`{"config":{"k":"v w"},"args":{`)
	first := true
	for _, n := range v.names {
		if s, ok := v.vals[n]; ok {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = jsonenc.AppendString(b, n)
			b = append(b, ':')
			b = jsonenc.AppendString(b, s)
		}
	}
	b = append(b, '}')
	if withClient {
		b = append(b, `,"_client":`...)
		b = append(b, v.client...)
	}
	return append(b, '}')
}

var testNames = []string{"a", "id", "q"}

func testScope(warns *[]string) Scope {
	return Scope{
		Config: gjson.Parse(`{"k":"v w","n":1.50,"o":{"x":[1,2]}}`),
		Args:   testNames,
		Warn:   func(msg string) { *warns = append(*warns, msg) },
		Rand: func(b []byte) (int, error) {
			for i := range b {
				b[i] = byte(i * 17)
			}
			return len(b), nil
		},
	}
}

func render(t *testing.T, tp *Template, s Sink, vals map[string]string) error {
	t.Helper()
	return tp.Render(s, testValues{names: testNames, vals: vals, client: `{"realIP":"10.0.0.1","socketIP":"10.0.0.2"}`})
}

func TestCompileAndRender(t *testing.T) {
	vals := map[string]string{"a": `x"y`, "id": "7"}
	cases := []struct {
		src        string
		fast       bool
		literal    string // when the template is all literal text
		isLiteral  bool
		want       string
		usesClient bool
		warn       string
	}{
		{src: "plain", fast: true, literal: "plain", isLiteral: true, want: "plain"},
		{src: "", fast: true, literal: "", isLiteral: true, want: ""},
		{src: "{{.config.k}}/{{ .config.n }}/{{.config.o}}{{/* c */}}", fast: true, literal: `v w/1.50/{"x":[1,2]}`, isLiteral: true, want: `v w/1.50/{"x":[1,2]}`},
		{src: "a={{.args.a}} {{- .args.id -}} .", fast: true, want: `a=x"y7.`},
		{src: "{{.args.nope}}!", fast: true, literal: "!", isLiteral: true, want: "!", warn: `template reads undeclared argument "nope"; it renders empty`},
		{src: "{{uuidv4}}", fast: true, want: "00112233-4455-4677-8899-aabbccddeeff"},
		{src: "{{.args.a | upper}}", want: `X"Y`},
		{src: "{{if .args.q}}q{{else}}{{.config.k}}{{end}}", want: "v w"},
		{src: "{{getRealIP}} {{getSocketIP}}", want: "10.0.0.1 10.0.0.2", usesClient: true},
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			var warns []string
			tp, err := Compile("x", c.src, testScope(&warns))
			require.NoError(t, err)
			assert.Equal(t, c.fast, (tp.eng == nil))
			lit, ok := tp.Literal()
			assert.Equal(t, c.isLiteral, ok)
			assert.Equal(t, c.literal, lit)
			assert.Equal(t, c.usesClient, tp.UsesClient())
			var s TextSink
			require.NoError(t, render(t, tp, &s, vals))
			assert.Equal(t, c.want, string(s.Bytes()))
			if c.warn != "" {
				assert.Equal(t, []string{c.warn}, warns)
			} else {
				assert.Empty(t, warns)
			}
		})
	}
}

func TestCompileError(t *testing.T) {
	var warns []string
	_, err := Compile("url", "{{.args.a", testScope(&warns))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unclosed action")
}

// A template over a REST body takes the fast path only when it is all literal text, and never
// turns {{.config.x}} into text: .config is the body's field there.
func TestOverBody(t *testing.T) {
	var warns []string
	sc := testScope(&warns)
	sc.OverBody = true
	tp, err := Compile("r", "{{.config.k}}|{{.args.a}}", sc)
	require.NoError(t, err)
	assert.False(t, (tp.eng == nil))
	var s TextSink
	require.NoError(t, tp.RenderData(&s, []byte(`{"config":{"k":"body"},"args":{"a":"given"}}`)))
	assert.Equal(t, "body|given", string(s.Bytes()))
	lit, err := Compile("r", "done", sc)
	require.NoError(t, err)
	s.Reset("")
	require.NoError(t, lit.RenderData(&s, []byte(`{}`)))
	assert.Equal(t, "done", string(s.Bytes()))
}

func TestSampleAndPlaceholders(t *testing.T) {
	var warns []string
	tp, err := Compile("url", "https://h/{id}/{other}?q={{.args.q}}", testScope(&warns))
	require.NoError(t, err)
	sample, n, ok := tp.Sample("x")
	assert.Equal(t, "https://h/{id}/{other}?q=x", sample)
	assert.Equal(t, 1, n)
	assert.True(t, ok)
	tp.SplitPlaceholders(func(name string) int {
		if name == "id" {
			return 1
		}
		return -1
	})
	var u URLSink
	u.Reset(64)
	require.NoError(t, render(t, tp, &u, map[string]string{"id": "a/b", "q": "1&x=2"}))
	assert.Equal(t, "https://h/a%2Fb/{other}?q=1%26x%3D2", string(u.Bytes()))
	u.Reset(0)
	err = render(t, tp, &u, map[string]string{"q": "1"})
	var me *MissingArgError
	require.True(t, errors.As(err, &me))
	assert.Equal(t, 1, me.Arg)
	u.Reset(0)
	err = render(t, tp, &u, map[string]string{"id": "", "q": "1"})
	var ve *ValueError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, ValueError{Msg: EmptyPlaceholder, Arg: 1}, *ve)
	eng, err := Compile("url", "{{if .args.q}}/x{{end}}", testScope(&warns))
	require.NoError(t, err)
	_, _, ok = eng.Sample("x")
	assert.False(t, ok)
}

func TestFirstText(t *testing.T) {
	var warns []string
	for src, want := range map[string]string{
		` {"a":"{{.args.a}}"}`:                ` {"a":"`,
		`{{/* c */}}[1,{{.args.a | upper}}]`:  `[1,`,
		`{{if .args.a}}{"a":1}{{end}}`:        ``,
		`{{.config.k}}/x`:                     `v w/x`,
		`{{.config.k}}/{{ .args.a | upper }}`: `v w/`,
	} {
		tp, err := Compile("b", src, testScope(&warns))
		require.NoError(t, err)
		assert.Equal(t, want, tp.FirstText(), src)
	}
}

func TestLocation(t *testing.T) {
	var warns []string
	tp, err := Compile("body", `{{index .args.a 5}}`, testScope(&warns))
	require.NoError(t, err)
	var s TextSink
	err = render(t, tp, &s, map[string]string{"a": "secret-value"})
	require.Error(t, err)
	assert.Equal(t, "body:1:16: executing \"body\" at <5>", Location(err))
	assert.NotContains(t, Location(err), "secret-value")
	assert.Equal(t, "", Location(errors.New("other")))
}

func TestUUIDIsVersion4(t *testing.T) {
	tp, err := Compile("x", "{{uuidv4}}", Scope{})
	require.NoError(t, err)
	var s TextSink
	require.NoError(t, tp.Render(&s, testValues{}))
	u := string(s.Bytes())
	require.Len(t, u, 36)
	assert.Equal(t, byte('4'), u[14], u)
	v, err := strconv.ParseUint(u[19:20], 16, 8)
	require.NoError(t, err)
	assert.Equal(t, uint64(8), v&0xc, u)
}

// TestUsesArgs: a response template gets "args" in its data only when it may read them, so
// {{ . }} renders the backend's JSON alone (mcp-blockscout).
func TestUsesArgs(t *testing.T) {
	cases := []struct {
		src  string
		want bool
	}{
		{"{{ . }}", false},
		{"{{ toJson . }}", false},
		{"{{ .result.items }}", false},
		{`{{ gjson "result.#.name" }}`, false},
		{"{{ range .items }}{{ .name }}{{ end }}", false},
		{"{{ .args.city }}", true},
		{"{{ if .args }}a{{ end }}", true},
		{"{{ $.args.units }}", true},
		{"{{ with $r := . }}{{ $r.args.x }}{{ end }}", true},
		{"{{ (index .list 0).args }}", true}, // over-approximated: any chain ending in .args
		{"{{ (.).args.x }}", true},
		{`{{ gjson "args.city" }}`, true},
		{`{{ gjson .path }}`, true},                      // path not known at compile time
		{"{{ range .items }}{{ .args }}{{ end }}", true}, // over-approximated: may be the root's
		{`{{ define "t" }}{{ .args.x }}{{ end }}{{ template "t" . }}`, true},
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			tp, err := Compile("x", c.src, Scope{OverBody: true})
			require.NoError(t, err)
			assert.Equal(t, c.want, tp.UsesArgs())
		})
	}
}

func TestLiteralText(t *testing.T) {
	var warns []string
	for src, want := range map[string]string{
		`{{- if .args.a -}}{"name":"{{ .args.a }}","role":"member"}{{- end -}}`: `{"name":"","role":"member"}`,
		`{{with .args.a}}[{{.}}]{{else}}{}{{end}}`:                              `[]{}`,
		`{{range .args.q}}x{{end}} {"k":"{{.config.k}}"}`:                       `x {"k":"v w"}`,
		`{{define "t"}}ignored{{end}}{{template "t"}}{"a":1}`:                   `{"a":1}`,
		` {"a":"{{.args.a}}"}`:                                                  ` {"a":""}`,
		`{{.args.a}}`:                                                           ``,
	} {
		tp, err := Compile("body", src, testScope(&warns))
		require.NoError(t, err)
		assert.Equal(t, want, tp.LiteralText(), src)
	}
}

// TestEngineFuncNames: parseEngine accepts exactly the function names gjson_template's own
// Parse does, and yields the same templates, errors included, so compiling against the
// once-built name set changes no configuration's outcome.
func TestEngineFuncNames(t *testing.T) {
	names := map[string]bool{"env": true, "expandenv": true, "nosuch": true, "getRealIP": true, "getSocketIP": true}
	for n := range sprig.GenericFuncMap() {
		names[n] = true
	}
	for n := range engineFuncNames() {
		names[n] = true
	}
	srcs := []string{
		`{{define "x"}}{{.args.id}}{{end}}{{template "x" .}}`,
		`{{define "empty"}} {{end}}{{if .args.q}}{{.args.q | upper}}{{else}}none{{end}}`,
		`{"id": {{.args.id | toJson}}, "at": "{{now | date "2006"}}"}`,
		`{{range $i, $v := gjson "items"}}{{$i}}{{end}}`,
		`{{.args.id`,
		`{{end}}`,
		`{{env "HOME"}}`,
	}
	for n := range names {
		srcs = append(srcs, "{{"+n+"}}", "{{.args.x | "+n+"}}")
	}
	for _, src := range srcs {
		want, wantErr := gjt.New("tool").Funcs(parseFuncs).Parse(src)
		got, err := parseEngine("tool", src)
		if wantErr != nil || err != nil {
			if wantErr == nil || err == nil || err.Error() != wantErr.Error() {
				t.Errorf("%s: error %v, gjson_template's Parse: %v", src, err, wantErr)
			}
			continue
		}
		trees := func(tp *gjt.Template) map[string]string {
			m := map[string]string{}
			for _, t := range tp.Templates() {
				if t.Tree != nil {
					m[t.Name()] = t.Root.String()
				}
			}
			return m
		}
		assert.Equal(t, trees(want), trees(got), src)
		assert.Equal(t, want.Root.String(), got.Root.String(), src)
	}
}
