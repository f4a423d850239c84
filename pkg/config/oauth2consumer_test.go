package config

import (
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

const aliceClientSecret = "alice-cs-4f9a2e1b7c"

var oauthConsumerEnv = security.Env(func(n string) (string, bool) {
	if n == "ALICE_CLIENT_SECRET" {
		return aliceClientSecret, true
	}
	return "", false
})

// oauthConsumerConfig is an oauth2 client credentials scheme used upstream, with extra keys
// (consumerCredentials, flows) spliced in.
func oauthConsumerConfig(flows, extra string) string {
	return consumerConfig(`{"id":"orders-key","type":"oauth2","flows":` + flows +
		`,"tokenCluster":"outbound|443||idp.example.com"` + extra + `}`)
}

const ccFlow = `{"clientCredentials":{"tokenUrl":"https://idp.example.com/token","scopes":{"orders.read":""}}}`

func TestOAuth2ConsumerCredentialsParse(t *testing.T) {
	cfg, err := Parse([]byte(oauthConsumerConfig(ccFlow, `,"consumerCredentials":{`+
		`"alice":{"clientId":"alice-client","clientSecret":"${ALICE_CLIENT_SECRET}"},`+
		`"bob":{"clientId":"bob-client","clientSecret":"bob-cs-literal-88"}}`)), oauthConsumerEnv)
	if err != nil {
		t.Fatal(err)
	}
	tool := cfg.Tools[0]
	if tool.Grant != nil || len(tool.ConsumerGrants) != 2 || !tool.UsesOAuth2() {
		t.Fatalf("grant = %v, consumer grants = %v", tool.Grant, tool.ConsumerGrants)
	}
	for name, want := range map[string][]string{
		"alice": {aliceClientSecret, "YWxpY2UtY2xpZW50OmFsaWNlLWNzLTRmOWEyZTFiN2M="},
		"bob":   {"bob-cs-literal-88", "Ym9iLWNsaWVudDpib2ItY3MtbGl0ZXJhbC04OA=="},
	} {
		g := tool.GrantFor(name)
		if g == nil || g.Source() != "oauth2:client_credentials:orders-key" || g.Scheme() != "orders-key" {
			t.Fatalf("%s: grant = %v", name, g)
		}
		var got []string
		for _, c := range g.Credentials() {
			got = append(got, c.Value.Reveal())
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: credentials = %q, want %q", name, got, want)
		}
	}
	if tool.GrantFor("carol") != nil || tool.GrantFor("") != nil {
		t.Error("a consumer without an entry or an anonymous caller got a grant")
	}
	if tool.GrantFor("alice") == tool.GrantFor("bob") {
		t.Error("alice and bob share a grant")
	}
	wantWarn := []configerr.Warning{{Path: "server.securitySchemes[0].consumerCredentials.bob.clientSecret",
		Msg: `clientSecret is a literal: use "${ENV_NAME}" in production configs`}}
	if len(cfg.Warnings) != 1 || cfg.Warnings[0] != wantWarn[0] {
		t.Errorf("warnings = %v, want %v", cfg.Warnings, wantWarn)
	}
}

// TestOAuth2ConsumerPlainHTTPWarnsOnce: the token URL warning is the scheme's, not each consumer's.
func TestOAuth2ConsumerPlainHTTPWarnsOnce(t *testing.T) {
	cfg, err := Parse([]byte(oauthConsumerConfig(`{"clientCredentials":{"tokenUrl":"http://idp.example.com/token"}}`,
		`,"consumerCredentials":{"alice":{"clientId":"a","clientSecret":"${ALICE_CLIENT_SECRET}"},`+
			`"bob":{"clientId":"b","clientSecret":"${ALICE_CLIENT_SECRET}"}}`)), oauthConsumerEnv)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Warnings) != 1 || cfg.Warnings[0].Path != "server.securitySchemes[0].flows.clientCredentials.tokenUrl" {
		t.Errorf("warnings = %v", cfg.Warnings)
	}
}

func TestOAuth2ConsumerCredentialsErrors(t *testing.T) {
	cc := func(m string) string { return oauthConsumerConfig(ccFlow, `,"consumerCredentials":`+m) }
	const at = "server.securitySchemes[0].consumerCredentials"
	cases := []struct{ name, data, want string }{
		{"token exchange", consumerConfig(`{"id":"orders-key","type":"oauth2","flows":{"tokenExchange":{"tokenUrl":"https://idp.example.com/token"}},` +
			`"consumerCredentials":{"alice":{"clientId":"a","clientSecret":"sec-xchg-1"}}}`),
			at + ": is only supported with flows.clientCredentials: a token exchange already acts for the authenticated user whose token it exchanges"},
		{"shared client id", oauthConsumerConfig(ccFlow, `,"clientId":"gw","consumerCredentials":{"alice":{"clientId":"a","clientSecret":"sec-a-1"}}`),
			"server.securitySchemes[0].clientId: must not be set with consumerCredentials: each consumer's own clientId and clientSecret are used, never a shared client"},
		{"shared client secret", oauthConsumerConfig(ccFlow, `,"clientSecret":"gw-secret-1","consumerCredentials":{"alice":{"clientId":"a","clientSecret":"sec-a-1"}}`),
			"server.securitySchemes[0].clientSecret: must not be set with consumerCredentials: each consumer's own clientId and clientSecret are used, never a shared client"},
		{"empty", cc(`{}`), at + ": must name at least one consumer"},
		{"not an object", cc(`"k"`), at + ": must be an object, not a string"},
		{"string entry", cc(`{"alice":"sec-str-2"}`), at + ".alice: must be an object {clientId, clientSecret} for type oauth2"},
		{"unknown key", cc(`{"alice":{"clientId":"a","clientSecret":"sec-a-1","scope":"x"}}`), at + ".alice.scope: unknown key (allowed: clientId, clientSecret)"},
		{"odd key not shown", cc(`{"alice":{"clientId":"a","Bearer sk-live-123":"x"}}`), at + ".alice.(key not shown): unknown key (allowed: clientId, clientSecret)"},
		{"number secret", cc(`{"alice":{"clientId":"a","clientSecret":5}}`), at + ".alice.clientSecret: must be a string"},
		{"missing id", cc(`{"alice":{"clientSecret":"sec-a-1"}}`), at + ".alice.clientId: is required for type oauth2"},
		{"missing secret", cc(`{"alice":{"clientId":"a"}}`), at + ".alice.clientSecret: is required for type oauth2"},
		{"control in id", cc(`{"alice":{"clientId":"a\u0001","clientSecret":"sec-a-1"}}`), at + ".alice.clientId: must not contain control characters"},
		{"unset env", cc(`{"alice":{"clientId":"a","clientSecret":"${NOPE}"}}`), at + ".alice.clientSecret: environment variable NOPE is not set"},
		{"second consumer", cc(`{"alice":{"clientId":"a","clientSecret":"sec-a-1"},"bob":{"clientId":"b"}}`), at + ".bob.clientSecret: is required for type oauth2"},
		{"odd consumer not shown", cc(`{"Bearer sk-live-123":{"clientId":"a"}}`), at + ".(key not shown).clientSecret: is required for type oauth2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.data), oauthConsumerEnv)
			if err == nil || err.Error() != c.want {
				t.Fatalf("err = %v\nwant %q", err, c.want)
			}
			for _, s := range []string{"sec-xchg-1", "sec-a-1", "gw-secret-1", "sec-str-2", "sk-live-123"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error quotes a secret: %v", err)
				}
			}
		})
	}
}
