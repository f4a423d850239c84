package security

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
)

func TestCompileSchemesForms(t *testing.T) {
	m := testSchemes(t)
	want := map[string]struct {
		desc    string
		carrier Carrier
		wire    string
	}{
		"basic":     {"http:basic", Carrier{"header", "authorization"}, ""},
		"basicDef":  {"http:basic", Carrier{"header", "authorization"}, "Basic " + b64(secBasicDef)},
		"bearer":    {"http:bearer", Carrier{"header", "authorization"}, ""},
		"bearerDef": {"http:bearer", Carrier{"header", "authorization"}, "Bearer " + secBearerDef},
		"bearerEnv": {"http:bearer", Carrier{"header", "authorization"}, "Bearer " + secEnv},
		"hdr":       {"apiKey:header:x-api-key", Carrier{"header", "x-api-key"}, ""},
		"hdrDef":    {"apiKey:header:x-api-key", Carrier{"header", "x-api-key"}, secHeaderDef},
		"qry":       {"apiKey:query:api_key", Carrier{"query", "api_key"}, ""},
		"qryDef":    {"apiKey:query:api_key", Carrier{"query", "api_key"}, secQueryDef},
		"ck":        {"apiKey:cookie:session", Carrier{"cookie", "session"}, ""},
		"ckDef":     {"apiKey:cookie:session", Carrier{"cookie", "session"}, secCookieDef},
	}
	if len(m) != len(want) {
		t.Fatalf("got %d schemes, want %d", len(m), len(want))
	}
	for id, w := range want {
		s := m[id]
		if s.ID() != id || s.Describe() != w.desc || s.Carrier() != w.carrier || s.def.Reveal() != w.wire ||
			s.HasDefault() != (w.wire != "") {
			t.Errorf("%s: got id=%s desc=%s carrier=%v wire=%q", id, s.ID(), s.Describe(), s.Carrier(), s.def.Reveal())
		}
	}
	assertNoSecret(t, fmt.Sprintf("%+v %#v %v", m, m, m["basicDef"]))
}

func TestCompileSchemesCaseInsensitiveWords(t *testing.T) {
	specs := []SchemeSpec{
		{ID: "a", Type: "HTTP", Scheme: "Bearer"},
		{ID: "b", Type: "Http", Scheme: "BASIC"},
		{ID: "c", Type: "apikey", In: "Header", Name: "X-Key"},
		{ID: "d", Type: "APIKEY", In: "QUERY", Name: "Key"},
	}
	m, err := CompileSchemes(specs, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{m["a"].Describe(), m["b"].Describe(), m["c"].Describe(), m["d"].Describe()}
	want := []string{"http:bearer", "http:basic", "apiKey:header:x-key", "apiKey:query:Key"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestCompileSchemesErrors(t *testing.T) {
	const p = "server.securitySchemes[0]"
	http := func(scheme, def string) SchemeSpec {
		return SchemeSpec{ID: "s", Type: "http", Scheme: scheme, DefaultCredential: def, HasDefault: true}
	}
	key := func(in, name, def string) SchemeSpec {
		return SchemeSpec{ID: "s", Type: "apiKey", In: in, Name: name, DefaultCredential: def, HasDefault: def != ""}
	}
	cases := []struct {
		spec SchemeSpec
		want string
	}{
		{SchemeSpec{Type: "http", Scheme: "basic"}, p + ".id: must not be empty"},
		{SchemeSpec{ID: "s"}, p + ".type: is required (http, apiKey or oauth2)"},
		{SchemeSpec{ID: "s", Type: "oauth2"}, p + `.flows: needs clientCredentials or tokenExchange`},
		{SchemeSpec{ID: "s", Type: "oauth2", OAuth2Flow: "password"}, p + `.flows: needs clientCredentials or tokenExchange`},
		{SchemeSpec{ID: "s", Type: "oauth2", OAuth2Flow: "client_credentials", In: "header"}, p + `.in: not allowed for type oauth2 (the token goes in the Authorization header as a Bearer credential)`},
		{SchemeSpec{ID: "s", Type: "oauth2", OAuth2Flow: "client_credentials", Scheme: "bearer"}, p + `.scheme: not allowed for type oauth2 (the token goes in the Authorization header as a Bearer credential)`},
		{SchemeSpec{ID: "s", Type: "oauth2", OAuth2Flow: "token_exchange", DefaultCredential: "x"}, p + `.defaultCredential: not allowed for type oauth2: the token is obtained from the token endpoint`},
		{SchemeSpec{ID: "s", Type: "openIdConnect"}, p + `.type: "openIdConnect" is not supported (accepted values: http, apiKey, oauth2)`},
		{SchemeSpec{ID: "s", Type: "mutualTLS"}, p + `.type: "mutualTLS" is not supported (accepted values: http, apiKey, oauth2)`},
		{SchemeSpec{ID: "s", Type: "api-key"}, p + `.type: unknown value "api-key" (accepted values: http, apiKey, oauth2)`},
		{SchemeSpec{ID: "s", Type: "http", Scheme: "Bearer-token"}, p + `.scheme: unknown value "Bearer-token" (accepted values: basic, bearer)`},
		{SchemeSpec{ID: "s", Type: "http"}, p + ".scheme: is required for type http (basic or bearer)"},
		{SchemeSpec{ID: "s", Type: "http", Scheme: "digest"}, p + `.scheme: "digest" is not supported (accepted values: basic, bearer)`},
		{SchemeSpec{ID: "s", Type: "http", Scheme: "bearer", In: "header"}, p + ".in: only allowed for type apiKey"},
		{SchemeSpec{ID: "s", Type: "http", Scheme: "bearer", Name: "X"}, p + ".name: only allowed for type apiKey"},
		{SchemeSpec{ID: "s", Type: "apiKey", Scheme: "bearer", In: "header", Name: "X"}, p + ".scheme: only allowed for type http"},
		{key("body", "k", ""), p + ".in: must be one of header, query, cookie"},
		{key("", "k", ""), p + ".in: must be one of header, query, cookie"},
		{key("header", "", ""), p + ".name: is required for type apiKey"},
		{key("header", "X API", ""), p + ".name: must be a valid header name (RFC 9110 token)"},
		{key("header", ":path", ""), p + ".name: must be a valid header name (RFC 9110 token)"},
		{key("header", "Host", ""), p + `.name: "Host" cannot carry an API key`},
		{key("header", "Cookie", ""), p + `.name: "Cookie" cannot carry an API key`},
		{key("header", "Proxy-Authorization", ""), p + `.name: "Proxy-Authorization" cannot carry an API key`},
		{key("cookie", "a=b", ""), p + ".name: must be a valid cookie name (RFC 6265 token)"},
		{key("query", "a b", ""), p + ".name: must be visible ASCII without spaces"},
		{http("bearer", ""), p + ".defaultCredential: must not be empty"},
		{http("basic", "no-colon-Secret1"), p + `.defaultCredential: must be "user:pass" (no ':' found)`},
		{http("basic", "u:p\x01Secret1"), p + ".defaultCredential: must not contain control characters"},
		{http("bearer", "two Secret1"), p + ".defaultCredential: must be a token68 value (letters, digits, -._~+/ and trailing =)"},
		{http("bearer", "${MISSING_VAR}"), p + ".defaultCredential: environment variable MISSING_VAR is not set"},
		{http("bearer", "${EMPTY_VAR}"), p + ".defaultCredential: environment variable EMPTY_VAR is empty"},
		{http("bearer", "${1BAD}"), p + `.defaultCredential: must be a literal or exactly "${NAME}" (NAME: letters, digits, _)`},
		{http("bearer", "pre${BACKEND_TOKEN}"), p + `.defaultCredential: must be a literal or exactly "${NAME}" (NAME: letters, digits, _)`},
		{http("bearer", "${}"), p + `.defaultCredential: must be a literal or exactly "${NAME}" (NAME: letters, digits, _)`},
		{key("header", "X-Key", "has Secret1"), p + ".defaultCredential: must be visible ASCII without spaces (header value)"},
		{key("cookie", "sid", "a;Secret1"), p + ".defaultCredential: must contain only RFC 6265 cookie-octets"},
		{key("query", "k", "a\nSecret1"), p + ".defaultCredential: must not contain control characters"},
	}
	for _, c := range cases {
		_, err := CompileSchemes([]SchemeSpec{c.spec}, nil, testEnv)
		if err == nil || err.Error() != c.want {
			t.Errorf("%+v:\n got  %v\n want %s", c.spec, err, c.want)
			continue
		}
		if _, ok := err.(*configerr.Error); !ok {
			t.Errorf("%T is not *configerr.Error", err)
		}
		if def := c.spec.DefaultCredential; !strings.HasPrefix(def, "${") && !strings.Contains(def, "}") {
			assertNoSecret(t, err.Error(), "Secret1", def)
		}
	}
}

func TestCompileSchemesDuplicateAndPaths(t *testing.T) {
	specs := []SchemeSpec{{ID: "a", Type: "http", Scheme: "bearer"}, {ID: "b", Type: "http", Scheme: "basic"},
		{ID: "a", Type: "apiKey", In: "query", Name: "k"}}
	_, err := CompileSchemes(specs, nil, nil)
	want := `server.securitySchemes[2].id: duplicate id "a" (first defined at server.securitySchemes[0])`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	_, err = CompileSchemes(specs[:1], []string{"x.schemes[7]", "extra"}, nil)
	if err == nil || err.Error() != "server.securitySchemes: internal: 2 paths for 1 schemes" {
		t.Errorf("got %v", err)
	}
	_, err = CompileSchemes([]SchemeSpec{{ID: "z", Type: "http", Scheme: "x"}}, []string{"x.schemes[7]"}, nil)
	if err == nil || err.Error() != `x.schemes[7].scheme: unknown value "x" (accepted values: basic, bearer)` {
		t.Errorf("got %v", err)
	}
	m, err := CompileSchemes(nil, nil, nil)
	if err != nil || len(m) != 0 {
		t.Errorf("empty: %v %v", m, err)
	}
}

func TestEnvRefNilEnv(t *testing.T) {
	_, err := CompileSchemes([]SchemeSpec{{ID: "s", Type: "http", Scheme: "bearer",
		DefaultCredential: "${TOKEN}", HasDefault: true}}, nil, nil)
	if err == nil || err.Error() != "server.securitySchemes[0].defaultCredential: environment variable TOKEN is not set" {
		t.Errorf("got %v", err)
	}
	// A value that merely contains '$' is a literal.
	m, err := CompileSchemes([]SchemeSpec{{ID: "s", Type: "http", Scheme: "basic",
		DefaultCredential: "service_user:p@$$wOrd", HasDefault: true}}, nil, nil)
	if err != nil || m["s"].def.Reveal() != "Basic "+b64("service_user:p@$$wOrd") {
		t.Errorf("literal with $: %v", err)
	}
}
