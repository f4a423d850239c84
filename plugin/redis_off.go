//go:build !redis

package main

import (
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/oauth2"
)

// redisRemote in the default build: the module must load on upstream Envoy, which lacks
// Higress's Redis ABI, so it carries no Redis client. A configuration that asks for Redis
// fails at start rather than silently running without it.
func redisRemote(*config.Redis) (oauth2.Remote, error) {
	return nil, configerr.At("bridge.tokenCache.redis",
		"this build of the plugin has no Redis support: on Higress, load build/plugin-higress.wasm (make build writes it)")
}
