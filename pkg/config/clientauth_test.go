package config

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jwttest"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/clientauth"
)

const carolKey = "carol-key-5f1c9a0d27b4"

func jwksString(t testing.TB) string {
	b, err := json.Marshal(string(jwttest.JWKS()))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// withClientAuth is a config with bridge.clientAuth set to ca, server extras and tools.
func withClientAuth(ca, extraServer, tools string) string {
	if extraServer != "" {
		extraServer = "," + extraServer
	}
	return `{"server":{"name":"s"` + extraServer + `},"tools":[` + tools + `],"bridge":{"clientAuth":` + ca + `}}`
}

const (
	bearerPassthrough = `"securitySchemes":[{"id":"user","type":"http","scheme":"bearer"},{"id":"basic","type":"http","scheme":"basic"},` +
		`{"id":"xkey","type":"apiKey","in":"header","name":"X-API-Key"},{"id":"mse","type":"apiKey","in":"header","name":"X-Mse-Consumer"}]`
	keysOnly = `{"apiKeys":[{"consumer":"carol","key":"` + carolKey + `"}]}`
)

func passTool(scheme string) string {
	return `{"name":"p","security":{"id":"` + scheme + `","passthrough":true},"requestTemplate":{"url":"https://api.example.com/x","method":"GET"}}`
}

func TestClientAuthErrors(t *testing.T) {
	jwt := func(extra string) string {
		return `{"jwt":{"issuer":"https://idp.example.com","audiences":["https://mcp.example.com/mcp"],"jwks":` + jwksString(t) + extra + `}}`
	}
	cases := []struct{ name, data, want string }{
		{"empty clientAuth", withClientAuth(`{}`, "", getTool("a")), "bridge.clientAuth: configure at least one of apiKeys, jwt or trustedConsumerHeader"},
		{"unknown key", withClientAuth(`{"apikeys":[]}`, "", getTool("a")), `bridge.clientAuth.apikeys: unknown key (keys are case-sensitive: did you mean "apiKeys"?)`},
		{"required type", withClientAuth(`{"required":"yes"}`, "", getTool("a")), "bridge.clientAuth.required: must be a boolean, not a string"},
		{"key missing", withClientAuth(`{"apiKeys":[{"consumer":"carol"}]}`, "", getTool("a")), "bridge.clientAuth.apiKeys[0].key: is required"},
		{"key short", withClientAuth(`{"apiKeys":[{"consumer":"carol","key":"short"}]}`, "", getTool("a")), "bridge.clientAuth.apiKeys[0].key: must be at least 16 characters"},
		{"key with space", withClientAuth(`{"apiKeys":[{"consumer":"carol","key":"`+carolKey+` "}]}`, "", getTool("a")), "bridge.clientAuth.apiKeys[0].key: must not start or end with a space"},
		{"key env unset", withClientAuth(`{"apiKeys":[{"consumer":"carol","key":"${UNSET_CAROL}"}]}`, "", getTool("a")), "bridge.clientAuth.apiKeys[0].key: environment variable UNSET_CAROL is not set"},
		{"key duplicate", withClientAuth(`{"apiKeys":[{"consumer":"carol","key":"`+carolKey+`"},{"consumer":"dave","key":"`+carolKey+`"}]}`, "", getTool("a")), "bridge.clientAuth.apiKeys[1].key: same key as bridge.clientAuth.apiKeys[0]"},
		{"consumer name", withClientAuth(`{"apiKeys":[{"consumer":"ca rol","key":"`+carolKey+`"}]}`, "", getTool("a")), "bridge.clientAuth.apiKeys[0].consumer: must be a consumer name"},
		{"jwt issuer missing", withClientAuth(`{"jwt":{"audiences":["a"]}}`, "", getTool("a")), "bridge.clientAuth.jwt.issuer: is required"},
		{"jwt audiences missing", withClientAuth(`{"jwt":{"issuer":"i","jwks":"{}"}}`, "", getTool("a")), "bridge.clientAuth.jwt.audiences: is required"},
		{"jwt audience empty", withClientAuth(`{"jwt":{"issuer":"i","audiences":[""]}}`, "", getTool("a")), "bridge.clientAuth.jwt.audiences[0]: must not be empty"},
		{"jwt jwks missing", withClientAuth(`{"jwt":{"issuer":"i","audiences":["a"]}}`, "", getTool("a")), "bridge.clientAuth.jwt.jwks: is required"},
		{"jwt jwks bad", withClientAuth(`{"jwt":{"issuer":"i","audiences":["a"],"jwks":"{\"keys\":[{\"kty\":\"oct\",\"k\":\"`+plantedSecret+`\"}]}"}}`, "", getTool("a")), "bridge.clientAuth.jwt.jwks: keys[0]: is a symmetric key (HMAC is refused)"},
		{"jwt consumerClaim empty", withClientAuth(jwt(`,"consumerClaim":""`), "", getTool("a")), "bridge.clientAuth.jwt.consumerClaim: must not be empty"},
		{"trusted header authorization", withClientAuth(`{"trustedConsumerHeader":"Authorization"}`, "", getTool("a")), "bridge.clientAuth.trustedConsumerHeader: must not be a credential or routing header (authorization)"},
		{"trusted header not a name", withClientAuth(`{"trustedConsumerHeader":"x mse"}`, "", getTool("a")), "bridge.clientAuth.trustedConsumerHeader: must be a header name"},
		{"resource missing", withClientAuth(`{"apiKeys":[],"trustedConsumerHeader":"x-mse-consumer","resourceMetadata":{}}`, "", getTool("a")), "bridge.clientAuth.resourceMetadata.resource: is required"},
		{"resource relative", withClientAuth(`{"trustedConsumerHeader":"x-mse-consumer","resourceMetadata":{"resource":"/mcp"}}`, "", getTool("a")), "bridge.clientAuth.resourceMetadata.resource: must be an absolute http(s) URL"},
		{"authorization server", withClientAuth(`{"trustedConsumerHeader":"x-mse-consumer","resourceMetadata":{"resource":"https://m/mcp","authorizationServers":["idp"]}}`, "", getTool("a")), "bridge.clientAuth.resourceMetadata.authorizationServers[0]: must be an absolute http(s) URL"},
		{"scope supported", withClientAuth(`{"trustedConsumerHeader":"x-mse-consumer","resourceMetadata":{"resource":"https://m/mcp","scopesSupported":["a b"]}}`, "", getTool("a")), "bridge.clientAuth.resourceMetadata.scopesSupported[0]: must be a scope token"},
		{"allow without clientAuth", cfg(`{"name":"a","responseTemplate":{"body":"x"},"allow":{"scopes":["x"]}}`), "tools[0].allow: needs bridge.clientAuth"},
		{"allow scope", withClientAuth(keysOnly, "", `{"name":"a","responseTemplate":{"body":"x"},"allow":{"scopes":["x\"y"]}}`), "tools[0].allow.scopes[0]: must be a scope token"},
		{"allow consumer", withClientAuth(keysOnly, "", `{"name":"a","responseTemplate":{"body":"x"},"allow":{"consumers":[""]}}`), "tools[0].allow.consumers[0]: must be a consumer name"},
		{"allow unknown key", withClientAuth(keysOnly, "", `{"name":"a","responseTemplate":{"body":"x"},"allow":{"scope":["x"]}}`), `tools[0].allow.scope: unknown key`},
		{"bearer passthrough", withClientAuth(keysOnly, bearerPassthrough, passTool("user")),
			`tools[0].security.passthrough: tool "p" would pass the authorization header, which carries the credential the gateway verifies (bridge.clientAuth), to its backend; use token exchange`},
		{"x-api-key passthrough", withClientAuth(keysOnly, bearerPassthrough, getTool("a")+","+passTool("xkey")), `tools[1].security.passthrough: tool "p" would pass the x-api-key header`},
		{"trusted header passthrough", withClientAuth(`{"trustedConsumerHeader":"x-mse-consumer"}`, bearerPassthrough, passTool("mse")), `tools[0].security.passthrough: tool "p" would pass the x-mse-consumer header`},
		{"default downstream passthrough", withClientAuth(keysOnly, bearerPassthrough+`,"defaultDownstreamSecurity":{"id":"user","passthrough":true}`, getTool("a")),
			`server.defaultDownstreamSecurity.passthrough: tool "a" would pass the authorization header`},
		{"passthroughAuthHeader", withClientAuth(keysOnly, `"passthroughAuthHeader":true`, getTool("a")), `server.passthroughAuthHeader: tool "a" would pass the authorization header`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.data), secretEnv)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant prefix %s", err, tc.want)
			}
			for _, s := range []string{plantedSecret, carolKey} {
				if strings.Contains(err.Error(), s) {
					t.Fatalf("error quotes a secret: %v", err)
				}
			}
		})
	}
}

func TestClientAuthPassthroughAllowed(t *testing.T) {
	// Basic passthrough in Authorization never copies a bearer token: allowed.
	mustParse(t, withClientAuth(keysOnly, bearerPassthrough, passTool("basic")))
	// The explicit opt-in.
	mustParse(t, withClientAuth(`{"apiKeys":[{"consumer":"carol","key":"`+carolKey+`"}],"allowVerifiedTokenPassthrough":true}`, bearerPassthrough, passTool("user")))
	// An x-api-key-shaped client scheme without passthrough (a backend default) is no passthrough.
	mustParse(t, withClientAuth(keysOnly, `"securitySchemes":[{"id":"k","type":"apiKey","in":"header","name":"X-API-Key","defaultCredential":"backend-key"}]`,
		`{"name":"a","requestTemplate":{"url":"https://api.example.com/x","method":"GET","security":{"id":"k"}}}`))
}

func TestClientAuthParse(t *testing.T) {
	c := mustParse(t, withClientAuth(`{"apiKeys":[{"consumer":"carol","key":"${CAROL_KEY}"}],`+
		`"jwt":{"issuer":"https://idp.example.com","audiences":["https://mcp.example.com/mcp"],"jwks":`+jwksString(t)+`,"consumerClaim":"client_id"},`+
		`"trustedConsumerHeader":"X-Mse-Consumer",`+
		`"resourceMetadata":{"resource":"https://mcp.example.com/mcp","authorizationServers":["https://idp.example.com"],"scopesSupported":["orders.read"]}}`,
		"", getTool("open")+`,{"name":"orders","responseTemplate":{"body":"x"},"allow":{"scopes":["orders.read"],"consumers":["alice"]}}`))
	ca := c.ClientAuth
	if ca == nil || !ca.Auth.Required() || ca.Auth.TrustedHeader() != "x-mse-consumer" || ca.AllowVerifiedTokenPassthrough {
		t.Fatalf("clientAuth = %+v", ca)
	}
	if ca.Metadata.URL() != "https://mcp.example.com/.well-known/oauth-protected-resource/mcp" {
		t.Fatalf("metadata URL %s", ca.Metadata.URL())
	}
	if c.Tools[0].Allow != nil || c.Tools[1].Allow == nil || c.Tools[1].Allow.Scopes[0] != "orders.read" || c.Tools[1].Allow.Consumers[0] != "alice" {
		t.Fatalf("allow rules: %+v %+v", c.Tools[0].Allow, c.Tools[1].Allow)
	}
	// The ${ENV} key authenticates; the JWT config reads client_id.
	id, err := ca.Auth.Authenticate([][2]string{{"x-api-key", plantedSecret}}, time.Now())
	if err != nil || !reflect.DeepEqual(id, clientauth.Identity{Consumer: "carol", Kind: clientauth.KindAPIKey}) {
		t.Fatalf("api key: %+v %v", id, err)
	}
	tok := jwttest.Sign("ES256", "ec-256", "ec-256", map[string]any{"iss": "https://idp.example.com", "aud": "https://mcp.example.com/mcp",
		"client_id": "agent-7", "exp": time.Now().Add(time.Minute).Unix()})
	if id, err := ca.Auth.Authenticate([][2]string{{"authorization", "Bearer " + tok}}, time.Now()); err != nil || id.Consumer != "agent-7" {
		t.Fatalf("jwt: %+v %v", id, err)
	}
	if mustParse(t, withClientAuth(`{"required":false,"trustedConsumerHeader":"x-c"}`, "", getTool("a"))).ClientAuth.Auth.Required() {
		t.Fatal("required: false ignored")
	}
	if mustParse(t, cfg(getTool("a"))).ClientAuth != nil {
		t.Fatal("clientAuth without bridge.clientAuth")
	}
}
