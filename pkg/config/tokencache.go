package config

import (
	"strconv"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// Defaults of bridge.tokenCache.redis.
const (
	DefaultRedisPort      = 6379
	DefaultRedisTimeoutMs = 1000
)

// TokenCache is bridge.tokenCache. OAuth2 tokens are always shared by the worker VMs of one
// gateway (proxy-wasm shared data); with Redis they are also shared by gateway replicas.
type TokenCache struct {
	Redis *Redis // nil: no Redis
}

// Redis is bridge.tokenCache.redis: a Redis service reached through Higress's Redis ABI.
type Redis struct {
	ServiceName string // as Higress names the service, e.g. "redis.dns" or "redis.default.svc.cluster.local"
	Port        int
	Cluster     string // "outbound|<port>||<serviceName>" (wasm-go wrapper.FQDNCluster)
	Username    string
	Password    security.Secret
	TimeoutMs   int
	Database    int
}

// parseTokenCache reads bridge.tokenCache (walk has checked keys and types).
func parseTokenCache(b gjson.Result, env security.Env, hasOAuth2 bool) (TokenCache, []configerr.Warning, error) {
	r := b.Get("redis")
	if !r.IsObject() {
		return TokenCache{}, nil, nil
	}
	const path = "bridge.tokenCache.redis"
	rd := &Redis{ServiceName: r.Get("serviceName").Str, Port: DefaultRedisPort, Username: r.Get("username").Str,
		TimeoutMs: DefaultRedisTimeoutMs}
	for _, f := range []struct {
		key      string
		min, max int64
		dst      *int
	}{
		{"servicePort", 1, 65535, &rd.Port}, {"timeout", 1, 60000, &rd.TimeoutMs}, {"database", 0, 255, &rd.Database},
	} {
		if v := r.Get(f.key); v.Exists() {
			if v.Int() < f.min || v.Int() > f.max {
				return TokenCache{}, nil, configerr.Atf(join(path, f.key), "must be between %d and %d", f.min, f.max)
			}
			*f.dst = int(v.Int())
		}
	}
	if hasControl(rd.ServiceName) || containsSpace(rd.ServiceName) {
		return TokenCache{}, nil, configerr.At(join(path, "serviceName"), "must be a service name without spaces or control characters")
	}
	rd.Cluster = "outbound|" + strconv.Itoa(rd.Port) + "||" + rd.ServiceName
	var warns []configerr.Warning
	if raw := r.Get("password").Str; raw != "" {
		pw, err := security.ResolveSecret(raw, join(path, "password"), env)
		if err != nil {
			return TokenCache{}, nil, err
		}
		rd.Password = pw
		if !security.IsEnvRef(raw) {
			warns = append(warns, configerr.Warning{Path: join(path, "password"), Msg: `password is a literal: use "${ENV_NAME}" in production configs`})
		}
	}
	if !hasOAuth2 {
		warns = append(warns, configerr.Warning{Path: path, Msg: "no oauth2 security scheme uses the token cache"})
	}
	return TokenCache{Redis: rd}, warns, nil
}

func containsSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return true
		}
	}
	return false
}
