//go:build !redis

package main

import (
	"strings"
	"testing"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/stretchr/testify/require"
)

// groupOAuth2Redis in the default build (no Redis ABI, so that upstream Envoy loads the
// module): a configuration asking for Redis fails at start, naming the key and the fix, and
// quotes no password. The Redis tests run with -tags redis (make test-plugin does both).
func groupOAuth2Redis(t *testing.T) {
	cfg := setConfig(t, oauth2Cfg(t), "bridge.tokenCache.redis", map[string]any{"serviceName": "redis.dns", "password": "redis-pw-71c3"})
	host, status := startHost(t, cfg)
	require.Equal(t, types.OnPluginStartStatusFailed, status)
	require.Contains(t, strings.Join(host.GetCriticalLogs(), "\n"),
		"bridge.tokenCache.redis: this build of the plugin has no Redis support: on Higress, load build/plugin-higress.wasm (make build writes it)")
	requireNoSecretInLogs(t, host, append(oauth2Secrets, "redis-pw-71c3")...)
}
