package main

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/require"
)

// Backend credentials of consumercreds.yaml; only carol's, each on its own tool, may go upstream.
var consumerBackendSecrets = []string{"orders-default-key-0d3e", "carol-orders-key-4a7b", "erin-orders-key-9f2c",
	"carol-query-key-61de", "carol-cookie-key-2b90", "carol-bearer-tok-7c15", "carol-basic-pw-3e8a",
	base64.StdEncoding.EncodeToString([]byte("carol-svc:carol-basic-pw-3e8a"))}

func consumerCfg(t *testing.T) []byte { return loadYAMLConfig(t, testdataPath("consumercreds.yaml")) }

// groupConsumerCredentials: the upstream credential is the authenticated consumer's, for
// every scheme type, and the client's gateway key never goes upstream.
func groupConsumerCredentials(t *testing.T) {
	cases := []struct {
		tool, path, name, value string
	}{
		{"by_header", "/v1/header", "x-orders-key", "carol-orders-key-4a7b"},
		{"by_query", "/v1/query?api_key=carol-query-key-61de", "", ""},
		{"by_cookie", "/v1/cookie", "cookie", "backend_session=carol-cookie-key-2b90"},
		{"by_bearer", "/v1/bearer", "authorization", "Bearer carol-bearer-tok-7c15"},
		{"by_basic", "/v1/basic", "authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("carol-svc:carol-basic-pw-3e8a"))},
	}
	for _, c := range cases {
		t.Run(c.tool, func(t *testing.T) {
			host := mustStart(t, consumerCfg(t))
			post(host, legacyHeaders([2]string{"x-api-key", carolGWKey}), toolCall(c.tool))
			require.Nil(t, host.GetLocalResponse())
			got := host.GetRequestHeaders()
			p, _ := header(got, ":path")
			require.Equal(t, c.path, p)
			if c.name != "" {
				v, _ := header(got, c.name)
				require.Equal(t, c.value, v)
			}
			for _, h := range got {
				require.NotContains(t, h[1], carolGWKey, "the gateway key went upstream in %s", h[0])
				require.NotEqual(t, "x-api-key", h[0])
			}
			requireNoSecretInLogs(t, host, append(consumerBackendSecrets, carolGWKey)...)
		})
	}
}

// groupConsumerCredentialsRefused: a consumer without an entry, and an anonymous caller, get
// -31001 and nothing goes upstream: never the scheme's default credential.
func groupConsumerCredentialsRefused(t *testing.T) {
	callers := []struct {
		name    string
		headers [][2]string
	}{
		{"consumer without entry", legacyHeaders([2]string{"x-api-key", daveGWKey})},
		{"anonymous", legacyHeaders()},
	}
	for _, caller := range callers {
		for _, tool := range []string{"by_header", "by_query", "by_cookie", "by_bearer", "by_basic"} {
			t.Run(caller.name+"/"+tool, func(t *testing.T) {
				host := mustStart(t, consumerCfg(t))
				post(host, caller.headers, toolCall(tool))
				lr := localResponse(t, host)
				require.Equal(t, uint32(200), lr.StatusCode)
				require.Equal(t, int64(-31001), jsonField(t, lr.Data, "error.code").Int())
				require.Equal(t, "mcp-rest.missing-credential", lr.StatusCodeDetail)
				scheme := map[string]string{"by_header": "orders-key", "by_query": "orders-query", "by_cookie": "orders-cookie",
					"by_bearer": "orders-bearer", "by_basic": "orders-basic"}[tool]
				require.Equal(t, `tool "`+tool+`": no backend credential is configured for this consumer (security scheme "`+scheme+`")`,
					jsonField(t, lr.Data, "error.message").String())
				require.Empty(t, host.GetHttpCalloutAttributes())
				for _, s := range append(consumerBackendSecrets, daveGWKey) {
					require.NotContains(t, string(lr.Data), s)
				}
				requireNoSecretInLogs(t, host, append(consumerBackendSecrets, daveGWKey)...)
			})
		}
	}
}

// groupConsumerCredentialsRedacted: a backend that echoes its credentials (the caller's and
// another consumer's) has all of them redacted from what the client gets.
func groupConsumerCredentialsRedacted(t *testing.T) {
	host := mustStart(t, consumerCfg(t))
	post(host, legacyHeaders([2]string{"x-api-key", carolGWKey}), toolCall("by_header"))
	require.Nil(t, host.GetLocalResponse())
	out := respond(t, host, "401", [][2]string{{"content-type", "application/json"}},
		`{"error":"unauthorized","got":"carol-orders-key-4a7b","known":["erin-orders-key-9f2c","orders-default-key-0d3e"]}`)
	for _, s := range consumerBackendSecrets {
		require.NotContains(t, string(out), s)
	}
	require.Contains(t, string(out), `[REDACTED]`)
	requireNoSecretInLogs(t, host, consumerBackendSecrets...)
}
