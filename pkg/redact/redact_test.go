package redact

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

var update = flag.Bool("update", false, "rewrite testdata/echoes/*.golden")

// TestEchoes redacts realistic backend echoes (httpbin /anything, a 401 quoting the key, a URL
// with api_key=, Basic echoes, PHP/Python/Go JSON escaping, NDJSON, an HTML page) and compares
// with the golden output; JSON stays JSON and no planted secret remains in any form.
func TestEchoes(t *testing.T) {
	files, err := filepath.Glob("testdata/echoes/*.in")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	s := echoSet()
	for _, in := range files {
		name := strings.TrimSuffix(filepath.Base(in), ".in")
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got := s.Body(body)
			golden := strings.TrimSuffix(in, ".in") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
			if json.Valid(body) && !json.Valid(got) {
				t.Errorf("valid JSON became invalid:\n%s", got)
			}
			for _, sec := range []string{secHeaderKey, secQueryKey, secCookie, secBearer, secBasic, secBasicPass,
				secUniPass, b64(secBasic)[:24], b64(secUnicode)[:24], "tok%2B9Qz", `9Qz\/AbC`, `w\u00f6rd`} {
				if strings.Contains(string(got), sec) {
					t.Errorf("%q remains:\n%s", sec, got)
				}
			}
			if name == "no_secret" && &got[0] != &body[0] {
				t.Errorf("unchanged input was copied")
			}
		})
	}
}

func TestForms(t *testing.T) {
	cases := []struct {
		name string
		set  *Set
		in   string
		want string
	}{
		{"raw in text", New(tok("sk-live-123456")), `key sk-live-123456 bad`, `key [REDACTED] bad`},
		{"json escapes mixed", New(tok("a/b\"c<d")), `{"k":"a\/b\"c\u003cd","v":"a/b\u0022c<d"}`, `{"k":"[REDACTED]","v":"[REDACTED]"}`},
		{"uppercase \\u escape", New(tok("é-token-long")), `{"k":"\u00E9-token-long"}`, `{"k":"[REDACTED]"}`},
		{"surrogate pair", New(tok("key-😀-long")), `{"k":"key-\ud83d\ude00-long"}`, `{"k":"[REDACTED]"}`},
		{"percent upper and lower, plus for space", New(tok("a b/c+d=ef")), `x=a+b%2Fc%2Bd%3def y=a%20b/c+d=ef`, `x=[REDACTED] y=[REDACTED]`},
		{"percent inside JSON string", New(tok("a/b+c=long")), `{"u":"\/x?t=a%2Fb%2Bc%3Dlong&z=1"}`, `{"u":"\/x?t=[REDACTED]&z=1"}`},
		{"secret with backslash in text", New(tok(`back\slash-key`)), `raw back\slash-key json "back\\slash-key"`, `raw [REDACTED] json "[REDACTED]"`},
		{"secret with backslash in JSON", New(tok(`back\slash-key`)), `{"k":"back\\slash-key"}`, `{"k":"[REDACTED]"}`},
		{"secret with percent, raw and encoded", New(tok("pct%41-secret")), `a pct%41-secret b pct%2541-secret`, `a [REDACTED] b [REDACTED]`},
		{"basic forms", New(basic("user:pass-word-1")), "Basic " + b64("user:pass-word-1") + " user:pass-word-1 pass-word-1 user",
			"Basic [REDACTED]== [REDACTED] [REDACTED] user"}, // padding is not secret
		{"authorization value", New(authz("APPCODE app-code-77aa")), `{"Authorization":"APPCODE app-code-77aa"}`, `{"Authorization":"APPCODE [REDACTED]"}`},
		{"authorization basic", New(authz("Basic " + b64("u1:pw-long-11"))), `pw-long-11`, `[REDACTED]`},
		{"longest first", New(tok("abcdefgh"), tok("abcdefgh-ijkl")), `x abcdefgh-ijkl y abcdefgh`, `x [REDACTED] y [REDACTED]`},
		{"overlap leaves no tail", New(tok("abcdef12"), tok("ef123456")), `abcdef123456!`, `[REDACTED]!`},
		{"substring inside another", New(tok("inner-secret"), tok("x-inner-secret-y")), `(x-inner-secret-y)`, `([REDACTED])`},
		{"marker is not rescanned", New(tok("sk-secret-1"), tok("ACTED]tail")), `sk-secret-1tail`, `[REDACTED]tail`},
		{"overlap with a marker-like secret", New(tok("[REDACTED]"), tok("ACTED]tail")), `[REDACTED]tail`, `[REDACTED]`},
		{"secret equal to marker", New(tok("[REDACTED]")), `a [REDACTED] b`, `a [REDACTED] b`},
		{"short secret as whole token", New(tok("k")), `{"X-API-Key":"k","kind":"ok","url":"/x?api_key=k&keep=1"}`,
			`{"X-API-Key":"[REDACTED]","kind":"ok","url":"/x?api_key=[REDACTED]&keep=1"}`},
		{"short secret not inside words", New(tok("tok")), `tokens token Bearer tok.`, `tokens token Bearer [REDACTED].`},
		{"number echoed as number", New(tok("12345678901")), `{"acct":12345678901,"n":[1,912345678901],"s":"12345678901"}`,
			`{"acct":"[REDACTED]","n":[1,"[REDACTED]"],"s":"[REDACTED]"}`},
		{"structure is not an echo", New(tok(`a","b":"c`)), `{"x":"a","b":"c"}`, `{"x":"a","b":"c"}`},
		{"escape is not split", New(tok("u0041bcdefg")), `{"k":"\u0041bcdefg"}`, `{"k":"\u0041bcdefg"}`},
		{"key names redacted too", New(tok("secret-key-name")), `{"secret-key-name":1}`, `{"[REDACTED]":1}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := string(c.set.Body([]byte(c.in))); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestEmptySets(t *testing.T) {
	in := []byte(`{"k":"v"}`)
	for _, s := range []*Set{nil, {}, New(), New(tok(""))} {
		if got := s.Body(in); &got[0] != &in[0] || s.Contains(in) || s.Len() != 0 {
			t.Errorf("empty set changed the input")
		}
		if got := s.JSON(in); &got[0] != &in[0] {
			t.Errorf("empty set copied the input")
		}
		if got := s.Bytes(in); &got[0] != &in[0] {
			t.Errorf("empty set copied the input")
		}
	}
	var nilSet *Set
	if nilSet.With(tok("x-token-123")).Len() != 1 {
		t.Errorf("With on nil")
	}
}

func TestWith(t *testing.T) {
	s := New(tok(secHeaderKey), basic(secBasic))
	if s.With(tok(secHeaderKey)) != s || s.With(security.Credential{}) != s {
		t.Errorf("With of a known or zero credential must return the same set")
	}
	w := s.With(tok(secBearer))
	if w == s || s.Len() != 4 || w.Len() != 5 {
		t.Errorf("With: len %d -> %d", s.Len(), w.Len())
	}
	if s.Contains([]byte(secBearer)) || !w.Contains([]byte(secBearer)) {
		t.Errorf("With must not change the original set")
	}
}

func TestShortSecrets(t *testing.T) {
	if n := New(tok("k"), tok("long-enough-key"), basic("a:b")).ShortSecrets(); n != 4 { // k, YTpi, a:b, b
		t.Errorf("short patterns = %d", n)
	}
}

// TestNoAllocationWithoutMatch: the common case costs one scan and nothing else.
func TestNoAllocationWithoutMatch(t *testing.T) {
	s := echoSet()
	body, err := os.ReadFile("testdata/echoes/no_secret.in")
	if err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(100, func() { _ = s.Body(body); _ = s.JSON(body) }); a != 0 {
		t.Errorf("%.0f allocations without a match", a)
	}
}

func TestPlainText(t *testing.T) {
	cases := []struct {
		set  *Set
		want bool
	}{
		{nil, true},
		{New(), true},
		{New(tok(secHeaderKey), tok(secBearer), basic(secBasic)), true},
		{New(tok(secHeaderKey)).With(basic(secUnicode)), false}, // non-ASCII, '<', '&', '"'
		{New(tok(`key","role":"admin`)), false},
		{New(tok("key with space")), false},
		{New(tok(`back\slash-key`)), false},
		{New(tok("a<b>c&d-key")), false},
		{New(basic("user:pass-word")), true}, // ':' inside a pattern cannot match JSON's ':'
		{New(tok(":12345678")), false},       // but first it can: "n":12345678
		{New(tok("1,2,3,4,5")), false},
		{New(tok(secHeaderKey), tok("0000")), false}, // short: a first-pass marker can make it a whole token
	}
	for i, c := range cases {
		if got := c.set.PlainText(); got != c.want {
			t.Errorf("case %d: PlainText = %v", i, got)
		}
	}
}

// TestBodyWithin: a body read as JSON (a number holding the secret becomes the string
// "[REDACTED]") only within the nesting bound; past it, the same body is redacted as bytes,
// without any JSON parser reading it, and no form of the secret remains either way.
func TestBodyWithin(t *testing.T) {
	s := New(tok("1234567890123"))
	body := func(depth int) []byte {
		return []byte(strings.Repeat(`[`, depth) + `{"n":1234567890123,"s":"k=1234567890123"}` + strings.Repeat(`]`, depth))
	}
	asJSON := func(depth int) string {
		return strings.Repeat(`[`, depth) + `{"n":"[REDACTED]","s":"k=[REDACTED]"}` + strings.Repeat(`]`, depth)
	}
	asBytes := func(depth int) string {
		return strings.Repeat(`[`, depth) + `{"n":[REDACTED],"s":"k=[REDACTED]"}` + strings.Repeat(`]`, depth)
	}
	for _, tc := range []struct {
		depth, limit int
		want         string
	}{
		{0, 1, asJSON(0)},
		{3, 4, asJSON(3)},  // 4 levels: at the limit
		{3, 3, asBytes(3)}, // 4 levels: one past it
		{100000, 128, asBytes(100000)},
		{100000, -1, asJSON(100000)}, // no bound: Body
	} {
		if got := string(s.BodyWithin(body(tc.depth), tc.limit)); got != tc.want {
			t.Errorf("depth %d limit %d: got %.80s..., want %.80s...", tc.depth, tc.limit, got[tc.depth:], tc.want[tc.depth:])
		}
	}
	if got := string(s.Body(body(3))); got != asJSON(3) {
		t.Errorf("Body: got %s, want %s", got, asJSON(3))
	}
	plain := []byte(strings.Repeat("[", 200))
	if got := s.BodyWithin(plain, 128); &got[0] != &plain[0] {
		t.Error("no match: BodyWithin must return the body itself")
	}
}
