package security

import (
	"errors"
	"reflect"
	"testing"
)

const clientTok = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnLXNlY3JldA"

type applyCase struct {
	name             string
	spec             PolicySpec
	in               Inbound
	source           string
	reason           string // "" on success
	headers, q, ckie [][2]string
}

func runApply(t *testing.T, cases []applyCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := mustPolicy(t, c.spec)
			tg := dirty()
			a, err := p.Apply(c.in, tg)
			if src := a.Source; src != c.source {
				t.Errorf("source = %q, want %q", src, c.source)
			}
			var se *Error
			switch {
			case c.reason == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case c.reason != "" && (!errors.As(err, &se) || se.Reason != c.reason):
				t.Errorf("err = %v, want reason %s", err, c.reason)
			}
			if !reflect.DeepEqual(tg.headers, c.headers) {
				t.Errorf("headers = %q\n want      %q", tg.headers, c.headers)
			}
			if !reflect.DeepEqual(tg.query, c.q) || !reflect.DeepEqual(tg.cookies, c.ckie) {
				t.Errorf("query = %q cookies = %q\n want %q / %q", tg.query, tg.cookies, c.q, c.ckie)
			}
			if err != nil {
				assertNoSecret(t, err.Error(), clientTok)
			}
		})
	}
}

func bearerIn(v string) Inbound { return Inbound{Headers: hdr(":path", "/mcp", "authorization", v)} }

// TestApplyResolutionTable: one row per case of the resolution table, per carrier.
func TestApplyResolutionTable(t *testing.T) {
	pt := func(c, u string) PolicySpec { return PolicySpec{ClientID: c, Passthrough: true, UpstreamID: u} }
	basicTok := b64("alice:wonder-land")
	runApply(t, []applyCase{
		// no U, no passthrough
		{"none", PolicySpec{}, bearerIn("Bearer " + clientTok), "none", "", hdrBase, qryBase, ckBase},
		{"none keeps template authorization", PolicySpec{TemplateSetsAuthorization: true}, Inbound{}, "none", "",
			hdr("accept", "application/json", "authorization", "APPCODE tmpl", "x-api-key", "from-arg"), qryBase, ckBase},
		{"C header stripped", PolicySpec{ClientID: "hdr"}, Inbound{}, "none", "", hdrNoKey, qryBase, ckBase},
		{"C query stripped", PolicySpec{ClientID: "qry"}, Inbound{}, "none", "", hdrBase, qryNoKey, ckBase},
		{"C cookie stripped", PolicySpec{ClientID: "ck"}, Inbound{}, "none", "", hdrBase, qryBase, ckNoKey},
		{"C bearer strips template authorization", PolicySpec{ClientID: "bearer", TemplateSetsAuthorization: true},
			Inbound{}, "none", "", hdrBase, qryBase, ckBase},
		// U, passthrough off
		{"default bearer", PolicySpec{UpstreamID: "bearerDef"}, Inbound{}, "default:http:bearer", "",
			with(hdrBase, "authorization", "Bearer "+secBearerDef), qryBase, ckBase},
		{"default bearer from env", PolicySpec{UpstreamID: "bearerEnv"}, Inbound{}, "default:http:bearer", "",
			with(hdrBase, "authorization", "Bearer "+secEnv), qryBase, ckBase},
		{"default basic", PolicySpec{UpstreamID: "basicDef"}, Inbound{}, "default:http:basic", "",
			with(hdrBase, "authorization", "Basic "+b64(secBasicDef)), qryBase, ckBase},
		{"default header", PolicySpec{UpstreamID: "hdrDef"}, Inbound{}, "default:apiKey:header:x-api-key", "",
			with(hdrNoKey, "x-api-key", secHeaderDef), qryBase, ckBase},
		{"default query", PolicySpec{UpstreamID: "qryDef"}, Inbound{}, "default:apiKey:query:api_key", "",
			hdrBase, with(qryNoKey, "api_key", secQueryDef), ckBase},
		{"default cookie", PolicySpec{UpstreamID: "ckDef"}, Inbound{}, "default:apiKey:cookie:session", "",
			hdrBase, qryBase, with(ckNoKey, "session", secCookieDef)},
		{"override bearer", PolicySpec{UpstreamID: "bearerDef", HasCredential: true, Credential: secOverride},
			Inbound{}, "override:http:bearer", "", with(hdrBase, "authorization", "Bearer "+secOverride), qryBase, ckBase},
		{"override basic from env", PolicySpec{UpstreamID: "basic", HasCredential: true, Credential: "${BASIC_PAIR}"},
			Inbound{}, "override:http:basic", "", with(hdrBase, "authorization", "Basic "+b64("envuser:env-pw-4Wq")), qryBase, ckBase},
		{"override cookie", PolicySpec{UpstreamID: "ck", HasCredential: true, Credential: secOverride},
			Inbound{}, "override:apiKey:cookie:session", "", hdrBase, qryBase, with(ckNoKey, "session", secOverride)},
		{"C stripped, U default set", PolicySpec{ClientID: "bearer", UpstreamID: "hdrDef"}, bearerIn("Bearer " + clientTok),
			"default:apiKey:header:x-api-key", "", with(hdrNoKey, "x-api-key", secHeaderDef), qryBase, ckBase},
		{"C query, U query default", PolicySpec{ClientID: "qry", UpstreamID: "qryDef"}, Inbound{RawQuery: "api_key=" + clientTok},
			"default:apiKey:query:api_key", "", hdrBase, with(qryNoKey, "api_key", secQueryDef), ckBase},
		// passthrough on, with U
		{"bearer to bearer", pt("bearer", "bearerDef"), bearerIn("Bearer " + clientTok), "passthrough:header:authorization", "",
			with(hdrBase, "authorization", "Bearer "+clientTok), qryBase, ckBase},
		{"bearer word lowercase", pt("bearer", "bearer"), bearerIn("bearer   " + clientTok), "passthrough:header:authorization", "",
			with(hdrBase, "authorization", "Bearer "+clientTok), qryBase, ckBase},
		{"bearer to header", pt("bearer", "hdrDef"), bearerIn("BEARER " + clientTok), "passthrough:header:authorization", "",
			with(hdrNoKey, "x-api-key", clientTok), qryBase, ckBase},
		{"bearer to query", pt("bearer", "qry"), bearerIn("Bearer " + clientTok), "passthrough:header:authorization", "",
			hdrBase, with(qryNoKey, "api_key", clientTok), ckBase},
		{"bearer to cookie", pt("bearer", "ck"), bearerIn("Bearer " + clientTok), "passthrough:header:authorization", "",
			hdrBase, qryBase, with(ckNoKey, "session", clientTok)},
		{"header to bearer", pt("hdr", "bearer"), Inbound{Headers: hdr("X-Api-Key", clientTok)}, "passthrough:header:x-api-key", "",
			with(hdrNoKey, "authorization", "Bearer "+clientTok), qryBase, ckBase},
		{"query to header", pt("qry", "hdr"), Inbound{RawQuery: "a=1&api_key=" + clientTok}, "passthrough:query:api_key", "",
			with(hdrNoKey, "x-api-key", clientTok), qryNoKey, ckBase},
		{"cookie to query", pt("ck", "qryDef"), Inbound{Headers: hdr("cookie", "lang=fr; session="+clientTok)},
			"passthrough:cookie:session", "", hdrBase, with(qryNoKey, "api_key", clientTok), ckNoKey},
		{"basic to basic", pt("basic", "basicDef"), bearerIn("basic " + basicTok), "passthrough:header:authorization", "",
			with(hdrBase, "authorization", "Basic "+basicTok), qryBase, ckBase},
		{"override ignored", PolicySpec{ClientID: "bearer", Passthrough: true, UpstreamID: "bearerDef", HasCredential: true,
			Credential: secOverride}, bearerIn("Bearer " + clientTok), "passthrough:header:authorization", "",
			with(hdrBase, "authorization", "Bearer "+clientTok), qryBase, ckBase},
		// passthrough, no U: C's own form and place
		{"self bearer", pt("bearer", ""), bearerIn("Bearer " + clientTok), "passthrough:header:authorization", "",
			with(hdrBase, "authorization", "Bearer "+clientTok), qryBase, ckBase},
		{"self basic", pt("basic", ""), bearerIn("Basic " + basicTok), "passthrough:header:authorization", "",
			with(hdrBase, "authorization", "Basic "+basicTok), qryBase, ckBase},
		{"self header", pt("hdr", ""), Inbound{Headers: hdr("x-api-key", " "+clientTok+" ")}, "passthrough:header:x-api-key", "",
			with(hdrNoKey, "x-api-key", clientTok), qryBase, ckBase},
		{"self query", pt("qry", ""), Inbound{RawQuery: "api_key=k%2D1%2Fx"}, "passthrough:query:api_key", "",
			hdrBase, with(qryNoKey, "api_key", "k-1/x"), ckBase},
		{"self cookie", pt("ck", ""), Inbound{Headers: hdr("Cookie", `session="`+clientTok+`"`)}, "passthrough:cookie:session", "",
			hdrBase, qryBase, with(ckNoKey, "session", clientTok)},
		// passthrough failures: stripped, nothing set, never the default
		{"missing, no fallback", pt("bearer", "bearerDef"), Inbound{}, "", ReasonMissingCredential, hdrBase, qryBase, ckBase},
		{"missing query", pt("qry", "qryDef"), Inbound{RawQuery: "q=1"}, "", ReasonMissingCredential, hdrBase, qryNoKey, ckBase},
		{"malformed", pt("bearer", "hdrDef"), bearerIn("Basic " + basicTok), "", ReasonMalformedCredential, hdrNoKey, qryBase, ckBase},
		{"header not a token68", pt("hdr", "bearer"), Inbound{Headers: hdr("x-api-key", "a,b")}, "", ReasonMalformedCredential,
			hdrNoKey, qryBase, ckBase},
		{"header not a cookie-octet", pt("hdr", "ck"), Inbound{Headers: hdr("x-api-key", "a;b")}, "", ReasonMalformedCredential,
			hdrNoKey, qryBase, ckNoKey},
		{"header fine for cookie", pt("hdr", "ck"), Inbound{Headers: hdr("x-api-key", "a:b")}, "passthrough:header:x-api-key", "",
			hdrNoKey, qryBase, with(ckNoKey, "session", "a:b")},
		// Higress passthroughAuthHeader
		{"auth header copied", PolicySpec{PassthroughAuthHeader: true}, bearerIn("Token  odd,value"), sourceAuthHeader, "",
			with(hdrBase, "authorization", "Token  odd,value"), qryBase, ckBase},
		{"auth header absent", PolicySpec{PassthroughAuthHeader: true}, Inbound{}, "none", "", hdrBase, qryBase, ckBase},
		{"auth header duplicate", PolicySpec{PassthroughAuthHeader: true},
			Inbound{Headers: hdr("authorization", "a", "Authorization", "b")}, "", ReasonMalformedCredential, hdrBase, qryBase, ckBase},
		{"auth header off with C", PolicySpec{PassthroughAuthHeader: true, ClientID: "hdr"}, bearerIn("Token x"), "none", "",
			hdrNoKey, qryBase, ckBase},
		{"auth header off with U", PolicySpec{PassthroughAuthHeader: true, UpstreamID: "qryDef"}, bearerIn("Token x"),
			"default:apiKey:query:api_key", "", hdrBase, with(qryNoKey, "api_key", secQueryDef), ckBase},
		{"auth header, template wins", PolicySpec{PassthroughAuthHeader: true, TemplateSetsAuthorization: true}, bearerIn("Token x"),
			"none", "", hdr("accept", "application/json", "authorization", "APPCODE tmpl", "x-api-key", "from-arg"), qryBase, ckBase},
	})
}

func TestApplyLocalToolDoesNothing(t *testing.T) {
	p := mustPolicy(t, PolicySpec{NoUpstream: true, ClientID: "bearer", Passthrough: true, UpstreamID: "hdrDef"})
	tg := &fakeTarget{}
	if a, err := p.Apply(Inbound{}, tg); a.Source != "none" || !a.Credential.Value.IsZero() || err != nil || len(tg.ops) != 0 {
		t.Errorf("src=%q err=%v ops=%v", a.Source, err, tg.ops)
	}
}

// TestApplyOperations pins the exact call sequence: strip first, then one Set.
func TestApplyOperations(t *testing.T) {
	cases := []struct {
		spec PolicySpec
		in   Inbound
		ops  []string
	}{
		{PolicySpec{}, Inbound{}, []string{"del header proxy-authorization", "del header authorization"}},
		{PolicySpec{ClientID: "ck", UpstreamID: "qryDef"}, Inbound{},
			[]string{"del cookie session", "del header proxy-authorization", "del header authorization", "set query api_key"}},
		{PolicySpec{ClientID: "bearer", Passthrough: true, UpstreamID: "hdr"}, bearerIn("Bearer t"),
			[]string{"del header authorization", "del header proxy-authorization", "del header authorization", "set header x-api-key"}},
		{PolicySpec{ClientID: "qry", Passthrough: true}, Inbound{},
			[]string{"del query api_key", "del header proxy-authorization", "del header authorization", "del query api_key"}},
		{PolicySpec{PassthroughAuthHeader: true}, bearerIn("x"), []string{"del header proxy-authorization", "set header authorization"}},
	}
	for i, c := range cases {
		tg := &fakeTarget{}
		_, _ = mustPolicy(t, c.spec).Apply(c.in, tg)
		if !reflect.DeepEqual(tg.ops, c.ops) {
			t.Errorf("case %d: ops = %q, want %q", i, tg.ops, c.ops)
		}
	}
}

func TestApplyErrorMessages(t *testing.T) {
	cases := []struct {
		c, u string
		in   Inbound
		want string
	}{
		{"bearer", "", Inbound{}, `security: tool "get_profile" requires an HTTP Bearer credential in the Authorization header`},
		{"basic", "", Inbound{}, `security: tool "get_profile" requires an HTTP Basic credential in the Authorization header`},
		{"hdr", "", Inbound{}, `security: tool "get_profile" requires an API key in the "X-API-Key" header`},
		{"qry", "", Inbound{}, `security: tool "get_profile" requires an API key in the "api_key" query parameter`},
		{"ck", "", Inbound{}, `security: tool "get_profile" requires an API key in the "session" cookie`},
		{"bearer", "", bearerIn("Basic x"), `security: tool "get_profile": malformed credential: the Authorization header does not carry an HTTP Bearer credential`},
		{"bearer", "", bearerIn("Bearer a b"), `security: tool "get_profile": malformed credential: the Authorization header must be "Bearer" followed by exactly one token68 value`},
		{"basic", "", bearerIn("Basic a b"), `security: tool "get_profile": malformed credential: the Authorization header must be "Basic" followed by exactly one token68 value`},
		{"basic", "", bearerIn("Basic " + b64("nocolon")), `security: tool "get_profile": malformed credential: the Authorization header must carry padded standard base64 of "user:pass"`},
		{"bearer", "", Inbound{Headers: hdr("authorization", "Bearer a", "authorization", "Bearer a")},
			`security: tool "get_profile": malformed credential: the Authorization header is present more than once`},
		{"hdr", "", Inbound{Headers: hdr("x-api-key", "a b")}, `security: tool "get_profile": malformed credential: the "X-API-Key" header must contain only visible ASCII characters`},
		{"ck", "", Inbound{Headers: hdr("cookie", "session=a,b")}, `security: tool "get_profile": malformed credential: the "session" cookie must contain only RFC 6265 cookie-octets`},
		{"qry", "", Inbound{RawQuery: "api_key=%zz"}, `security: tool "get_profile": malformed credential: the "api_key" query parameter is not valid percent-encoding`},
		{"qry", "bearer", Inbound{RawQuery: "api_key=a%3Db"}, `security: tool "get_profile": malformed credential: the "api_key" query parameter holds a value that cannot be sent upstream as an HTTP Bearer credential (http:bearer)`},
	}
	for _, c := range cases {
		_, err := passthrough(t, c.c, c.u).Apply(c.in, &fakeTarget{})
		if err == nil || err.Error() != c.want {
			t.Errorf("%s->%s %v:\n got  %v\n want %s", c.c, c.u, c.in, err, c.want)
		}
	}
}

// TestApplyReusesCanonicalHeader: a canonical "Bearer <tok>" passes through as the same string.
func TestApplyReusesCanonicalHeader(t *testing.T) {
	p := passthrough(t, "bearer", "bearer")
	in := bearerIn("Bearer " + clientTok)
	allocs := testing.AllocsPerRun(100, func() {
		tg := nopTarget{}
		if _, err := p.Apply(in, tg); err != nil {
			t.Fatal(err)
		}
	})
	// One allocation: the Secret holding the applied credential, which the caller needs to
	// redact the response (Applied.Credential). The header value itself is reused.
	if allocs != 1 {
		t.Errorf("passthrough bearer->bearer allocates %.0f times, want 1", allocs)
	}
	st := mustPolicy(t, PolicySpec{ClientID: "bearer", UpstreamID: "hdrDef"})
	if a := testing.AllocsPerRun(100, func() { _, _ = st.Apply(in, nopTarget{}) }); a != 0 {
		t.Errorf("static apiKey allocates %.0f times", a)
	}
}

type nopTarget struct{}

func (nopTarget) SetHeader(string, string) {}
func (nopTarget) DelHeader(string)         {}
func (nopTarget) SetQuery(string, string)  {}
func (nopTarget) DelQuery(string)          {}
func (nopTarget) SetCookie(string, string) {}
func (nopTarget) DelCookie(string)         {}
