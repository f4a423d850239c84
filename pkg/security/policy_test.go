package security

import (
	"fmt"
	"reflect"
	"testing"
)

const (
	cPath = "tools[0].security.id"
	uPath = "tools[0].requestTemplate.security.id"
	kPath = "tools[0].requestTemplate.security.credential"
)

func TestCompilePolicyErrors(t *testing.T) {
	cases := []struct {
		name string
		spec PolicySpec
		want string
	}{
		{"unknown client", PolicySpec{ClientID: "nope", ClientPath: cPath}, cPath + `: unknown security scheme "nope"`},
		{"unknown upstream", PolicySpec{UpstreamID: "nope", UpstreamPath: "server.defaultUpstreamSecurity.id"},
			`server.defaultUpstreamSecurity.id: unknown security scheme "nope"`},
		{"unknown without path", PolicySpec{UpstreamID: "nope"}, `tool "t": unknown security scheme "nope"`},
		{"passthrough without C", PolicySpec{Passthrough: true, ClientPath: cPath, UpstreamID: "bearer"},
			cPath + ": passthrough requires a client security scheme id"},
		{"passthrough without C or path", PolicySpec{Passthrough: true},
			`tool "t": passthrough requires a client security scheme id`},
		{"U without credential", PolicySpec{UpstreamID: "bearer", UpstreamPath: uPath},
			uPath + `: security scheme "bearer" has no defaultCredential: set requestTemplate.security.credential or enable passthrough`},
		{"C without passthrough does not supply U", PolicySpec{ClientID: "bearer", ClientPath: cPath, UpstreamID: "hdr", UpstreamPath: uPath},
			uPath + `: security scheme "hdr" has no defaultCredential: set requestTemplate.security.credential or enable passthrough`},
		{"empty override", PolicySpec{UpstreamID: "bearerDef", HasCredential: true, CredentialPath: kPath},
			kPath + ": must not be empty"},
		{"override env missing", PolicySpec{UpstreamID: "bearer", HasCredential: true, Credential: "${NOPE_TOKEN}", CredentialPath: kPath},
			kPath + ": environment variable NOPE_TOKEN is not set"},
		{"override basic without colon", PolicySpec{UpstreamID: "basic", HasCredential: true, Credential: secOverride, CredentialPath: kPath},
			kPath + `: must be "user:pass" (no ':' found)`},
		{"override bearer with space", PolicySpec{UpstreamID: "bearer", HasCredential: true, Credential: "a " + secOverride, CredentialPath: kPath},
			kPath + ": must be a token68 value (letters, digits, -._~+/ and trailing =)"},
		{"credential without U", PolicySpec{HasCredential: true, Credential: secOverride, CredentialPath: kPath},
			kPath + ": credential is set but no upstream security scheme applies"},
		{"credential without U or path", PolicySpec{HasCredential: true, Credential: secOverride},
			`tool "t": credential is set but no upstream security scheme applies`},
	}
	schemes := testSchemes(t)
	for _, c := range cases {
		c.spec.ToolName = "t"
		_, err := CompilePolicy(c.spec, schemes, testEnv)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got  %v\n want %s", c.name, err, c.want)
			continue
		}
		assertNoSecret(t, err.Error())
	}
}

// TestCompatibilityMatrix covers every passthrough pair C -> U, and C -> none.
func TestCompatibilityMatrix(t *testing.T) {
	forms := []string{"basic", "bearer", "hdr", "qry", "ck"}
	ok := map[string]bool{"basic>basic": true}
	for _, c := range forms[1:] {
		for _, u := range forms[1:] {
			ok[c+">"+u] = true
		}
	}
	schemes := testSchemes(t)
	for _, c := range forms {
		for _, u := range append(forms, "") {
			spec := PolicySpec{ToolName: "t", ClientID: c, ClientPath: cPath, Passthrough: true, UpstreamID: u, UpstreamPath: uPath}
			p, err := CompilePolicy(spec, schemes, testEnv)
			want := ok[c+">"+u] || u == ""
			if (err == nil) != want || compatible(schemes[c], schemes[orSelf(u, c)]) != want {
				t.Errorf("%s -> %q: err=%v, want ok=%v", c, u, err, want)
				continue
			}
			if err != nil {
				msg := fmt.Sprintf(`%s: cannot pass the client's %s credential (scheme %q) through as %s (scheme %q): `+
					`an HTTP Basic credential only passes to another http:basic scheme`,
					uPath, schemes[c].desc, c, schemes[u].desc, u)
				if err.Error() != msg {
					t.Errorf("%s -> %s:\n got  %v\n want %s", c, u, err, msg)
				}
				continue
			}
			if !p.NeedsClientCredential() || p.Source() != "passthrough:"+schemes[c].Carrier().In+":"+schemes[c].Carrier().Name {
				t.Errorf("%s -> %s: needs=%v source=%s", c, u, p.NeedsClientCredential(), p.Source())
			}
		}
	}
}

func orSelf(u, c string) string {
	if u == "" {
		return c
	}
	return u
}

func TestPassthroughIgnoresOverride(t *testing.T) {
	// The override is neither resolved nor validated: an unset variable does not fail.
	p := mustPolicy(t, PolicySpec{ClientID: "bearer", Passthrough: true, UpstreamID: "bearerDef",
		HasCredential: true, Credential: "${NOT_SET_ANYWHERE}", CredentialPath: kPath})
	if p.IgnoredCredentialPath() != kPath || p.Source() != "passthrough:header:authorization" {
		t.Errorf("ignored=%q source=%q", p.IgnoredCredentialPath(), p.Source())
	}
	if p := passthrough(t, "bearer", "bearerDef"); p.IgnoredCredentialPath() != "" {
		t.Errorf("ignored = %q", p.IgnoredCredentialPath())
	}
}

func TestPolicyIntrospection(t *testing.T) {
	cases := []struct {
		name    string
		spec    PolicySpec
		source  string
		needs   bool
		carrier []Carrier
		headers []string
		desc    string
	}{
		{"none", PolicySpec{}, "none", false, nil, nil,
			`tool "get_profile": client=none passthrough=false upstream=none source=none`},
		{"default bearer", PolicySpec{UpstreamID: "bearerDef"}, "default:http:bearer", false,
			[]Carrier{{"header", "authorization"}}, nil,
			`tool "get_profile": client=none passthrough=false upstream="bearerDef"(http:bearer) source=default:http:bearer`},
		{"override query", PolicySpec{UpstreamID: "qry", HasCredential: true, Credential: secOverride},
			"override:apiKey:query:api_key", false, []Carrier{{"query", "api_key"}}, nil,
			`tool "get_profile": client=none passthrough=false upstream="qry"(apiKey:query:api_key) source=override:apiKey:query:api_key`},
		{"strip only", PolicySpec{ClientID: "ck", UpstreamID: "hdrDef"}, "default:apiKey:header:x-api-key", false,
			[]Carrier{{"cookie", "session"}, {"header", "x-api-key"}}, nil,
			`tool "get_profile": client="ck"(apiKey:cookie:session) passthrough=false upstream="hdrDef"(apiKey:header:x-api-key) source=default:apiKey:header:x-api-key`},
		{"passthrough same carrier", PolicySpec{ClientID: "bearer", Passthrough: true, UpstreamID: "bearerDef"},
			"passthrough:header:authorization", true, []Carrier{{"header", "authorization"}}, []string{"authorization"},
			`tool "get_profile": client="bearer"(http:bearer) passthrough=true upstream="bearerDef"(http:bearer) source=passthrough:header:authorization`},
		{"passthrough header to query", PolicySpec{ClientID: "hdr", Passthrough: true, UpstreamID: "qry"},
			"passthrough:header:x-api-key", true, []Carrier{{"header", "x-api-key"}, {"query", "api_key"}}, []string{"x-api-key"}, ""},
		{"passthrough cookie", PolicySpec{ClientID: "ck", Passthrough: true},
			"passthrough:cookie:session", true, []Carrier{{"cookie", "session"}}, []string{"cookie"}, ""},
		{"passthrough query", PolicySpec{ClientID: "qry", Passthrough: true, UpstreamID: "bearer"},
			"passthrough:query:api_key", true, []Carrier{{"query", "api_key"}, {"header", "authorization"}}, nil, ""},
		{"auth header", PolicySpec{PassthroughAuthHeader: true}, sourceAuthHeader, false,
			[]Carrier{{"header", "authorization"}}, []string{"authorization"},
			`tool "get_profile": client=none passthrough=false upstream=none source=passthroughAuthHeader:header:authorization`},
		{"auth header with C", PolicySpec{PassthroughAuthHeader: true, ClientID: "hdr"}, "none", false,
			[]Carrier{{"header", "x-api-key"}}, nil, ""},
		{"auth header with template", PolicySpec{PassthroughAuthHeader: true, TemplateSetsAuthorization: true},
			"none", false, nil, nil, ""},
		{"local", PolicySpec{NoUpstream: true, ClientID: "bearer", Passthrough: true, UpstreamID: "bearer"},
			"none", false, nil, nil, ""},
	}
	for _, c := range cases {
		p := mustPolicy(t, c.spec)
		if p.Source() != c.source || p.NeedsClientCredential() != c.needs ||
			!reflect.DeepEqual(p.Carriers(), c.carrier) || !reflect.DeepEqual(p.ClientHeaderNames(), c.headers) {
			t.Errorf("%s: source=%q needs=%v carriers=%v headers=%v", c.name, p.Source(),
				p.NeedsClientCredential(), p.Carriers(), p.ClientHeaderNames())
		}
		if c.desc != "" && p.Describe() != c.desc {
			t.Errorf("%s: Describe()=%s", c.name, p.Describe())
		}
		if p.ToolName() != "get_profile" {
			t.Errorf("ToolName = %q", p.ToolName())
		}
		assertNoSecret(t, fmt.Sprintf("%+v %#v %s", p, p, p.Describe()))
	}
}

func TestCarriersAreCopies(t *testing.T) {
	p := mustPolicy(t, PolicySpec{ClientID: "bearer", Passthrough: true})
	p.Carriers()[0].Name = "x"
	p.ClientHeaderNames()[0] = "x"
	if p.Carriers()[0].Name != "authorization" || p.ClientHeaderNames()[0] != "authorization" {
		t.Error("caller mutated the policy")
	}
}
