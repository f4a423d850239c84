package security

import (
	"errors"
	"fmt"
	"testing"
)

func oauth2Schemes(t *testing.T) map[string]*Scheme {
	t.Helper()
	specs := append(testSchemeSpecs(),
		SchemeSpec{ID: "cc", Type: "oauth2", OAuth2Flow: "client_credentials"},
		SchemeSpec{ID: "xchg", Type: "OAuth2", OAuth2Flow: "token_exchange"})
	m, err := CompileSchemes(specs, nil, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestOAuth2PolicyErrors(t *testing.T) {
	cases := []struct {
		name string
		spec PolicySpec
		want string
	}{
		{"credential on oauth2 U", PolicySpec{UpstreamID: "cc", UpstreamPath: uPath, HasCredential: true, Credential: secOverride, CredentialPath: kPath},
			kPath + `: not allowed with oauth2 scheme "cc": the token is obtained from the token endpoint`},
		{"passthrough to client credentials", PolicySpec{ClientID: "bearer", ClientPath: cPath, Passthrough: true, UpstreamID: "cc", UpstreamPath: uPath},
			cPath + `: passthrough cannot be used with the oauth2 clientCredentials scheme "cc": the backend gets the gateway's own token`},
		{"exchange without passthrough", PolicySpec{ClientID: "bearer", ClientPath: cPath, UpstreamID: "xchg", UpstreamPath: uPath},
			uPath + `: the oauth2 tokenExchange scheme "xchg" needs a client scheme with passthrough: true (tools[].security or server.defaultDownstreamSecurity): the client's token is the subject token`},
		{"exchange without C", PolicySpec{UpstreamID: "xchg", UpstreamPath: uPath},
			uPath + `: the oauth2 tokenExchange scheme "xchg" needs a client scheme with passthrough: true (tools[].security or server.defaultDownstreamSecurity): the client's token is the subject token`},
		{"exchange of a basic credential", PolicySpec{ClientID: "basic", ClientPath: cPath, Passthrough: true, UpstreamID: "xchg", UpstreamPath: uPath},
			cPath + `: an HTTP Basic credential cannot be a token exchange subject token (scheme "basic")`},
	}
	schemes := oauth2Schemes(t)
	for _, c := range cases {
		c.spec.ToolName = "t"
		_, err := CompilePolicy(c.spec, schemes, testEnv)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got  %v\n want %s", c.name, err, c.want)
		}
	}
}

func oauth2Policy(t *testing.T, spec PolicySpec) *Policy {
	t.Helper()
	spec.ToolName = "list_orders"
	p, err := CompilePolicy(spec, oauth2Schemes(t), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestApplyOAuth2(t *testing.T) {
	cases := []struct {
		name    string
		spec    PolicySpec
		in      Inbound
		source  string
		subject string
		reason  string // refusal reason, "" for success
		headers [][2]string
	}{
		{"client credentials strips every client credential",
			PolicySpec{ClientID: "hdr", UpstreamID: "cc"},
			Inbound{Headers: hdr("authorization", "Bearer client-tok", "x-api-key", "k")},
			"oauth2:client_credentials:cc", "", "", hdrNoKey},
		{"exchange of a bearer token",
			PolicySpec{ClientID: "bearer", Passthrough: true, UpstreamID: "xchg"},
			Inbound{Headers: hdr("authorization", "bearer user-tok.1")},
			"oauth2:token_exchange:xchg", "user-tok.1", "", hdrBase},
		{"exchange of an API key",
			PolicySpec{ClientID: "qry", Passthrough: true, UpstreamID: "xchg"},
			Inbound{RawQuery: "api_key=user%2Bkey"},
			"oauth2:token_exchange:xchg", "user+key", "", hdrBase},
		{"an oauth2 scheme as C is read as a bearer",
			PolicySpec{ClientID: "cc", Passthrough: true, UpstreamID: "xchg"},
			Inbound{Headers: hdr("authorization", "Bearer via-oauth2-c")},
			"oauth2:token_exchange:xchg", "via-oauth2-c", "", hdrBase},
		{"exchange without a client credential",
			PolicySpec{ClientID: "bearer", Passthrough: true, UpstreamID: "xchg"},
			Inbound{}, "", "", ReasonMissingCredential, hdrBase},
		{"exchange of a malformed credential",
			PolicySpec{ClientID: "bearer", Passthrough: true, UpstreamID: "xchg"},
			Inbound{Headers: hdr("authorization", "Bearer a b")}, "", "", ReasonMalformedCredential, hdrBase},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := oauth2Policy(t, c.spec)
			if p.OAuth2Scheme() != c.spec.UpstreamID {
				t.Fatalf("OAuth2Scheme = %q", p.OAuth2Scheme())
			}
			tgt := dirty()
			source, subject, err := p.ApplyOAuth2(c.in, tgt)
			var se *Error
			if c.reason != "" {
				if !errors.As(err, &se) || se.Reason != c.reason || source != "" || !subject.IsZero() {
					t.Fatalf("got %q %v %v, want refusal %s", source, subject, err, c.reason)
				}
			} else if err != nil || source != c.source || subject.Reveal() != c.subject {
				t.Fatalf("got %q %q %v, want %q %q", source, subject.Reveal(), err, c.source, c.subject)
			}
			if fmt.Sprint(tgt.headers) != fmt.Sprint(c.headers) {
				t.Errorf("headers %v, want %v", tgt.headers, c.headers)
			}
			if err == nil {
				p.PutToken(tgt, NewSecret("backend-tok"))
				if want := with(c.headers, "authorization", "Bearer backend-tok"); fmt.Sprint(tgt.headers) != fmt.Sprint(want) {
					t.Errorf("after PutToken %v, want %v", tgt.headers, want)
				}
			}
		})
	}
}

func TestApplyRefusesOAuth2Policy(t *testing.T) {
	p := oauth2Policy(t, PolicySpec{UpstreamID: "cc"})
	tgt := dirty()
	if _, err := p.Apply(Inbound{}, tgt); err == nil {
		t.Fatal("Apply on an oauth2 policy succeeded: the request would go without a token")
	}
	if _, ok := header(tgt.headers, "authorization"); ok {
		t.Fatal("authorization left in place")
	}
	plain := mustPolicy(t, PolicySpec{UpstreamID: "bearerDef"})
	if _, _, err := plain.ApplyOAuth2(Inbound{}, dirty()); err == nil || plain.OAuth2Scheme() != "" {
		t.Fatal("ApplyOAuth2 on a non-oauth2 policy succeeded")
	}
}

func TestOAuth2ClientHeaderNames(t *testing.T) {
	x := oauth2Policy(t, PolicySpec{ClientID: "hdr", Passthrough: true, UpstreamID: "xchg"})
	if got := fmt.Sprint(x.ClientHeaderNames(), x.NeedsClientCredential()); got != "[x-api-key] true" {
		t.Errorf("exchange: %s", got)
	}
	cc := oauth2Policy(t, PolicySpec{ClientID: "hdr", UpstreamID: "cc"})
	if got := fmt.Sprint(cc.ClientHeaderNames(), cc.NeedsClientCredential(), cc.Carriers()); got != "[] false [{header x-api-key} {header authorization}]" {
		t.Errorf("client credentials: %s", got)
	}
}

func header(h [][2]string, n string) (string, bool) {
	for _, kv := range h {
		if kv[0] == n {
			return kv[1], true
		}
	}
	return "", false
}
