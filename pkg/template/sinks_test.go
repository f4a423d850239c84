package template

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestURLSink(t *testing.T) {
	cases := []struct {
		src, a, want, err string
	}{
		{src: "https://{{.args.a}}.h.example/x", a: "eu-1", want: "https://eu-1.h.example/x"},
		{src: "https://{{.args.a}}.h.example/x", a: "evil.example/#", err: `invalid arguments: a value placed in the URL host must be letters, digits, '-' and '_' only`},
		{src: "https://{{.args.a}}.h.example/x", a: "", err: `invalid arguments: a value placed in the URL host must be letters, digits, '-' and '_' only`},
		{src: "https://{{.args.a | lower}}.h.example/x", a: "", err: `invalid arguments: a value placed in the URL host must be letters, digits, '-' and '_' only`},
		{src: "{{.args.a}}://h/x", a: "https", err: "invalid URL: the scheme cannot come from a template value"},
		{src: "https://h/repos/{{.args.a}}/x", a: "src/main.go?x=1#f", want: "https://h/repos/src/main.go%3Fx=1%23f/x"},
		{src: "/v1/{{.args.a}}", a: "a b", want: "/v1/a%20b"},
		{src: "https://h/x?q={{.args.a}}&r=1", a: "1&admin=true", want: "https://h/x?q=1%26admin%3Dtrue&r=1"},
		{src: "https://h/x{{if .args.a}}?q={{.args.a | upper}}{{end}}", a: "a b&c", want: "https://h/x?q=A+B%26C"},
	}
	for _, c := range cases {
		var warns []string
		tp, err := Compile("url", c.src, testScope(&warns))
		require.NoError(t, err, c.src)
		var u URLSink
		u.Reset(0)
		err = render(t, tp, &u, map[string]string{"a": c.a})
		if c.err != "" {
			var ve *ValueError
			require.True(t, errors.As(err, &ve), "%s: %v", c.src, err)
			assert.Equal(t, c.err, ve.Msg, c.src)
			wantArg := 0
			if !(tp.eng == nil) {
				wantArg = -1
			}
			assert.Equal(t, wantArg, ve.Arg, c.src)
			continue
		}
		require.NoError(t, err, c.src)
		assert.Equal(t, c.want, string(u.Bytes()), c.src)
	}
}

func TestBodySink(t *testing.T) {
	cases := []struct {
		src        string
		json, form bool
		a, want    string
		escaped    bool // JSON escaping changed the value
	}{
		{`{"name":"{{.args.a}}","role":"member"}`, true, false, `x","role":"admin`, `{"name":"x\",\"role\":\"admin","role":"member"}`, true},
		{`{"name":"{{.args.a}}"}`, true, false, `plain é`, `{"name":"plain é"}`, false},
		{`{"s":"a\"{{.args.a}}"}`, true, false, "\n", `{"s":"a\"\n"}`, true},
		{`{"n":{{.args.a}}}`, true, false, `5`, `{"n":5}`, false},
		{`name={{.args.a}}&x=1`, false, true, "a b&c=d", `name=a+b%26c%3Dd&x=1`, false},
		{`raw {{.args.a}}`, false, false, `"q"`, `raw "q"`, false},
	}
	for _, v := range []string{"5", "-1.5e3", "true", "null", `"quoted \" string"`, `[1,{"a":"b"}]`, ` {"x": [] } `} {
		cases = append(cases, struct {
			src        string
			json, form bool
			a, want    string
			escaped    bool
		}{`{"v":{{.args.a}}}`, true, false, v, `{"v":` + v + `}`, false})
	}
	for _, c := range cases {
		var warns []string
		tp, err := Compile("body", c.src, testScope(&warns))
		require.NoError(t, err, c.src)
		var b BodySink
		b.Reset(make([]byte, 3), c.json, c.form)
		require.NoError(t, render(t, tp, &b, map[string]string{"a": c.a}), c.src)
		assert.Equal(t, c.want, string(b.Bytes()), c.src)
		assert.Equal(t, c.escaped, b.Escaped(), c.src)
	}
}

func TestTextSinkHeader(t *testing.T) {
	var warns []string
	tp, err := Compile("header", "Bearer {{.args.a}}", testScope(&warns))
	require.NoError(t, err)
	var s TextSink
	for _, bad := range []string{"a\r\nx-admin: 1", "a\nb", "a\x00", "a\x01", "esc\x1b[31m", "del\x7f"} {
		s.Reset("x-token")
		err := render(t, tp, &s, map[string]string{"a": bad})
		var ve *ValueError
		require.True(t, errors.As(err, &ve), "%q", bad)
		assert.Equal(t, ValueError{Msg: `invalid arguments: header "x-token" would contain a control character`, Arg: 0}, *ve)
	}
	s.Reset("x-token")
	require.NoError(t, render(t, tp, &s, map[string]string{"a": "ok\tvalue"}))
	assert.Equal(t, "Bearer ok\tvalue", string(s.Bytes()))
	s.Reset("") // plain text keeps everything
	require.NoError(t, render(t, tp, &s, map[string]string{"a": "a\nb"}))
	assert.Equal(t, "Bearer a\nb", string(s.Bytes()))
}

// Outside a string literal of a JSON body a value must be exactly one JSON value.
func TestBodySinkJSONValuePosition(t *testing.T) {
	var warns []string
	for _, src := range []string{`{"qty": {{.args.a}}}`, `{"qty": {{.args.a | trim}}}`, `[{{.args.a}}]`} {
		tp, err := Compile("body", src, testScope(&warns))
		require.NoError(t, err)
		for _, bad := range []string{`1, "role": "admin"`, ``, `admin`, `1 2`, `{"a":1`, `"open`, `1}, {"x": 2`} {
			var b BodySink
			b.Reset(nil, true, false)
			err := render(t, tp, &b, map[string]string{"a": bad})
			var ve *ValueError
			require.True(t, errors.As(err, &ve), "%s %q: %v", src, bad, err)
			wantArg := 0
			if !(tp.eng == nil) {
				wantArg = -1
			}
			assert.Equal(t, ValueError{Msg: notOneJSONValue, Arg: wantArg}, *ve, "%s %q", src, bad)
		}
	}
}
