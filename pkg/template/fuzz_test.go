package template

import (
	"strings"
	"testing"

	gjt "github.com/higress-group/gjson_template"
)

// FuzzCompile compiles arbitrary templates: no panic; a fast-path template renders exactly what
// gjson_template renders over the same data (string arguments); every sink survives any value.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{"{{.args.a}}", "a{{ .config.k }}b{{.args.id}}", "{{- .args.q -}}", "{{/*c*/}}{{.x}}",
		"{{.args.a}}{{", `{"n":"{{.args.a}}"}`, "https://{{.args.a}}.h/{id}?q={{.args.q | upper}}"} {
		f.Add(s, "x\"y", "é\xff")
	}
	f.Fuzz(func(t *testing.T, src, a, q string) {
		var warns []string
		tp, err := Compile("x", src, testScope(&warns))
		if err != nil {
			return
		}
		vals := testValues{names: testNames, vals: map[string]string{"a": a, "q": q}, client: `{}`}
		var s TextSink
		fastErr := tp.Render(&s, vals)
		if (tp.eng == nil) && !strings.Contains(src, "uuidv4") {
			eng, err := gjt.New("x").Funcs(parseFuncs).Parse(src)
			if err != nil {
				t.Fatalf("%q: engine cannot parse: %v", src, err)
			}
			var out strings.Builder
			if err := eng.Execute(&out, vals.Data(false)); err != nil || fastErr != nil {
				t.Fatalf("%q: fast err %v, engine err %v", src, fastErr, err)
			}
			if out.String() != string(s.Bytes()) {
				t.Fatalf("%q: fast %q, engine %q", src, s.Bytes(), out.String())
			}
		}
		var u URLSink
		u.Reset(0)
		_ = tp.Render(&u, vals) // any error is a refusal; a panic fails the fuzz run
		var b BodySink
		b.Reset(nil, true, false)
		_ = tp.Render(&b, vals)
	})
}
