package main

import (
	"strings"
	"testing"
	"time"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/test"
	"github.com/stretchr/testify/require"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jwttest"
)

// Secrets of clientauth.yaml and the tests' tokens: none may reach a log line, the backend
// (except the orders backend key) or the MCP client.
const (
	carolGWKey    = "carol-gw-key-5f1c9a0d27b4"
	daveGWKey     = "dave-gw-key-0b8e33a1f9"
	ordersBackend = "orders-backend-key-71c2"
	caMetadataURL = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
	caResourceMD  = `resource_metadata="` + caMetadataURL + `"`
)

func caCfg(t *testing.T) []byte { return loadYAMLConfig(t, testdataPath("clientauth.yaml")) }

// wazeroFakeEpoch is the wall clock a module sees in wasm mode: proxytest instantiates it
// without wazero's WithSysWalltime, so WASI's clock starts at wazero's fake epoch
// (2022-01-01T00:00:00Z) and advances 1 ms per read. In Envoy it is the real time.
var wazeroFakeEpoch = time.Unix(1640995200, 0)

// pluginNow is the time the plugin under test reads.
func pluginNow(t *testing.T) time.Time {
	if strings.Contains(t.Name(), "/wasm/") {
		return wazeroFakeEpoch
	}
	return time.Now()
}

// aliceJWT is a token of alice with scope orders.read, valid at the plugin's now; over
// replaces claims (nil deletes).
func aliceJWT(t *testing.T, over map[string]any) string {
	now := pluginNow(t)
	c := map[string]any{"iss": "https://idp.example.com", "aud": "https://mcp.example.com/mcp", "sub": "alice",
		"scope": "orders.read", "exp": now.Add(5 * time.Minute).Unix(), "iat": now.Add(-time.Minute).Unix()}
	for k, v := range over {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return jwttest.Sign("RS256", "rsa-1", "rsa-1", c)
}

func bearer(tok string) [2]string { return [2]string{"authorization", "Bearer " + tok} }

const listBody = `{"jsonrpc":"2.0","id":3,"method":"tools/list"}`

// listedTools returns the tool names of a tools/list answer.
func listedTools(t *testing.T, host test.TestHost) []string {
	t.Helper()
	lr := localResponse(t, host)
	require.Equal(t, uint32(200), lr.StatusCode, "%s", lr.Data)
	var names []string
	for _, n := range jsonField(t, lr.Data, "result.tools.#.name").Array() {
		names = append(names, n.Str)
	}
	return names
}

// requireChallenge checks a 401/403 answer exactly.
func requireChallenge(t *testing.T, host test.TestHost, status uint32, wwwAuth, body string) {
	t.Helper()
	lr := localResponse(t, host)
	require.Equal(t, status, lr.StatusCode, "%s", lr.Data)
	got, ok := header(lr.Headers, "www-authenticate")
	if wwwAuth == "" {
		require.False(t, ok, "www-authenticate %s", got)
	} else {
		require.Equal(t, wwwAuth, got)
	}
	ct, _ := header(lr.Headers, "content-type")
	require.Equal(t, "application/json", ct)
	require.JSONEq(t, body, string(lr.Data))
	require.Empty(t, host.GetHttpCalloutAttributes(), "no callout for a refused caller")
}

// requireForwardedOrders checks that the call went upstream with exactly the backend key and none
// of the client's credentials.
func requireForwardedOrders(t *testing.T, host test.TestHost, path string) {
	t.Helper()
	require.Nil(t, host.GetLocalResponse())
	got := host.GetRequestHeaders()
	var p, key string
	for _, h := range got {
		switch h[0] {
		case ":path":
			p = h[1]
		case "x-orders-key":
			key = h[1]
		case "authorization", "x-api-key", "x-mse-consumer":
			t.Fatalf("client credential header %s went upstream", h[0])
		}
	}
	require.Equal(t, path, p)
	require.Equal(t, ordersBackend, key)
}

func groupClientAuthenticate(t *testing.T) {
	cfg := caCfg(t)
	invalid := `{"error":"Unauthorized","message":"%s"}`
	cases := []struct {
		name, token, msg string
	}{
		{"expired", aliceJWT(t, map[string]any{"exp": pluginNow(t).Add(-time.Minute).Unix()}), "token has expired"},
		{"not yet valid", aliceJWT(t, map[string]any{"nbf": pluginNow(t).Add(10 * time.Minute).Unix()}), "token is not valid yet (nbf is in the future)"},
		{"wrong audience", aliceJWT(t, map[string]any{"aud": "https://other.example.com/mcp"}), "token aud names none of the configured audiences"},
		{"wrong issuer", aliceJWT(t, map[string]any{"iss": "https://evil.example.com"}), "token iss is not the configured issuer"},
		{"bad signature", jwttest.Sign("RS256", "rsa-1", "attacker", map[string]any{"iss": "https://idp.example.com", "aud": "https://mcp.example.com/mcp", "sub": "alice", "exp": pluginNow(t).Add(time.Minute).Unix()}), "token signature does not verify"},
		{"unknown kid", jwttest.Sign("RS256", "rsa-7", "rsa-1", map[string]any{"sub": "alice"}), "token kid names no key of the JWKS"},
		{"alg none", jwttest.Token(`{"alg":"none","kid":"rsa-1"}`, `{"iss":"https://idp.example.com","aud":"https://mcp.example.com/mcp","sub":"alice","exp":9999999999}`, jwttest.NoSignature), "token alg is refused (accepted: RS256/384/512, PS256/384/512, ES256, ES384, EdDSA)"},
		{"HS256 with the public key", jwttest.Token(`{"alg":"HS256","kid":"rsa-1"}`, `{"iss":"https://idp.example.com","aud":"https://mcp.example.com/mcp","sub":"alice","exp":9999999999}`, jwttest.HS256(jwttest.PublicPEM("rsa-1"))), "token alg is refused (accepted: RS256/384/512, PS256/384/512, ES256, ES384, EdDSA)"},
		{"unknown api key", "carol-gw-key-5f1c9a0d27b5", "bearer token is neither a configured API key nor a JWT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			host := mustStart(t, cfg)
			post(host, legacyHeaders(bearer(tc.token)), toolCall("public_status"))
			requireChallenge(t, host, 401, `Bearer `+caResourceMD+`, error="invalid_token"`, strings.Replace(invalid, "%s", tc.msg, 1))
			requireNoSecretInLogs(t, host, tc.token, carolGWKey, daveGWKey, ordersBackend)
			require.NotContains(t, string(host.GetLocalResponse().Data), tc.token)
		})
	}
	t.Run("no credential", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(), listBody)
		requireChallenge(t, host, 401, `Bearer `+caResourceMD, `{"error":"Unauthorized","message":"authentication required"}`)
	})
	t.Run("modern server/discover needs a credential too", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, modernHeaders("server/discover", ""), `{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}`)
		requireChallenge(t, host, 401, `Bearer `+caResourceMD, `{"error":"Unauthorized","message":"authentication required"}`)
	})
	for _, h := range [][2]string{bearer(carolGWKey), {"x-api-key", carolGWKey}} {
		t.Run("api key in "+h[0], func(t *testing.T) {
			host := mustStart(t, cfg)
			post(host, legacyHeaders(h), toolCall("admin_reset"))
			requireForwardedOrders(t, host, "/v1/admin/reset")
			requireNoSecretInLogs(t, host, carolGWKey, ordersBackend)
		})
	}
	t.Run("two credentials", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(bearer(carolGWKey), [2]string{"x-api-key", daveGWKey}), listBody)
		requireChallenge(t, host, 401, `Bearer `+caResourceMD+`, error="invalid_token"`, `{"error":"Unauthorized","message":"more than one gateway credential was presented"}`)
	})
	t.Run("origin is checked first", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders([2]string{"origin", "https://evil.example"}), listBody)
		require.Equal(t, uint32(403), localResponse(t, host).StatusCode)
	})
	t.Run("preflight stays unauthenticated", func(t *testing.T) {
		host := mustStart(t, cfg)
		host.CallOnHttpRequestHeaders(append(withHeader(legacyHeaders(), ":method", "OPTIONS"), [2]string{"origin", appOrigin}))
		require.Equal(t, uint32(204), localResponse(t, host).StatusCode)
	})
	t.Run("challenge carries the CORS grant", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders([2]string{"origin", appOrigin}), listBody)
		lr := localResponse(t, host)
		require.Equal(t, uint32(401), lr.StatusCode)
		require.Equal(t, [][2]string{{"content-type", "application/json"}, {"www-authenticate", `Bearer ` + caResourceMD},
			{"access-control-allow-origin", appOrigin}, {"access-control-expose-headers", "mcp-protocol-version"}, {"vary", "Origin"},
			{"access-control-expose-headers", "www-authenticate"}}, lr.Headers)
	})
}

func groupClientAuthorize(t *testing.T) {
	cfg := caCfg(t)
	for _, c := range []struct {
		name string
		cred [2]string
		want []string
	}{
		{"carol (api key, no scopes)", bearer(carolGWKey), []string{"public_status", "admin_reset"}},
		{"dave (api key)", [2]string{"x-api-key", daveGWKey}, []string{"public_status"}},
		{"alice (jwt with orders.read)", bearer(aliceJWT(t, nil)), []string{"public_status", "list_orders"}},
		{"alice without scope", bearer(aliceJWT(t, map[string]any{"scope": nil})), []string{"public_status"}},
	} {
		t.Run("tools/list of "+c.name, func(t *testing.T) {
			host := mustStart(t, cfg)
			post(host, legacyHeaders(c.cred), listBody)
			require.Equal(t, c.want, listedTools(t, host))
		})
	}
	t.Run("modern tools/list per caller", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, modernHeaders("tools/list", "", [2]string{"x-api-key", daveGWKey}),
			`{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}`)
		require.Equal(t, []string{"public_status"}, listedTools(t, host))
	})
	t.Run("scope missing", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(bearer(carolGWKey)), toolCall("list_orders"))
		requireChallenge(t, host, 403, `Bearer `+caResourceMD+`, error="insufficient_scope", scope="orders.read"`,
			`{"error":"Forbidden","message":"tool list_orders requires scope orders.read"}`)
	})
	t.Run("scope held", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(bearer(aliceJWT(t, nil))), toolCall("list_orders"))
		requireForwardedOrders(t, host, "/v1/orders")
	})
	t.Run("a key for another consumer", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders([2]string{"x-api-key", daveGWKey}), toolCall("admin_reset"))
		requireChallenge(t, host, 403, "", `{"error":"Forbidden","message":"tool admin_reset is not allowed for this consumer"}`)
		requireNoSecretInLogs(t, host, daveGWKey, carolGWKey)
	})
	t.Run("a token for another consumer", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(bearer(aliceJWT(t, nil))), toolCall("admin_reset"))
		requireChallenge(t, host, 403, "", `{"error":"Forbidden","message":"tool admin_reset is not allowed for this consumer"}`)
	})
	t.Run("modern tools/call refused the same way", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, modernHeaders("tools/call", "list_orders", bearer(carolGWKey)),
			`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_orders","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}`)
		require.Equal(t, uint32(403), localResponse(t, host).StatusCode)
	})
	t.Run("allowTools still hides a tool the caller may call", func(t *testing.T) {
		host := mustStart(t, setConfig(t, cfg, "allowTools", []string{"public_status", "list_orders"}))
		post(host, legacyHeaders(bearer(carolGWKey)), toolCall("admin_reset"))
		lr := localResponse(t, host)
		require.Equal(t, uint32(200), lr.StatusCode)
		require.Equal(t, "Unknown tool: admin_reset", jsonField(t, lr.Data, "error.message").Str)
	})
}

func groupClientAuthOptional(t *testing.T) {
	cfg := setConfig(t, caCfg(t), "bridge.clientAuth.required", false)
	t.Run("anonymous list shows tools without allow", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(), listBody)
		require.Equal(t, []string{"public_status"}, listedTools(t, host))
	})
	t.Run("anonymous call of an open tool", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(), toolCall("public_status"))
		requireForwardedOrders(t, host, "/v1/status")
	})
	t.Run("anonymous call of a guarded tool is 401 with its scope", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(), toolCall("list_orders"))
		requireChallenge(t, host, 401, `Bearer `+caResourceMD+`, scope="orders.read"`, `{"error":"Unauthorized","message":"authentication required"}`)
	})
	t.Run("a bad token is not anonymous", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(bearer(aliceJWT(t, map[string]any{"exp": pluginNow(t).Add(-time.Hour).Unix()}))), toolCall("public_status"))
		require.Equal(t, uint32(401), localResponse(t, host).StatusCode)
	})
}

func groupClientAuthTrustedHeader(t *testing.T) {
	t.Run("not configured: no identity", func(t *testing.T) {
		host := mustStart(t, caCfg(t))
		post(host, legacyHeaders([2]string{"x-mse-consumer", "carol"}), toolCall("admin_reset"))
		require.Equal(t, uint32(401), localResponse(t, host).StatusCode)
	})
	t.Run("not configured: never upstream", func(t *testing.T) {
		host := mustStart(t, caCfg(t))
		post(host, legacyHeaders([2]string{"x-api-key", daveGWKey}, [2]string{"x-mse-consumer", "carol"}), toolCall("public_status"))
		requireForwardedOrders(t, host, "/v1/status")
	})
	cfg := setConfig(t, caCfg(t), "bridge.clientAuth.trustedConsumerHeader", "x-mse-consumer")
	t.Run("configured: set by the earlier filter", func(t *testing.T) {
		host := mustStart(t, cfg)
		// Higress key-auth keeps the client's own key and adds x-mse-consumer.
		post(host, legacyHeaders([2]string{"x-api-key", "key-of-the-earlier-filter"}, [2]string{"x-mse-consumer", "carol"}), toolCall("admin_reset"))
		requireForwardedOrders(t, host, "/v1/admin/reset")
	})
	t.Run("configured: injected by the client next to the filter's", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders([2]string{"x-mse-consumer", "carol"}, [2]string{"x-mse-consumer", "dave"}), toolCall("admin_reset"))
		requireChallenge(t, host, 401, `Bearer `+caResourceMD+`, error="invalid_token"`, `{"error":"Unauthorized","message":"trusted consumer header appears more than once"}`)
	})
}

func groupResourceMetadata(t *testing.T) {
	cfg := caCfg(t)
	doc := `{"resource":"https://mcp.example.com/mcp","authorization_servers":["https://idp.example.com"],"scopes_supported":["orders.read"],"bearer_methods_supported":["header"]}`
	for _, path := range []string{"/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"} {
		t.Run(path, func(t *testing.T) {
			host := mustStart(t, cfg)
			host.CallOnHttpRequestHeaders(withHeader(withHeader(legacyHeaders(), ":method", "GET"), ":path", path))
			lr := localResponse(t, host)
			require.Equal(t, uint32(200), lr.StatusCode)
			require.Equal(t, doc, string(lr.Data))
			require.Equal(t, [][2]string{{"content-type", "application/json"}, {"cache-control", "public, max-age=300"},
				{"access-control-allow-origin", "*"}}, lr.Headers)
		})
	}
	t.Run("other GETs stay 405", func(t *testing.T) {
		host := mustStart(t, cfg)
		host.CallOnHttpRequestHeaders(withHeader(withHeader(legacyHeaders(), ":method", "GET"), ":path", "/.well-known/oauth-protected-resource/other"))
		require.Equal(t, uint32(405), localResponse(t, host).StatusCode)
	})
	t.Run("without clientAuth the path is 405", func(t *testing.T) {
		host := mustStart(t, loadYAMLConfig(t, testdataPath("bridge.yaml")))
		host.CallOnHttpRequestHeaders(withHeader(withHeader(legacyHeaders(), ":method", "GET"), ":path", "/.well-known/oauth-protected-resource"))
		require.Equal(t, uint32(405), localResponse(t, host).StatusCode)
	})
}

func groupClientAuthConfig(t *testing.T) {
	cfg := setConfig(t, loadYAMLConfig(t, testdataPath("bridge.yaml")), "bridge.clientAuth", map[string]any{
		"apiKeys": []map[string]string{{"consumer": "carol", "key": carolGWKey}}})
	host, status := startHost(t, cfg)
	require.Equal(t, types.OnPluginStartStatusFailed, status)
	found := false
	for _, l := range host.GetCriticalLogs() {
		found = found || strings.Contains(l, "would pass the authorization header, which carries the credential the gateway verifies")
	}
	require.True(t, found, "critical logs: %v", host.GetCriticalLogs())
	requireNoSecretInLogs(t, host, carolGWKey)
}

// groupClientAuthSecrets sends every kind of gateway credential, good and bad, and scans
// everything the plugin produced (logs of every level, local answers with their headers, the
// upstream request) for each planted key and token.
func groupClientAuthSecrets(t *testing.T) {
	cfg := setConfig(t, caCfg(t), "bridge.clientAuth.trustedConsumerHeader", "x-mse-consumer")
	good := aliceJWT(t, nil)
	expired := aliceJWT(t, map[string]any{"exp": pluginNow(t).Add(-time.Hour).Unix()})
	forged := jwttest.Sign("RS256", "rsa-1", "attacker", map[string]any{"iss": "https://idp.example.com", "sub": "alice"})
	huge := strings.Repeat("A", 20000) + "." + strings.Repeat("B", 100) + ".sig-tail-7c1e"
	secrets := []string{carolGWKey, daveGWKey, good, expired, forged, "sig-tail-7c1e",
		good[strings.LastIndexByte(good, '.')+1:], expired[strings.LastIndexByte(expired, '.')+1:]}
	requests := [][][2]string{
		legacyHeaders(bearer(carolGWKey)),
		legacyHeaders([2]string{"x-api-key", daveGWKey}),
		legacyHeaders([2]string{"x-api-key", carolGWKey + "-wrong"}),
		legacyHeaders(bearer(good)),
		legacyHeaders(bearer(expired)),
		legacyHeaders(bearer(forged)),
		legacyHeaders(bearer(huge)),
		legacyHeaders(bearer(carolGWKey), [2]string{"x-api-key", daveGWKey}),
		legacyHeaders([2]string{"x-mse-consumer", "carol"}, bearer(good)),
		legacyHeaders([2]string{"x-mse-consumer", carolGWKey}, [2]string{"x-mse-consumer", daveGWKey}),
		legacyHeaders([2]string{"authorization", "Bearer\x00" + carolGWKey}),
	}
	for i, h := range requests {
		for _, tool := range []string{"public_status", "list_orders", "admin_reset"} {
			t.Run(tool+"/"+string(rune('a'+i)), func(t *testing.T) {
				host := mustStart(t, cfg)
				post(host, h, toolCall(tool))
				var seen []string
				if lr := host.GetLocalResponse(); lr != nil {
					seen = append(seen, string(lr.Data))
					for _, kv := range lr.Headers {
						seen = append(seen, kv[0]+": "+kv[1])
					}
				} else {
					for _, kv := range host.GetRequestHeaders() {
						seen = append(seen, kv[0]+": "+kv[1])
					}
				}
				seen = append(seen, allLogs(host)...)
				for _, line := range seen {
					for _, s := range secrets {
						require.NotContains(t, line, s)
					}
				}
			})
		}
	}
}

// groupClientAuthBeforeOAuth2: allow is decided before the oauth2 token callout: a refused
// caller causes no token request, an allowed one does.
func groupClientAuthBeforeOAuth2(t *testing.T) {
	cfg := setConfig(t, oauth2Cfg(t), "bridge.clientAuth", map[string]any{"apiKeys": []map[string]string{
		{"consumer": "carol", "key": carolGWKey}, {"consumer": "dave", "key": daveGWKey}}})
	cfg = setConfig(t, cfg, "tools.0.allow", map[string]any{"consumers": []string{"dave"}})
	t.Run("refused: no token request", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders([2]string{"x-api-key", carolGWKey}), toolCall("list_orders"))
		requireChallenge(t, host, 403, "", `{"error":"Forbidden","message":"tool list_orders is not allowed for this consumer"}`)
	})
	t.Run("allowed: the token request goes out", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders([2]string{"x-api-key", daveGWKey}), toolCall("list_orders"))
		require.Nil(t, host.GetLocalResponse())
		require.Equal(t, ccTokenURL, onlyCallout(t, host).Upstream)
		requireNoSecretInLogs(t, host, daveGWKey, carolGWKey)
	})
}
