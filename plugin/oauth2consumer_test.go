package main

import (
	"encoding/base64"
	"testing"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/stretchr/testify/require"
)

const (
	aliceGWKey     = "alice-gw-key-3d9f1c7a52"
	bobGWKey       = "bob-gw-key-8e0b6d2f41"
	aliceCCSecret  = "alice-cs-5e2a9b71"
	bobCCSecret    = "bob-cs-0c8d44f3"
	bobPostSecret  = "bob-post-cs-7a1e06"
	issuedForAlice = "issued-alice-4c7e19"
	issuedForBob   = "issued-bob-9a03d2"
)

// Secrets of oauth2consumers.yaml: no client secret (alone or as the Basic pair) and no gateway
// key may reach a log line, the client or the backend.
var oauth2ConsumerSecrets = []string{aliceCCSecret, bobCCSecret, bobPostSecret, aliceGWKey, bobGWKey, carolGWKey,
	base64.StdEncoding.EncodeToString([]byte("alice-client:" + aliceCCSecret)),
	base64.StdEncoding.EncodeToString([]byte("bob-client:" + bobCCSecret))}

func oauth2ConsumerCfg(t *testing.T) []byte {
	return loadYAMLConfig(t, testdataPath("oauth2consumers.yaml"))
}

func basicAuth(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

// groupOAuth2ConsumerCredentials: each consumer's call fetches a token with that consumer's own
// client (Basic or form), gets its own token, and the cache keeps them apart.
func groupOAuth2ConsumerCredentials(t *testing.T) {
	host := mustStart(t, oauth2ConsumerCfg(t))
	for i, c := range []struct {
		gwKey, basic, issued string
		fetch                bool
	}{
		{aliceGWKey, basicAuth("alice-client", aliceCCSecret), issuedForAlice, true},
		{bobGWKey, basicAuth("bob-client", bobCCSecret), issuedForBob, true},
		{aliceGWKey, "", issuedForAlice, false},
		{bobGWKey, "", issuedForBob, false},
	} {
		action := post(host, legacyHeaders([2]string{"x-api-key", c.gwKey}), toolCall("list_orders"))
		if c.fetch {
			require.Equal(t, types.ActionPause, action, "call %d", i)
			co := onlyCallout(t, host)
			require.Equal(t, ccTokenURL, co.Upstream)
			require.Equal(t, [][2]string{{":method", "POST"}, {":path", "/oauth2/token"}, {":authority", "auth.example.com"},
				{"content-type", "application/x-www-form-urlencoded"}, {"accept", "application/json"},
				{"authorization", c.basic}}, co.Headers)
			require.Equal(t, "grant_type=client_credentials&scope=orders.read", string(co.Body))
			answerToken(host, "200", tokenJSON(c.issued, 3600))
		} else {
			require.Equal(t, types.ActionContinue, action, "call %d: cached", i)
			require.Empty(t, host.GetHttpCalloutAttributes())
		}
		requireUpstreamToken(t, host, c.issued)
		for _, h := range host.GetRequestHeaders() {
			require.NotContains(t, h[1], c.gwKey, "the gateway key went upstream in %s", h[0])
		}
		requireLogLine(t, host.GetDebugLogs(), "mcp-rest-bridge: tools/call list_orders: credential source oauth2:client_credentials:orders-cc")
		host.CompleteHttp()
	}
	requireNoSecretInLogs(t, host, append(oauth2ConsumerSecrets, issuedForAlice, issuedForBob)...)
}

// groupOAuth2ConsumerPost: a client_secret_post scheme sends the consumer's client in the form.
func groupOAuth2ConsumerPost(t *testing.T) {
	{
		host := mustStart(t, oauth2ConsumerCfg(t))
		require.Equal(t, types.ActionPause, post(host, legacyHeaders([2]string{"x-api-key", bobGWKey}), toolCall("post_orders")))
		co := onlyCallout(t, host)
		_, basic := header(co.Headers, "authorization")
		require.False(t, basic, "client_secret_post sends no Authorization")
		require.Equal(t, "grant_type=client_credentials&client_id=bob-post-client&client_secret="+bobPostSecret, string(co.Body))
		answerToken(host, "200", tokenJSON(issuedForBob, 3600))
		requireUpstreamToken(t, host, issuedForBob)
		requireNoSecretInLogs(t, host, oauth2ConsumerSecrets...)
	}
}

// groupOAuth2ConsumerCredentialsRefused: a consumer without an entry (carol; alice on the
// post scheme) and an anonymous caller get -31001, no token request and nothing upstream.
func groupOAuth2ConsumerCredentialsRefused(t *testing.T) {
	for _, c := range []struct{ name, tool, scheme, gwKey string }{
		{"consumer without entry", "list_orders", "orders-cc", carolGWKey},
		{"anonymous", "list_orders", "orders-cc", ""},
		{"entry on another scheme only", "post_orders", "orders-post", aliceGWKey},
	} {
		t.Run(c.name, func(t *testing.T) {
			host := mustStart(t, oauth2ConsumerCfg(t))
			h := legacyHeaders()
			if c.gwKey != "" {
				h = legacyHeaders([2]string{"x-api-key", c.gwKey})
			}
			post(host, h, toolCall(c.tool))
			lr := localResponse(t, host)
			require.Equal(t, int64(-31001), jsonField(t, lr.Data, "error.code").Int())
			require.Equal(t, "mcp-rest.missing-credential", lr.StatusCodeDetail)
			require.Equal(t, `tool "`+c.tool+`": no backend credential is configured for this consumer (security scheme "`+c.scheme+`")`,
				jsonField(t, lr.Data, "error.message").String())
			require.Empty(t, host.GetHttpCalloutAttributes())
			for _, s := range oauth2ConsumerSecrets {
				require.NotContains(t, string(lr.Data), s)
			}
			requireNoSecretInLogs(t, host, oauth2ConsumerSecrets...)
		})
	}
}

// groupOAuth2ConsumerCredentialsRedacted: a backend echoing every consumer's client secret
// and Basic pair of the tool's scheme (alice's and bob's) has all of them redacted from what
// the client gets.
func groupOAuth2ConsumerCredentialsRedacted(t *testing.T) {
	host := mustStart(t, oauth2ConsumerCfg(t))
	require.Equal(t, types.ActionPause, post(host, legacyHeaders([2]string{"x-api-key", aliceGWKey}), toolCall("list_orders")))
	answerToken(host, "200", tokenJSON(issuedForAlice, 3600))
	requireUpstreamToken(t, host, issuedForAlice)
	out := respond(t, host, "200", [][2]string{{"content-type", "application/json"}},
		`{"token":"`+issuedForAlice+`","alice":"`+aliceCCSecret+`","bob":"`+bobCCSecret+
			`","pairs":["`+oauth2ConsumerSecrets[6]+`","`+oauth2ConsumerSecrets[7]+`"]}`)
	for _, s := range []string{issuedForAlice, aliceCCSecret, bobCCSecret, oauth2ConsumerSecrets[6], oauth2ConsumerSecrets[7]} {
		require.NotContains(t, string(out), s)
	}
	require.Contains(t, string(out), `[REDACTED]`)
	requireNoSecretInLogs(t, host, oauth2ConsumerSecrets...)
}
