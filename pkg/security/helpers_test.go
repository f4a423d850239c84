package security

import (
	"encoding/base64"
	"strings"
	"testing"
)

// fakeTarget is an upstream request that records every operation and keeps the resulting
// headers, query parameters and cookies in order.
type fakeTarget struct {
	ops                     []string
	headers, query, cookies [][2]string
}

func setPair(l [][2]string, n, v string) [][2]string { return append(delPair(l, n), [2]string{n, v}) }

func delPair(l [][2]string, n string) [][2]string {
	out := l[:0:0]
	for _, kv := range l {
		if kv[0] != n {
			out = append(out, kv)
		}
	}
	return out
}

func (f *fakeTarget) SetHeader(n, v string) {
	f.ops = append(f.ops, "set header "+n)
	f.headers = setPair(f.headers, n, v)
}
func (f *fakeTarget) DelHeader(n string) {
	f.ops = append(f.ops, "del header "+n)
	f.headers = delPair(f.headers, n)
}
func (f *fakeTarget) SetQuery(n, v string) {
	f.ops = append(f.ops, "set query "+n)
	f.query = setPair(f.query, n, v)
}
func (f *fakeTarget) DelQuery(n string) {
	f.ops = append(f.ops, "del query "+n)
	f.query = delPair(f.query, n)
}
func (f *fakeTarget) SetCookie(n, v string) {
	f.ops = append(f.ops, "set cookie "+n)
	f.cookies = setPair(f.cookies, n, v)
}
func (f *fakeTarget) DelCookie(n string) {
	f.ops = append(f.ops, "del cookie "+n)
	f.cookies = delPair(f.cookies, n)
}

// dirty is an upstream request as pkg/rest might have built it, with something already on
// every carrier the tests use (from templates or args).
func dirty() *fakeTarget {
	return &fakeTarget{
		headers: [][2]string{{"accept", "application/json"}, {"authorization", "APPCODE tmpl"},
			{"proxy-authorization", "Basic cHJveHk6eA=="}, {"x-api-key", "from-arg"}},
		query:   [][2]string{{"q", "1"}, {"api_key", "from-arg"}},
		cookies: [][2]string{{"session", "from-arg"}, {"lang", "en"}},
	}
}

// Header, query and cookie lists of dirty() after the usual stripping.
var (
	hdrBase  = [][2]string{{"accept", "application/json"}, {"x-api-key", "from-arg"}}
	qryBase  = [][2]string{{"q", "1"}, {"api_key", "from-arg"}}
	ckBase   = [][2]string{{"session", "from-arg"}, {"lang", "en"}}
	hdrNoKey = [][2]string{{"accept", "application/json"}}
	qryNoKey = [][2]string{{"q", "1"}}
	ckNoKey  = [][2]string{{"lang", "en"}}
)

func with(l [][2]string, n, v string) [][2]string {
	return setPair(append([][2]string(nil), l...), n, v)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// Secret-looking values; tests assert none of them ever shows up in an error.
const (
	secBasicDef  = "svc_user:Pw-basic-7Qz"
	secBearerDef = "static-bearer-9Kx"
	secHeaderDef = "hk-default-3Vb"
	secQueryDef  = "qk-default-5Lm"
	secCookieDef = "ck-default-8Tn"
	secEnv       = "env-token-2Hj"
	secOverride  = "override-token-6Rd"
)

var testEnv = Env(func(name string) (string, bool) {
	switch name {
	case "BACKEND_TOKEN":
		return secEnv, true
	case "BASIC_PAIR":
		return "envuser:env-pw-4Wq", true
	case "EMPTY_VAR":
		return "", true
	}
	return "", false
})

func testSchemeSpecs() []SchemeSpec {
	return []SchemeSpec{
		{ID: "basic", Type: "http", Scheme: "basic"},
		{ID: "basicDef", Type: "http", Scheme: "basic", DefaultCredential: secBasicDef, HasDefault: true},
		{ID: "bearer", Type: "http", Scheme: "bearer"},
		{ID: "bearerDef", Type: "http", Scheme: "bearer", DefaultCredential: secBearerDef, HasDefault: true},
		{ID: "bearerEnv", Type: "http", Scheme: "bearer", DefaultCredential: "${BACKEND_TOKEN}", HasDefault: true},
		{ID: "hdr", Type: "apiKey", In: "header", Name: "X-API-Key"},
		{ID: "hdrDef", Type: "apiKey", In: "header", Name: "X-API-Key", DefaultCredential: secHeaderDef, HasDefault: true},
		{ID: "qry", Type: "apiKey", In: "query", Name: "api_key"},
		{ID: "qryDef", Type: "apiKey", In: "query", Name: "api_key", DefaultCredential: secQueryDef, HasDefault: true},
		{ID: "ck", Type: "apiKey", In: "cookie", Name: "session"},
		{ID: "ckDef", Type: "apiKey", In: "cookie", Name: "session", DefaultCredential: secCookieDef, HasDefault: true},
	}
}

func testSchemes(t testing.TB) map[string]*Scheme {
	t.Helper()
	m, err := CompileSchemes(testSchemeSpecs(), nil, testEnv)
	if err != nil {
		t.Fatalf("CompileSchemes: %v", err)
	}
	return m
}

func mustPolicy(t testing.TB, spec PolicySpec) *Policy {
	t.Helper()
	if spec.ToolName == "" {
		spec.ToolName = "get_profile"
	}
	p, err := CompilePolicy(spec, testSchemes(t), testEnv)
	if err != nil {
		t.Fatalf("CompilePolicy: %v", err)
	}
	return p
}

// passthrough builds a passthrough policy from C to U ("" for none).
func passthrough(t testing.TB, c, u string) *Policy {
	t.Helper()
	return mustPolicy(t, PolicySpec{ClientID: c, ClientPath: "tools[0].security.id", Passthrough: true,
		UpstreamID: u, UpstreamPath: "tools[0].requestTemplate.security.id"})
}

// assertNoSecret fails if s contains any of the test secrets.
func assertNoSecret(t testing.TB, s string, extra ...string) {
	t.Helper()
	for _, sec := range append([]string{secBasicDef, secBearerDef, secHeaderDef, secQueryDef,
		secCookieDef, secEnv, secOverride, "env-pw-4Wq", b64(secBasicDef)}, extra...) {
		if sec != "" && strings.Contains(s, sec) {
			t.Fatalf("secret %q leaked into %q", sec, s)
		}
	}
}

func hdr(kv ...string) [][2]string {
	var out [][2]string
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, [2]string{kv[i], kv[i+1]})
	}
	return out
}
