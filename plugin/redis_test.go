//go:build redis

package main

import (
	"bytes"
	"testing"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/test"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/resp"
)

// redisCommand decodes a RESP query the plugin sent ("GET k" -> [get k]).
func redisCommand(t *testing.T, q []byte) []string {
	t.Helper()
	v, _, err := resp.NewReader(bytes.NewReader(q)).ReadValue()
	require.NoError(t, err)
	var out []string
	for _, e := range v.Array() {
		out = append(out, e.String())
	}
	return out
}

// allRedisCommands lists the Redis queries of the first contexts (the plugin's and the
// streams'): a query made from a callout callback is filed under whichever is active.
func allRedisCommands(t *testing.T, host test.TestHost) [][]string {
	t.Helper()
	var out [][]string
	for id := uint32(0); id < 64; id++ {
		for _, a := range host.GetRedisCalloutAttributesFromContext(id) {
			require.Equal(t, "outbound|6379||redis.dns", a.Upstream)
			out = append(out, redisCommand(t, a.Query))
		}
	}
	return out
}

// groupOAuth2Redis: replica 1 misses in Redis, fetches the token and stores it sealed;
// replica 2 (its own shared data) gets it from Redis without a token request.
func groupOAuth2Redis(t *testing.T) {
	cfg := setConfig(t, oauth2Cfg(t), "bridge.tokenCache.redis", map[string]any{"serviceName": "redis.dns", "password": "redis-pw-71c3"})
	var stored string
	t.Run("replica 1", func(t *testing.T) {
		host := mustStart(t, cfg)
		require.Equal(t, types.ActionPause, post(host, userCall(), toolCall("list_orders")))
		require.Empty(t, host.GetHttpCalloutAttributes(), "Redis is asked first")
		get := host.GetRedisCalloutAttributes()
		require.Len(t, get, 1)
		cmd := redisCommand(t, get[0].Query)
		require.Equal(t, "get", cmd[0])
		require.Regexp(t, `^mcp-rest-bridge:oauth2:[0-9a-f]{32}$`, cmd[1])
		host.CallOnRedisCall(0, test.CreateRedisRespNull())
		onlyCallout(t, host)
		answerToken(host, "200", tokenJSON(issuedCC, 600))
		requireUpstreamToken(t, host, issuedCC)
		var set []string
		for _, c := range allRedisCommands(t, host) {
			if c[0] == "set" {
				set = c
			}
		}
		require.Len(t, set, 5, "SET key value EX ttl")
		require.Equal(t, []string{"set", cmd[1], "ex"}, []string{set[0], set[1], set[3]})
		require.Contains(t, []string{"589", "590"}, set[4], "ttl: the token's usable lifetime in seconds")
		stored = set[2]
		require.NotContains(t, stored, issuedCC)
		requireNoOAuth2Leak(t, host, nil)
		requireNoSecretInLogs(t, host, "redis-pw-71c3")
	})
	t.Run("replica 2", func(t *testing.T) {
		require.NotEmpty(t, stored)
		host := mustStart(t, cfg)
		require.Equal(t, types.ActionPause, post(host, userCall(), toolCall("list_orders")))
		host.CallOnRedisCall(0, test.CreateRedisRespString(stored))
		require.Empty(t, host.GetHttpCalloutAttributes(), "the Redis token needs no token request")
		requireUpstreamToken(t, host, issuedCC)
		requireNoOAuth2Leak(t, host, nil)
	})
	t.Run("redis error falls back to the token endpoint", func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, userCall(), toolCall("list_orders"))
		host.CallOnRedisCall(0, test.CreateRedisRespError("LOADING Redis is loading the dataset in memory"))
		onlyCallout(t, host)
		answerToken(host, "200", tokenJSON(issuedCC2, 600))
		requireUpstreamToken(t, host, issuedCC2)
	})
}
