//go:build redis

package main

import (
	"time"

	"github.com/higress-group/wasm-go/pkg/wrapper"
	"github.com/tidwall/resp"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/oauth2"
)

// This file is built with -tags redis only (build/plugin-higress.wasm): it imports Higress's
// Redis ABI (proxy_redis_init, proxy_redis_call), which upstream Envoy does not provide, and
// Envoy refuses to load a module with an import it lacks.

// redisTier is oauth2.Remote over wasm-go's Redis client (Higress's Redis ABI). That client
// logs every query and answer at debug level: pkg/oauth2 hands it sealed values only, and
// keys that are digests.
type redisTier struct {
	client *wrapper.RedisClusterClient[wrapper.FQDNCluster]
}

// redisRemote connects at plugin start. Init only logs a failure (never the password) and
// retries on use; until Redis is reachable every lookup misses and tokens come from the
// token endpoint.
func redisRemote(r *config.Redis) (oauth2.Remote, error) {
	c := wrapper.NewRedisClusterClient(wrapper.FQDNCluster{FQDN: r.ServiceName, Port: int64(r.Port)})
	_ = c.Init(r.Username, r.Password.Reveal(), int64(r.TimeoutMs), wrapper.WithDataBase(r.Database))
	return redisTier{client: c}, nil
}

func (r redisTier) Get(key string, done func([]byte, bool)) error {
	return r.client.Get(key, func(v resp.Value) {
		if v.Error() != nil || v.IsNull() {
			done(nil, false)
			return
		}
		done(v.Bytes(), true)
	})
}

func (r redisTier) Set(key string, value []byte, ttl time.Duration) {
	_ = r.client.SetEx(key, string(value), int(ttl/time.Second), nil)
}

func (r redisTier) Del(key string) { _ = r.client.Del(key, nil) }
