package main

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/test"
	"github.com/stretchr/testify/require"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/oauth2"
)

// Secrets of oauth2.yaml and of the token endpoint's answers: none may reach a log line or
// the MCP client, and only the issued token may reach the backend.
const (
	ccSecret       = "cc-secret-4b7e91"
	ccRotated      = "cc-secret-rotated-0d2a"
	xchgSecret     = "xchg-secret-93fa"
	userToken      = "user-token-6a1f0c"
	issuedCC       = "issued-cc-7d3e52"
	issuedCC2      = "issued-cc-second-8e44"
	issuedXchg     = "issued-xchg-2b90aa"
	ccTokenURL     = "outbound|443||auth.example.com"
	xchgTokenURL   = "outbound|8443||idp.internal"
	backendCredMsg = "backend credential could not be obtained"
)

var oauth2Secrets = []string{ccSecret, ccRotated, xchgSecret, userToken, issuedCC, issuedCC2, issuedXchg,
	base64.StdEncoding.EncodeToString([]byte("orders-client:" + ccSecret))}

func oauth2Cfg(t *testing.T) []byte { return loadYAMLConfig(t, testdataPath("oauth2.yaml")) }

func toolCall(tool string) string {
	return `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"` + tool + `","arguments":{}}}`
}

func tokenJSON(token string, expiresIn int) string {
	return `{"access_token":"` + token + `","token_type":"Bearer","expires_in":` + strconv.Itoa(expiresIn) + `,"scope":"orders.read"}`
}

// userCall is a tools/call from a client holding userToken (and a forged x-api-key).
func userCall() [][2]string {
	return legacyHeaders([2]string{"authorization", "Bearer " + userToken}, [2]string{"x-api-key", "forged"})
}

// answerToken completes the current call's token request.
func answerToken(host test.TestHost, status string, body string) {
	var h [][2]string
	if status != "" {
		h = [][2]string{{":status", status}, {"content-type", "application/json"}}
	}
	host.CallOnHttpCall(h, []byte(body))
}

func onlyCallout(t *testing.T, host test.TestHost) proxytest.HttpCalloutAttribute {
	t.Helper()
	c := host.GetHttpCalloutAttributes()
	require.Len(t, c, 1, "token requests")
	return c[0]
}

func requireUpstreamToken(t *testing.T, host test.TestHost, token string) {
	t.Helper()
	require.Nil(t, host.GetLocalResponse())
	require.Equal(t, types.ActionContinue, host.GetHttpStreamAction())
	n := 0
	for _, h := range host.GetRequestHeaders() {
		require.NotEqual(t, "x-api-key", h[0])
		require.NotContains(t, h[1], userToken)
		if h[0] == "authorization" {
			n++
			require.Equal(t, "Bearer "+token, h[1])
		}
	}
	require.Equal(t, 1, n, "authorization headers upstream")
}

func requireNoOAuth2Leak(t *testing.T, host test.TestHost, data []byte) {
	t.Helper()
	requireNoSecretInLogs(t, host, oauth2Secrets...)
	for _, s := range oauth2Secrets {
		require.NotContains(t, string(data), s)
	}
}

// groupOAuth2ClientCredentials: the call is paused, the token request is POSTed with the
// exact form and Basic client authentication, and the call resumes with the token; the
// next call uses the cached token without a callout.
func groupOAuth2ClientCredentials(t *testing.T) {
	host := mustStart(t, oauth2Cfg(t))
	action := post(host, userCall(), toolCall("list_orders"))
	require.Equal(t, types.ActionPause, action)
	require.Nil(t, host.GetLocalResponse())
	c := onlyCallout(t, host)
	require.Equal(t, ccTokenURL, c.Upstream)
	require.Equal(t, [][2]string{{":method", "POST"}, {":path", "/oauth2/token"}, {":authority", "auth.example.com"},
		{"content-type", "application/x-www-form-urlencoded"}, {"accept", "application/json"},
		{"authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("orders-client:"+ccSecret))}}, c.Headers)
	require.Equal(t, "grant_type=client_credentials&scope=orders.read+orders.write"+
		"&audience=https%3A%2F%2Forders.example.com&resource=https%3A%2F%2Forders.example.com", string(c.Body))
	answerToken(host, "200", tokenJSON(issuedCC, 3600))
	requireUpstreamToken(t, host, issuedCC)
	require.Equal(t, "/v1/orders", headerOf(host.GetRequestHeaders(), ":path"))
	requireLogLine(t, host.GetDebugLogs(), "mcp-rest-bridge: tools/call list_orders: credential source oauth2:client_credentials:orders-cc")
	requireNoOAuth2Leak(t, host, nil)
	host.CompleteHttp()

	action = post(host, userCall(), toolCall("list_orders"))
	require.Equal(t, types.ActionContinue, action, "a cached token needs no pause")
	require.Empty(t, host.GetHttpCalloutAttributes())
	requireUpstreamToken(t, host, issuedCC)
	requireNoOAuth2Leak(t, host, nil)
	requireCounter(t, host, "scheme.orders-cc.outcome.ok.token_fetches", 1) // the cached token is no fetch
}

// requireLogLine finds a line ending in msg (the wrapper prefixes plugin name and request id).
func requireLogLine(t *testing.T, lines []string, msg string) {
	t.Helper()
	for _, l := range lines {
		if strings.HasSuffix(l, "] "+msg) {
			return
		}
	}
	t.Fatalf("no log line %q in:\n%s", msg, strings.Join(lines, "\n"))
}

func headerOf(h [][2]string, name string) string {
	v, _ := header(h, name)
	return v
}

// groupOAuth2TokenExchange: the client's token is the subject token; the backend gets only
// the issued token; without a client token the call fails with -31001 and no callout.
func groupOAuth2TokenExchange(t *testing.T) {
	t.Run("exchange", func(t *testing.T) {
		host := mustStart(t, oauth2Cfg(t))
		require.Equal(t, types.ActionPause, post(host, userCall(), toolCall("my_orders")))
		c := onlyCallout(t, host)
		require.Equal(t, xchgTokenURL, c.Upstream)
		require.Equal(t, "/realms/gw/token", headerOf(c.Headers, ":path"))
		_, basic := header(c.Headers, "authorization")
		require.False(t, basic, "client_secret_post sends no Authorization")
		require.Equal(t, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"+
			"&requested_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&scope=orders.read&audience=orders-api"+
			"&client_id=gw-client&client_secret="+xchgSecret+
			"&subject_token="+userToken+"&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token", string(c.Body))
		answerToken(host, "200", `{"access_token":"`+issuedXchg+`","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"bearer","expires_in":300}`)
		requireUpstreamToken(t, host, issuedXchg)
		requireLogLine(t, host.GetDebugLogs(), "mcp-rest-bridge: tools/call my_orders: credential source oauth2:token_exchange:orders-xchg")
		requireNoOAuth2Leak(t, host, nil)
	})
	t.Run("cached per subject token", func(t *testing.T) {
		host := mustStart(t, oauth2Cfg(t))
		bob := legacyHeaders([2]string{"authorization", "Bearer bob-token-55e2"})
		for i, tc := range []struct {
			headers [][2]string
			issued  string
			fetch   bool
		}{
			{userCall(), issuedXchg, true},
			{bob, "issued-for-bob-0c1d", true},
			{userCall(), issuedXchg, false},
			{bob, "issued-for-bob-0c1d", false},
		} {
			action := post(host, tc.headers, toolCall("my_orders"))
			if tc.fetch {
				require.Equal(t, types.ActionPause, action, "call %d", i)
				require.Contains(t, string(onlyCallout(t, host).Body), "&subject_token=")
				answerToken(host, "200", tokenJSON(tc.issued, 300))
			} else {
				require.Equal(t, types.ActionContinue, action, "call %d: cached", i)
				require.Empty(t, host.GetHttpCalloutAttributes())
			}
			requireUpstreamToken(t, host, tc.issued)
			host.CompleteHttp()
		}
		requireNoOAuth2Leak(t, host, nil)
		requireNoSecretInLogs(t, host, "bob-token-55e2", "issued-for-bob-0c1d")
	})
	t.Run("no client credential", func(t *testing.T) {
		host := mustStart(t, oauth2Cfg(t))
		post(host, legacyHeaders(), toolCall("my_orders"))
		lr := localResponse(t, host)
		require.Equal(t, int64(-31001), jsonField(t, lr.Data, "error.code").Int())
		require.Equal(t, "mcp-rest.missing-credential", lr.StatusCodeDetail)
		require.Empty(t, host.GetHttpCalloutAttributes())
	})
}

// groupOAuth2Failures: every way the token endpoint can fail ends in the same JSON-RPC
// error, nothing upstream, and neither the endpoint's body nor a secret in logs or reply.
func groupOAuth2Failures(t *testing.T) {
	for _, tc := range []struct{ name, status, body, outcome string }{
		{"non-2xx echoing the secret", "401", `{"error":"invalid_client","client_secret":"` + ccSecret + `"}`, "http_error"},
		{"server error", "503", "upstream connect error", "http_error"},
		{"redirect not followed", "302", "", "http_error"},
		{"timeout (no response)", "", "", "no_response"},
		{"not JSON", "200", "<html>" + issuedCC + "</html>", "bad_response"},
		{"no access_token", "200", `{"token_type":"Bearer","expires_in":60}`, "bad_response"},
		{"token_type not Bearer", "200", `{"access_token":"` + issuedCC + `","token_type":"mac"}`, "bad_response"},
		{"token that would inject a header", "200", `{"access_token":"` + issuedCC + `\r\nx-admin: 1","token_type":"Bearer"}`, "bad_response"},
		{"expires_in not a number", "200", `{"access_token":"` + issuedCC + `","token_type":"Bearer","expires_in":"soon"}`, "bad_response"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host := mustStart(t, oauth2Cfg(t))
			post(host, userCall(), toolCall("list_orders"))
			answerToken(host, tc.status, tc.body)
			lr := localResponse(t, host)
			require.Equal(t, uint32(200), lr.StatusCode)
			require.Equal(t, "mcp-rest.backend-credential", lr.StatusCodeDetail)
			require.Equal(t, `{"jsonrpc":"2.0","id":7,"error":{"code":-32603,"message":"`+backendCredMsg+`"}}`, string(lr.Data))
			require.NotEqual(t, types.ActionContinue, host.GetHttpStreamAction(), "nothing goes upstream")
			requireNoOAuth2Leak(t, host, lr.Data)
			require.NotContains(t, strings.Join(allLogs(host), "\n"), "invalid_client")
			requireCounter(t, host, "scheme.orders-cc.outcome."+tc.outcome+".token_fetches", 1)
			requireCounter(t, host, "tool.list_orders.outcome.backend_credential_failed.tool_calls", 1)
			requireCounter(t, host, "method.tools_call.outcome.error.requests", 1)
		})
	}
}

// groupOAuth2SingleFlight: calls that arrive while a token request is in flight wait for it.
func groupOAuth2SingleFlight(t *testing.T) {
	host := mustStart(t, oauth2Cfg(t))
	var ids []uint32
	for i := 0; i < 3; i++ {
		id := host.InitializeHttpContext()
		ids = append(ids, id)
		require.Equal(t, types.ActionPause, host.CallOnRequestHeaders(id, userCall(), false))
		require.Equal(t, types.ActionPause, host.CallOnRequestBody(id, []byte(toolCall("list_orders")), true))
	}
	c := host.GetCalloutAttributesFromContext(ids[0])
	require.Len(t, c, 1)
	for _, id := range ids[1:] {
		require.Empty(t, host.GetCalloutAttributesFromContext(id), "a waiting call made its own token request")
	}
	host.CallOnHttpCallResponse(c[0].CalloutID, [][2]string{{":status", "200"}}, nil, []byte(tokenJSON(issuedCC, 600)))
	for _, id := range ids {
		require.Equal(t, types.ActionContinue, host.GetCurrentHttpStreamAction(id))
		require.Nil(t, host.GetSentLocalResponse(id))
		require.Equal(t, "Bearer "+issuedCC, headerOf(host.GetCurrentRequestHeaders(id), "authorization"))
	}
	requireNoOAuth2Leak(t, host, nil)
}

// groupOAuth2CacheKeyedBySecret: a scheme with another client secret never reuses a token.
func groupOAuth2CacheKeyedBySecret(t *testing.T) {
	host := mustStart(t, oauth2Cfg(t))
	post(host, userCall(), toolCall("list_orders"))
	answerToken(host, "200", tokenJSON(issuedCC, 600))
	host.CompleteHttp()
	require.Equal(t, types.ActionPause, post(host, userCall(), toolCall("list_orders_rotated")))
	c := onlyCallout(t, host)
	require.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte("orders-client:"+ccRotated)), headerOf(c.Headers, "authorization"))
	answerToken(host, "200", tokenJSON(issuedCC2, 600))
	requireUpstreamToken(t, host, issuedCC2)
}

// groupOAuth2Refresh: a token is refreshed ahead of expiry (in the background, the call goes
// on with the current token) and not used past it.
func groupOAuth2Refresh(t *testing.T) {
	host := mustStart(t, oauth2Cfg(t))
	post(host, userCall(), toolCall("list_orders"))
	answerToken(host, "200", tokenJSON(issuedCC, 2)) // refresh after 1s, unusable after 1.8s
	host.CompleteHttp()
	time.Sleep(1100 * time.Millisecond)
	require.Equal(t, types.ActionContinue, post(host, userCall(), toolCall("list_orders")))
	requireUpstreamToken(t, host, issuedCC)
	require.Empty(t, host.GetHttpCalloutAttributes(), "the refresh must not hang on this call's stream")
	host.CompleteHttp()
	host.Tick() // the refresh starts from the plugin's root context, which outlives streams
	refresh := host.GetCalloutAttributesFromContext(proxytest.PluginContextID)
	require.Len(t, refresh, 1)
	require.Equal(t, ccTokenURL, refresh[0].Upstream)
	host.CallOnHttpCallResponse(refresh[0].CalloutID, [][2]string{{":status", "200"}}, nil, []byte(tokenJSON(issuedCC2, 600)))
	require.Equal(t, types.ActionContinue, post(host, userCall(), toolCall("list_orders")))
	requireUpstreamToken(t, host, issuedCC2)
	require.Empty(t, host.GetHttpCalloutAttributes())
}

// groupOAuth2OtherWorker: another worker VM holds the lease: the call waits without a token
// request of its own, and a tick resumes it once that worker's token is in shared data.
func groupOAuth2OtherWorker(t *testing.T) {
	cfg := oauth2Cfg(t)
	host := mustStart(t, cfg)
	parsed, err := config.Parse(cfg, nil)
	require.NoError(t, err)
	g := parsed.Tools[0].Grant
	key, k := oauth2.SharedKey(g, ""), oauth2.Key(g, "")
	ms := func(d time.Duration) string { return strconv.FormatInt(time.Now().Add(d).UnixMilli(), 10) }
	require.NoError(t, proxywasm.SetSharedData(key, []byte("l|"+k+"|other-worker|"+ms(time.Hour)), 0))
	require.Equal(t, types.ActionPause, post(host, userCall(), toolCall("list_orders")))
	require.Empty(t, host.GetHttpCalloutAttributes(), "another worker holds the lease")
	_, cas, err := proxywasm.GetSharedData(key)
	require.NoError(t, err)
	require.NoError(t, proxywasm.SetSharedData(key, []byte("t|"+k+"|"+ms(540*time.Second)+"|"+ms(590*time.Second)+"|"+issuedCC), cas))
	require.Equal(t, types.ActionPause, host.GetHttpStreamAction())
	host.Tick()
	requireUpstreamToken(t, host, issuedCC)
	require.Empty(t, host.GetCalloutAttributesFromContext(proxytest.PluginContextID))
	requireNoOAuth2Leak(t, host, nil)
}

// groupOAuth2Backend401: the backend refuses the token: the client gets the 401 as a tool
// error, the token is dropped, and the next call fetches a new one.
func groupOAuth2Backend401(t *testing.T) {
	host := mustStart(t, oauth2Cfg(t))
	post(host, userCall(), toolCall("list_orders"))
	answerToken(host, "200", tokenJSON(issuedCC, 600))
	out := respond(t, host, "401", [][2]string{{"content-type", "application/json"}, {"www-authenticate", `Bearer error="invalid_token"`}},
		`{"error":"invalid_token"}`)
	require.True(t, jsonField(t, out, "result.isError").Bool())
	require.Contains(t, jsonField(t, out, "result.content.0.text").String(), "HTTP 401")
	host.CompleteHttp()
	require.Equal(t, types.ActionPause, post(host, userCall(), toolCall("list_orders")), "the refused token was reused")
	onlyCallout(t, host)
	answerToken(host, "200", tokenJSON(issuedCC2, 600))
	requireUpstreamToken(t, host, issuedCC2)
	requireNoOAuth2Leak(t, host, out)
}

// groupOAuth2StartWarnings: the start-up warnings of issue 10 item 6 reach the log (a plain
// http token URL, a literal clientSecret), naming the JSON path and never the secret.
func groupOAuth2StartWarnings(t *testing.T) {
	cfg := setConfig(t, oauth2Cfg(t), "server.securitySchemes.0.flows.clientCredentials.tokenUrl", "http://auth.example.com/oauth2/token")
	host := mustStart(t, cfg)
	warn := host.GetWarnLogs()
	requireLogLine(t, warn, "mcp-rest-bridge: config warning: server.securitySchemes[0].flows.clientCredentials.tokenUrl: "+
		"token URL is plain http: the client secret and the tokens travel unencrypted")
	for _, i := range []string{"0", "1", "2"} {
		requireLogLine(t, warn, "mcp-rest-bridge: config warning: server.securitySchemes["+i+"].clientSecret: "+
			`clientSecret is a literal: use "${ENV_NAME}" in production configs`)
	}
	require.Len(t, warn, 4, "warnings: %q", warn)
	requireNoOAuth2Leak(t, host, nil)
}

// groupOAuth2SharedData: what a worker stores in shared data for the other workers is the
// cache key (a digest), the two deadlines and the issued token, nothing more: no client
// secret, no subject token, no scheme or client id in clear.
func groupOAuth2SharedData(t *testing.T) {
	cfg := oauth2Cfg(t)
	host := mustStart(t, cfg)
	parsed, err := config.Parse(cfg, nil)
	require.NoError(t, err)
	for _, tc := range []struct {
		tool, subject, issued string
		grant                 *oauth2.Grant
	}{
		{"list_orders", "", issuedCC, parsed.Tools[0].Grant},
		{"my_orders", userToken, issuedXchg, parsed.Tools[2].Grant},
	} {
		require.Equal(t, types.ActionPause, post(host, userCall(), toolCall(tc.tool)))
		answerToken(host, "200", tokenJSON(tc.issued, 600))
		requireUpstreamToken(t, host, tc.issued)
		host.CompleteHttp()
		v, _, err := proxywasm.GetSharedData(oauth2.SharedKey(tc.grant, tc.subject))
		require.NoError(t, err, tc.tool)
		f := strings.Split(string(v), "|")
		require.Len(t, f, 5, "%s: shared value %q", tc.tool, v)
		require.Equal(t, []string{"t", oauth2.Key(tc.grant, tc.subject), tc.issued}, []string{f[0], f[1], f[4]}, tc.tool)
		refresh, err1 := strconv.ParseInt(f[2], 10, 64)
		until, err2 := strconv.ParseInt(f[3], 10, 64)
		require.NoError(t, errors.Join(err1, err2), tc.tool)
		require.Less(t, refresh, until, "%s: refresh before the token becomes unusable", tc.tool)
		for _, s := range []string{ccSecret, xchgSecret, userToken, "orders-client", "gw-client", "orders-cc", "orders-xchg"} {
			require.NotContains(t, string(v), s, tc.tool)
		}
	}
}

// groupOAuth2AsClientScheme: an oauth2 scheme used as the client scheme C is read as an HTTP
// bearer token (issue 10 item 6): passed through as "Bearer <token>", no token request; a
// client sending Basic instead gets -31001 and nothing goes upstream.
func groupOAuth2AsClientScheme(t *testing.T) {
	cfg := setConfig(t, oauth2Cfg(t), "tools.-1", map[string]any{"name": "echo_client_token",
		"security":        map[string]any{"id": "orders-cc", "passthrough": true},
		"requestTemplate": map[string]any{"url": "https://orders.example.com/v1/echo", "method": "GET"}})
	host := mustStart(t, cfg)
	require.Equal(t, types.ActionContinue, post(host, userCall(), toolCall("echo_client_token")))
	require.Empty(t, host.GetHttpCalloutAttributes(), "C is only read: no token request")
	var auth []string
	for _, h := range host.GetRequestHeaders() {
		require.NotEqual(t, "x-api-key", h[0])
		if h[0] == "authorization" {
			auth = append(auth, h[1])
		}
	}
	require.Equal(t, []string{"Bearer " + userToken}, auth)
	requireLogLine(t, host.GetDebugLogs(), "mcp-rest-bridge: tools/call echo_client_token: credential source passthrough:header:authorization")
	host.CompleteHttp()

	post(host, legacyHeaders([2]string{"authorization", "Basic dXNlcjpwYXNz"}), toolCall("echo_client_token"))
	lr := localResponse(t, host)
	require.Equal(t, int64(-31001), jsonField(t, lr.Data, "error.code").Int())
	require.Empty(t, host.GetHttpCalloutAttributes())
	requireNoSecretInLogs(t, host, ccSecret, userToken, "dXNlcjpwYXNz")
}

// groupOAuth2BackendEchoesTokens: a backend that echoes the issued token and the client's
// subject token (in a 200 result and in a 401 error) reaches the MCP client with neither.
func groupOAuth2BackendEchoesTokens(t *testing.T) {
	for _, status := range []string{"200", "401"} {
		t.Run(status, func(t *testing.T) {
			host := mustStart(t, oauth2Cfg(t))
			require.Equal(t, types.ActionPause, post(host, userCall(), toolCall("my_orders")))
			answerToken(host, "200", tokenJSON(issuedXchg, 600))
			requireUpstreamToken(t, host, issuedXchg)
			out := respond(t, host, status, [][2]string{{"content-type", "application/json"}},
				`{"seen":"Bearer `+issuedXchg+`","subject":"`+userToken+`"}`)
			require.Contains(t, string(out), `"seen`, "the body reached the client")
			requireNoOAuth2Leak(t, host, out)
		})
	}
}

func TestOAuth2(t *testing.T) {
	test.RunTest(t, func(t *testing.T) {
		t.Run("ClientCredentials", groupOAuth2ClientCredentials)
		t.Run("TokenExchange", groupOAuth2TokenExchange)
		t.Run("Failures", groupOAuth2Failures)
		t.Run("SingleFlight", groupOAuth2SingleFlight)
		t.Run("CacheKeyedBySecret", groupOAuth2CacheKeyedBySecret)
		t.Run("Backend401", groupOAuth2Backend401)
		t.Run("Redis", groupOAuth2Redis)
		t.Run("OtherWorker", groupOAuth2OtherWorker)
		t.Run("StartWarnings", groupOAuth2StartWarnings)
		t.Run("SharedData", groupOAuth2SharedData)
		t.Run("AsClientScheme", groupOAuth2AsClientScheme)
		t.Run("BackendEchoesTokens", groupOAuth2BackendEchoesTokens)
	})
	// Go mode only: proxytest's wazero runs the .wasm with a frozen wall clock, so a token
	// never ages there. The refresh and expiry rules are table-tested with an injected clock
	// in pkg/oauth2, and the e2e tests run the real .wasm with a real clock.
	test.RunGoTest(t, func(t *testing.T) { t.Run("Refresh", groupOAuth2Refresh) })
}
