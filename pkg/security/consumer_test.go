package security

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// Per-consumer secrets; each must reach only its own consumer's upstream request.
const (
	secAliceKey   = "alice-orders-key-1Qa"
	secBobKey     = "bob-orders-key-2Wb"
	secAliceBasic = "alice:alice-pw-3Ec"
	secAliceTok   = "alice-bearer-4Rd"
	secAliceCk    = "alice-cookie-5Tf"
	secAliceQry   = "alice-query-6Yg"
)

var consumerEnv = Env(func(name string) (string, bool) {
	switch name {
	case "ALICE_ORDERS_KEY":
		return secAliceKey, true
	case "EMPTY_VAR":
		return "", true
	}
	return "", false
})

func consumerSchemes(t testing.TB) map[string]*Scheme {
	t.Helper()
	cc := func(kv ...string) []ConsumerCredential {
		var out []ConsumerCredential
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, ConsumerCredential{Consumer: kv[i], Value: kv[i+1]})
		}
		return out
	}
	m, err := CompileSchemes([]SchemeSpec{
		{ID: "orders-key", Type: "apiKey", In: "header", Name: "X-Orders-Key", DefaultCredential: secHeaderDef,
			HasDefault: true, HasConsumers: true, ConsumerCredentials: cc("alice", "${ALICE_ORDERS_KEY}", "bob", secBobKey)},
		{ID: "q", Type: "apiKey", In: "query", Name: "api_key", HasConsumers: true, ConsumerCredentials: cc("alice", secAliceQry)},
		{ID: "c", Type: "apiKey", In: "cookie", Name: "session", HasConsumers: true, ConsumerCredentials: cc("alice", secAliceCk)},
		{ID: "b", Type: "http", Scheme: "bearer", HasConsumers: true, ConsumerCredentials: cc("alice", secAliceTok)},
		{ID: "basic", Type: "http", Scheme: "basic", HasConsumers: true, ConsumerCredentials: cc("alice", secAliceBasic)},
		{ID: "client", Type: "http", Scheme: "bearer"},
	}, nil, consumerEnv)
	if err != nil {
		t.Fatalf("CompileSchemes: %v", err)
	}
	return m
}

func TestApplyConsumer(t *testing.T) {
	cases := []struct {
		name, upstream, consumer string
		source, reason           string
		headers, q, ckie         [][2]string
		applied                  Credential
	}{
		{"header from env", "orders-key", "alice", "consumer:orders-key", "",
			with(hdrBase, "x-orders-key", secAliceKey), qryBase, ckBase, Credential{NewSecret(secAliceKey), FormToken}},
		{"header other consumer", "orders-key", "bob", "consumer:orders-key", "",
			with(hdrBase, "x-orders-key", secBobKey), qryBase, ckBase, Credential{NewSecret(secBobKey), FormToken}},
		{"query", "q", "alice", "consumer:q", "", hdrBase, with(qryNoKey, "api_key", secAliceQry), ckBase,
			Credential{NewSecret(secAliceQry), FormToken}},
		{"cookie", "c", "alice", "consumer:c", "", hdrBase, qryBase, with(ckNoKey, "session", secAliceCk),
			Credential{NewSecret(secAliceCk), FormToken}},
		{"bearer", "b", "alice", "consumer:b", "", with(hdrBase, "authorization", "Bearer "+secAliceTok), qryBase, ckBase,
			Credential{NewSecret(secAliceTok), FormToken}},
		{"basic", "basic", "alice", "consumer:basic", "", with(hdrBase, "authorization", "Basic "+b64(secAliceBasic)), qryBase, ckBase,
			Credential{NewSecret(b64(secAliceBasic)), FormBasic}},
		// Never the default: the backend would act under another identity.
		{"consumer without entry", "orders-key", "carol", "", ReasonMissingCredential, hdrBase, qryBase, ckBase, Credential{}},
		{"anonymous", "orders-key", "", "", ReasonMissingCredential, hdrBase, qryBase, ckBase, Credential{}},
		{"anonymous query", "q", "", "", ReasonMissingCredential, hdrBase, qryNoKey, ckBase, Credential{}},
		{"anonymous cookie", "c", "", "", ReasonMissingCredential, hdrBase, qryBase, ckNoKey, Credential{}},
		{"name differs in case", "b", "Alice", "", ReasonMissingCredential, hdrBase, qryBase, ckBase, Credential{}},
	}
	schemes := consumerSchemes(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := CompilePolicy(PolicySpec{ToolName: "list_orders", ClientID: "client", UpstreamID: c.upstream}, schemes, consumerEnv)
			if err != nil {
				t.Fatal(err)
			}
			if p.Source() != "consumer:"+c.upstream {
				t.Errorf("Source() = %q", p.Source())
			}
			tg := dirty()
			a, err := p.Apply(Inbound{Headers: hdr("authorization", "Bearer "+clientTok), Consumer: c.consumer}, tg)
			var se *Error
			switch {
			case c.reason == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case c.reason != "" && (!errors.As(err, &se) || se.Reason != c.reason):
				t.Fatalf("err = %v, want reason %s", err, c.reason)
			}
			if c.reason != "" {
				want := `tool "list_orders": no backend credential is configured for this consumer (security scheme "` + c.upstream + `")`
				if se.Msg != want {
					t.Errorf("msg = %q, want %q", se.Msg, want)
				}
			}
			if a.Source != c.source || a.Credential.Form != c.applied.Form || a.Credential.Value.Reveal() != c.applied.Value.Reveal() {
				t.Errorf("applied = %q %v %q", a.Source, a.Credential.Form, a.Credential.Value.Reveal())
			}
			if !reflect.DeepEqual(tg.headers, c.headers) || !reflect.DeepEqual(tg.query, c.q) || !reflect.DeepEqual(tg.cookies, c.ckie) {
				t.Errorf("got %q %q %q\nwant %q %q %q", tg.headers, tg.query, tg.cookies, c.headers, c.q, c.ckie)
			}
		})
	}
}

// TestConsumerCredentialsRedacted: every consumer's credential is in the tool's redact set,
// whichever consumer a call is for.
func TestConsumerCredentialsRedacted(t *testing.T) {
	p, err := CompilePolicy(PolicySpec{ToolName: "t", UpstreamID: "orders-key"}, consumerSchemes(t), consumerEnv)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range p.Credentials() {
		got = append(got, c.Value.Reveal())
	}
	if want := []string{secHeaderDef, secAliceKey, secBobKey}; !reflect.DeepEqual(got, want) {
		t.Errorf("Credentials = %q, want %q", got, want)
	}
}

func TestConsumerCredentialsConfigErrors(t *testing.T) {
	key := func(cc ...ConsumerCredential) SchemeSpec {
		return SchemeSpec{ID: "k", Type: "apiKey", In: "header", Name: "X-K", HasConsumers: true, ConsumerCredentials: cc}
	}
	cases := []struct {
		name string
		spec SchemeSpec
		want string
	}{
		{"empty map", key(), "server.securitySchemes[0].consumerCredentials: must name at least one consumer"},
		{"empty value", key(ConsumerCredential{"alice", "", "server.securitySchemes[0].consumerCredentials.alice"}),
			"server.securitySchemes[0].consumerCredentials.alice: must not be empty"},
		{"empty env", key(ConsumerCredential{"alice", "${EMPTY_VAR}", "p.alice"}), "p.alice: environment variable EMPTY_VAR is empty"},
		{"unset env", key(ConsumerCredential{"alice", "${NOPE}", "p.alice"}), "p.alice: environment variable NOPE is not set"},
		{"empty consumer", key(ConsumerCredential{"", "k1", "p."}), "p.: consumer name must not be empty"},
		{"duplicate", key(ConsumerCredential{"a", "k1", "p.a"}, ConsumerCredential{"a", "k2", "p.a"}), "p.a: duplicate consumer"},
		{"bad header value", key(ConsumerCredential{"a", "has space 7Hh", "p.a"}),
			"p.a: must be visible ASCII without spaces (header value)"},
		{"basic without colon", SchemeSpec{ID: "b", Type: "http", Scheme: "basic", HasConsumers: true,
			ConsumerCredentials: []ConsumerCredential{{"a", "nocolon-8Jj", "p.a"}}}, `p.a: must be "user:pass" (no ':' found)`},
		{"oauth2", SchemeSpec{ID: "o", Type: "oauth2", OAuth2Flow: "client_credentials", HasConsumers: true,
			ConsumerCredentials: []ConsumerCredential{{"a", "x", "p.a"}}},
			"server.securitySchemes[0].consumerCredentials: holds oauth2 clients for type oauth2, which are compiled as grants, not as scheme credentials"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := CompileSchemes([]SchemeSpec{c.spec}, nil, consumerEnv)
			if err == nil || err.Error() != c.want {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			for _, s := range []string{"has space 7Hh", "nocolon-8Jj", "k1", "k2"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error quotes a secret: %v", err)
				}
			}
		})
	}
}

func TestConsumerPolicyConfigErrors(t *testing.T) {
	schemes := consumerSchemes(t)
	cases := []struct {
		name string
		spec PolicySpec
		want string
	}{
		{"override", PolicySpec{ToolName: "t", UpstreamID: "b", HasCredential: true, Credential: secOverride, CredentialPath: "tools[0].requestTemplate.security.credential"},
			`tools[0].requestTemplate.security.credential: cannot override security scheme "b": its consumerCredentials choose the credential per consumer`},
		{"passthrough", PolicySpec{ToolName: "t", ClientID: "client", Passthrough: true, UpstreamID: "b", UpstreamPath: "tools[0].requestTemplate.security.id"},
			`tools[0].requestTemplate.security.id: security scheme "b" has consumerCredentials: it cannot also receive the client's credential by passthrough`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := CompilePolicy(c.spec, schemes, consumerEnv)
			if err == nil || err.Error() != c.want {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}
