package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/testutil"
)

func oauth2Config(t *testing.T) []byte {
	t.Helper()
	js, err := testutil.YAMLFileToJSON(filepath.Join("testdata", "oauth2.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func TestOAuth2Config(t *testing.T) {
	c, err := Parse(oauth2Config(t), secretEnv)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tool := range c.Tools {
		desc := "none"
		if g := tool.Grant; g != nil {
			desc = fmt.Sprint(g.Source(), " ", g.Cluster(), " ", tool.Policy.OAuth2Scheme())
		}
		got[tool.Rest.Name()] = desc
	}
	want := map[string]string{
		"list_orders":          "oauth2:client_credentials:orders-cc outbound|443||auth.example.com orders-cc",
		"my_orders":            "oauth2:token_exchange:orders-xchg outbound|8080||auth.internal orders-xchg",
		"oauth2_client_scheme": "none",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("tools:\n got %v\nwant %v", got, want)
	}
	if src := c.Tools[2].Policy.Source(); src != "passthrough:header:authorization" {
		t.Errorf("oauth2 scheme as C: source %q", src)
	}
	var warns []string
	for _, w := range c.Warnings {
		warns = append(warns, w.Path+": "+w.Msg)
	}
	wantWarns := []string{
		"server.securitySchemes[1].flows.tokenExchange.tokenUrl: token URL is plain http: the client secret and the tokens travel unencrypted",
		`server.securitySchemes[1].clientSecret: clientSecret is a literal: use "${ENV_NAME}" in production configs`,
	}
	if strings.Join(warns, "\n") != strings.Join(wantWarns, "\n") {
		t.Errorf("warnings:\n%s\nwant\n%s", strings.Join(warns, "\n"), strings.Join(wantWarns, "\n"))
	}
}

func TestOAuth2ConfigErrors(t *testing.T) {
	const p = "server.securitySchemes[0]"
	scheme := func(body string) string {
		return withSchemes(`"securitySchemes":[{"id":"o","type":"oauth2",`+body+`}]`,
			`{"name":"t","requestTemplate":{"url":"https://api.example.com/x","method":"GET","security":{"id":"o"}}}`)
	}
	const cc = `"flows":{"clientCredentials":{"tokenUrl":"https://a.example.com/t"}}`
	const creds = `"clientId":"c","clientSecret":"${S}"`
	cases := []struct{ name, data, want string }{
		{"no flows", scheme(creds), p + ".flows: is required for type oauth2 (clientCredentials or tokenExchange)"},
		{"empty flows", scheme(`"flows":{},` + creds), p + ".flows: must hold clientCredentials or tokenExchange"},
		{"two flows", scheme(`"flows":{"clientCredentials":{"tokenUrl":"https://a/t"},"tokenExchange":{"tokenUrl":"https://a/t"}},` + creds),
			p + ".flows: must hold exactly one flow (clientCredentials or tokenExchange), not both"},
		{"authorization code", scheme(`"flows":{"authorizationCode":{"authorizationUrl":"https://a/a","tokenUrl":"https://a/t"}},` + creds),
			p + ".flows.authorizationCode: flow authorizationCode is not supported: it needs a browser redirect to the user, which a gateway calling a backend does not have; use clientCredentials or tokenExchange"},
		{"implicit", scheme(`"flows":{"implicit":{}},` + creds), p + ".flows.implicit: flow implicit is not supported"},
		{"password", scheme(`"flows":{"password":{}},` + creds), p + ".flows.password: flow password is not supported"},
		{"unknown flow", scheme(`"flows":{"deviceCode":{}},` + creds), p + ".flows.deviceCode: unknown key"},
		{"no tokenUrl", scheme(`"flows":{"clientCredentials":{}},` + creds), p + ".flows.clientCredentials.tokenUrl: is required"},
		{"bad tokenUrl", scheme(`"flows":{"clientCredentials":{"tokenUrl":"/token"}},` + creds),
			p + ".flows.clientCredentials.tokenUrl: must be an absolute https URL without user info or fragment"},
		{"no clientId", scheme(cc + `,"clientSecret":"${S}"`), p + ".clientId: is required for type oauth2"},
		{"no clientSecret", scheme(cc + `,"clientId":"c"`), p + ".clientSecret: is required for type oauth2"},
		{"unset secret", scheme(cc + `,"clientId":"c","clientSecret":"${UNSET_SECRET}"`), p + ".clientSecret: environment variable UNSET_SECRET is not set"},
		{"bad auth method", scheme(cc + `,` + creds + `,"tokenEndpointAuthMethod":"private_key_jwt"`), p + ".tokenEndpointAuthMethod: must be one of: client_secret_basic, client_secret_post"},
		{"scope with space", scheme(`"flows":{"clientCredentials":{"tokenUrl":"https://a/t","scopes":{"a b":""}}},` + creds),
			p + ".flows.clientCredentials.scopes: scope names must be non-empty"},
		{"defaultCredential", scheme(cc + `,` + creds + `,"defaultCredential":"x"`), p + ".defaultCredential: not allowed for type oauth2"},
		{"in on oauth2", scheme(cc + `,` + creds + `,"in":"header"`), p + ".in: not allowed for type oauth2"},
		{"oauth2 key on apiKey", withSchemes(`"securitySchemes":[{"id":"k","type":"apiKey","in":"header","name":"X-K","clientId":"c"}]`, getTool("t")),
			p + ".clientId: only allowed for type oauth2"},
		{"tokenCluster with space", scheme(cc + `,` + creds + `,"tokenCluster":"outbound|443|| a"`), p + ".tokenCluster: must not contain whitespace"},
		{"credential on oauth2 U", withSchemes(`"securitySchemes":[{"id":"o","type":"oauth2",`+cc+`,`+creds+`}]`,
			`{"name":"t","requestTemplate":{"url":"https://api.example.com/x","method":"GET","security":{"id":"o","credential":"${S}"}}}`),
			"tools[0].requestTemplate.security.credential: not allowed with oauth2 scheme"},
		{"exchange without passthrough", withSchemes(`"securitySchemes":[{"id":"o","type":"oauth2","flows":{"tokenExchange":{"tokenUrl":"https://a/t"}},`+creds+`}]`,
			`{"name":"t","requestTemplate":{"url":"https://api.example.com/x","method":"GET","security":{"id":"o"}}}`),
			`tools[0].requestTemplate.security.id: the oauth2 tokenExchange scheme "o" needs a client scheme with passthrough: true`},
		{"arg targets Authorization", withSchemes(`"securitySchemes":[{"id":"o","type":"oauth2",`+cc+`,`+creds+`}]`,
			`{"name":"t","args":[{"name":"Authorization","position":"header"}],"requestTemplate":{"url":"https://api.example.com/x","method":"GET","security":{"id":"o"}}}`),
			`tools[0].args[0]: arg "authorization" is sent as header "authorization", which carries a credential`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.data), secretEnv)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("error:\n got %v\nwant prefix %q", err, c.want)
			}
			if strings.Contains(err.Error(), plantedSecret) {
				t.Fatalf("error leaks the secret: %v", err)
			}
		})
	}
}

// TestOAuth2SecretNeverPrinted: a parsed config holding a client secret prints no secret.
func TestOAuth2SecretNeverPrinted(t *testing.T) {
	c, err := Parse(oauth2Config(t), secretEnv)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range c.Tools {
		s := fmt.Sprintf("%v %+v %#v", tool, tool.Grant, tool.Grant)
		for _, sec := range []string{plantedSecret, "literal-gw-secret"} {
			if strings.Contains(s, sec) {
				t.Fatalf("secret printed: %s", s)
			}
		}
	}
	if _, err := os.Stat(filepath.Join("testdata", "oauth2.yaml")); err != nil {
		t.Fatal(err)
	}
}

func TestTokenCacheRedis(t *testing.T) {
	base := string(oauth2Config(t))
	with := func(redis string) string {
		return strings.TrimSuffix(base, "}") + `,"bridge":{"tokenCache":{"redis":` + redis + `}}}`
	}
	c, err := Parse([]byte(with(`{"serviceName":"redis.dns","password":"${REDIS_PASSWORD}","database":2}`)), secretEnv)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Bridge.TokenCache.Redis
	if got := fmt.Sprintf("%s %d %d %d %q %v", r.Cluster, r.Port, r.TimeoutMs, r.Database, r.Username, r.Password.Reveal() == plantedSecret); got != `outbound|6379||redis.dns 6379 1000 2 "" true` {
		t.Errorf("redis: %s", got)
	}
	if s := fmt.Sprintf("%+v", *r); strings.Contains(s, plantedSecret) {
		t.Fatalf("password printed: %s", s)
	}
	for _, tc := range []struct{ redis, want string }{
		{`{}`, "bridge.tokenCache.redis.serviceName: is required"},
		{`{"serviceName":"redis.dns","servicePort":0}`, "bridge.tokenCache.redis.servicePort: must be between 1 and 65535"},
		{`{"serviceName":"redis.dns","timeout":600000}`, "bridge.tokenCache.redis.timeout: must be between 1 and 60000"},
		{`{"serviceName":"redis dns"}`, "bridge.tokenCache.redis.serviceName: must be a service name without spaces or control characters"},
		{`{"serviceName":"redis.dns","password":"${UNSET_PW}"}`, "bridge.tokenCache.redis.password: environment variable UNSET_PW is not set"},
		{`{"serviceName":"redis.dns","host":"x"}`, "bridge.tokenCache.redis.host: unknown key"},
	} {
		_, err := Parse([]byte(with(tc.redis)), secretEnv)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s:\n got %v\nwant %s", tc.redis, err, tc.want)
		}
	}
	c, err = Parse([]byte(`{"server":{"name":"s"},"tools":[`+getTool("t")+`],"bridge":{"tokenCache":{"redis":{"serviceName":"r.dns","password":"lit"}}}}`), secretEnv)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(c.Warnings); got != `[{bridge.tokenCache.redis.password password is a literal: use "${ENV_NAME}" in production configs} {bridge.tokenCache.redis no oauth2 security scheme uses the token cache}]` {
		t.Errorf("warnings %s", got)
	}
}
