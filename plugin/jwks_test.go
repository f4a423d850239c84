package main

import (
	"strings"
	"testing"
	"time"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/test"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/sjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jwttest"
)

const (
	jwksCluster  = "outbound|443||idp.example.com"
	jwks503      = `{"error":"Service Unavailable","message":"the keys to verify tokens could not be obtained from the issuer; try again later"}`
	jwksEchoed   = "jwks-body-secret-3c9e"
	jwksRequestP = "/realms/gw/protocol/openid-connect/certs?v=1"
)

// jwksURICfg is clientauth.yaml with the inline JWKS replaced by jwksUri.
func jwksURICfg(t *testing.T) []byte {
	cfg, err := sjson.DeleteBytes(caCfg(t), "bridge.clientAuth.jwt.jwks")
	require.NoError(t, err)
	return setConfig(t, cfg, "bridge.clientAuth.jwt.jwksUri", "https://idp.example.com"+jwksRequestP)
}

// answerJWKS completes the one JWKS request in flight.
func answerJWKS(t *testing.T, host test.TestHost, status, cacheControl string, body []byte) {
	t.Helper()
	c := onlyCallout(t, host)
	require.Equal(t, jwksCluster, c.Upstream)
	require.Equal(t, [][2]string{{":method", "GET"}, {":path", jwksRequestP}, {":authority", "idp.example.com"}, {"accept", "application/json"}}, c.Headers)
	require.Empty(t, c.Body)
	var h [][2]string
	if status != "" {
		h = [][2]string{{":status", status}, {"content-type", "application/json"}}
		if cacheControl != "" {
			h = append(h, [2]string{"cache-control", cacheControl})
		}
	}
	host.CallOnHttpCall(h, body)
}

// groupClientAuthJWKSURI: jwt.jwksUri is fetched by callout when a JWT first needs it; the
// request waits and resumes; concurrent requests share one fetch; failures answer 503 (never
// 401) and nothing goes upstream; an unknown kid refetches at most every 30 s.
func groupClientAuthJWKSURI(t *testing.T) {
	t.Run("first request waits for the fetch", func(t *testing.T) {
		host := mustStart(t, jwksURICfg(t))
		require.Equal(t, types.ActionPause, post(host, legacyHeaders(bearer(aliceJWT(t, nil))), toolCall("list_orders")))
		require.Nil(t, host.GetLocalResponse())
		answerJWKS(t, host, "200", "max-age=600", jwttest.JWKS())
		require.Equal(t, types.ActionContinue, host.GetHttpStreamAction())
		requireForwardedOrders(t, host, "/v1/orders")
		host.CompleteHttp()
		// Cached: the next JWT is verified at once.
		require.Equal(t, types.ActionContinue, post(host, legacyHeaders(bearer(aliceJWT(t, nil))), toolCall("list_orders")))
		require.Empty(t, host.GetHttpCalloutAttributes())
		requireForwardedOrders(t, host, "/v1/orders")
	})
	t.Run("keys arrive before the body", func(t *testing.T) {
		host := mustStart(t, jwksURICfg(t))
		host.CallOnHttpRequestHeaders(legacyHeaders(bearer(aliceJWT(t, nil))))
		answerJWKS(t, host, "200", "", jwttest.JWKS())
		require.Nil(t, host.GetLocalResponse())
		require.Equal(t, types.ActionContinue, host.CallOnHttpRequestBody([]byte(toolCall("list_orders"))))
		requireForwardedOrders(t, host, "/v1/orders")
	})
	t.Run("a refused token after the fetch is 401", func(t *testing.T) {
		host := mustStart(t, jwksURICfg(t))
		post(host, legacyHeaders(bearer(aliceJWT(t, map[string]any{"aud": "https://other.example.com/mcp"}))), toolCall("list_orders"))
		answerJWKS(t, host, "200", "", jwttest.JWKS())
		requireChallenge(t, host, 401, `Bearer `+caResourceMD+`, error="invalid_token"`,
			`{"error":"Unauthorized","message":"token aud names none of the configured audiences"}`)
		require.NotEqual(t, types.ActionContinue, host.GetHttpStreamAction())
	})
	t.Run("api keys and malformed tokens need no fetch", func(t *testing.T) {
		host := mustStart(t, jwksURICfg(t))
		post(host, legacyHeaders([2]string{"x-api-key", carolGWKey}), toolCall("admin_reset"))
		requireForwardedOrders(t, host, "/v1/admin/reset")
		host.CompleteHttp()
		post(host, legacyHeaders(bearer("not.a-jwt")), listBody)
		require.Equal(t, uint32(401), localResponse(t, host).StatusCode)
		require.Empty(t, host.GetHttpCalloutAttributes())
	})
	t.Run("single flight", func(t *testing.T) {
		host := mustStart(t, jwksURICfg(t))
		var ids []uint32
		for i := 0; i < 3; i++ {
			id := host.InitializeHttpContext()
			ids = append(ids, id)
			host.CallOnRequestHeaders(id, legacyHeaders(bearer(aliceJWT(t, nil))), false)
			require.Equal(t, types.ActionPause, host.CallOnRequestBody(id, []byte(toolCall("list_orders")), true))
		}
		c := host.GetCalloutAttributesFromContext(ids[0])
		require.Len(t, c, 1)
		for _, id := range ids[1:] {
			require.Empty(t, host.GetCalloutAttributesFromContext(id), "a waiting request made its own JWKS request")
		}
		host.CallOnHttpCallResponse(c[0].CalloutID, [][2]string{{":status", "200"}}, nil, jwttest.JWKS())
		for _, id := range ids {
			require.Nil(t, host.GetSentLocalResponse(id))
			require.Equal(t, types.ActionContinue, host.GetCurrentHttpStreamAction(id))
			require.Equal(t, "/v1/orders", headerOf(host.GetCurrentRequestHeaders(id), ":path"))
		}
	})
	for _, tc := range []struct {
		name, status string
		body         []byte
	}{
		{"server error echoing a body", "500", []byte(jwksEchoed)},
		{"redirect not followed", "302", nil},
		{"timeout", "", nil},
		{"not a JWKS", "200", []byte("<html>" + jwksEchoed)},
		{"too large", "200", []byte(`{"keys":[],"pad":"` + strings.Repeat("x", 70000) + `"}`)},
		{"symmetric key", "200", []byte(`{"keys":[{"kty":"oct","k":"` + jwksEchoed + `"}]}`)},
	} {
		t.Run("fetch fails: "+tc.name, func(t *testing.T) {
			host := mustStart(t, jwksURICfg(t))
			tok := aliceJWT(t, nil)
			post(host, legacyHeaders(bearer(tok)), toolCall("list_orders"))
			answerJWKS(t, host, tc.status, "", tc.body)
			requireChallenge(t, host, 503, "", jwks503)
			require.NotEqual(t, types.ActionContinue, host.GetHttpStreamAction(), "nothing goes upstream")
			requireNoSecretInLogs(t, host, jwksEchoed, tok, ordersBackend)
			host.CompleteHttp()
			// Within the retry interval the next JWT is answered at once, without a fetch.
			post(host, legacyHeaders(bearer(tok)), toolCall("list_orders"))
			requireChallenge(t, host, 503, "", jwks503)
			require.Empty(t, host.GetHttpCalloutAttributes())
		})
	}
	t.Run("unknown kid refetch is rate limited", groupJWKSUnknownKID)
}

func groupJWKSUnknownKID(t *testing.T) {
	host := mustStart(t, jwksURICfg(t))
	post(host, legacyHeaders(bearer(aliceJWT(t, nil))), toolCall("list_orders"))
	answerJWKS(t, host, "200", "", jwttest.SingleJWKS()) // rsa-1 only
	requireForwardedOrders(t, host, "/v1/orders")
	host.CompleteHttp()
	rotated := jwttest.Sign("RS256", "rsa-2", "rsa-2", map[string]any{"iss": "https://idp.example.com",
		"aud": "https://mcp.example.com/mcp", "sub": "alice", "scope": "orders.read", "exp": pluginNow(t).Add(5 * time.Minute).Unix()})
	// The set was fetched just now: no refetch, the kid is unknown.
	post(host, legacyHeaders(bearer(rotated)), toolCall("list_orders"))
	requireChallenge(t, host, 401, `Bearer `+caResourceMD+`, error="invalid_token"`, `{"error":"Unauthorized","message":"token kid names no key of the JWKS"}`)
	require.Empty(t, host.GetHttpCalloutAttributes())
	host.CompleteHttp()
	if strings.Contains(t.Name(), "/wasm/") {
		return // the wasm module's clock cannot be moved; pkg/jwks tests the interval
	}
	defer func(f func() time.Time) { jwksNow = f }(jwksNow)
	later := time.Now().Add(31 * time.Second)
	jwksNow = func() time.Time { return later }
	require.Equal(t, types.ActionPause, post(host, legacyHeaders(bearer(rotated)), toolCall("list_orders")))
	answerJWKS(t, host, "200", "", jwttest.JWKS()) // the issuer rotated in rsa-2
	requireForwardedOrders(t, host, "/v1/orders")
}
