package config

import (
	"net/url"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
)

// bridgeInt is one integer setting of the bridge block. spec.yaml states the
// same range and default; TestSpecBridgeIntegers keeps them equal.
type bridgeInt struct {
	key           string
	min, max, def int64
}

var bridgeInts = []bridgeInt{
	{"maxRequestBodyBytes", 1024, 100 << 20, DefaultMaxRequestBodyBytes},
	{"maxResponseBodyBytes", 1024, 100 << 20, DefaultMaxResponseBodyBytes},
	{"errorExcerptBytes", 0, 64 << 10, DefaultErrorExcerptBytes},
	{"toolsListTTLMs", 0, 86400000, DefaultToolsListTTLMs},
	{"maxJsonDepth", 1, MaxMaxJSONDepth, DefaultMaxJSONDepth},
}

// parseBridge reads the bridge block, applying defaults and range checks. It also returns
// bridge.serverVersion ("" when absent).
func parseBridge(b gjson.Result) (Bridge, string, error) {
	var br Bridge
	version := ""
	for _, f := range bridgeInts {
		n := f.def
		if v := b.Get(f.key); v.Type == gjson.Number {
			n = int64(v.Num)
			if n < f.min || n > f.max {
				return br, "", configerr.Atf(join("bridge", f.key), "must be between %d and %d", f.min, f.max)
			}
		}
		br.setInt(f.key, n)
	}
	if v := b.Get("serverVersion"); v.Type == gjson.String {
		if err := checkServerVersion(v.Str); err != nil {
			return br, "", err
		}
		version = v.Str
	}
	br.Audit = b.Get("audit").Type == gjson.True // the key walk has checked it is a boolean
	origins, err := parseOrigins(b.Get("allowedOrigins"))
	br.AllowedOrigins = origins
	return br, version, err
}

func checkServerVersion(v string) error {
	if v == "" || len(v) > 64 {
		return configerr.Atf("bridge.serverVersion", "must be 1 to 64 characters")
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] >= 0x7f {
			return configerr.Atf("bridge.serverVersion", "must be printable ASCII without spaces")
		}
	}
	return nil
}

// parseOrigins validates bridge.allowedOrigins: "*" or serialized origins
// ("scheme://host[:port]", http or https, nothing else), lowercased and without a default port,
// as browsers send them.
func parseOrigins(r gjson.Result) ([]string, error) {
	if !r.IsArray() {
		return nil, nil // not set: loopback origins only (pkg/origin)
	}
	out := []string{} // set, even empty: replaces the loopback default
	for i, v := range r.Array() {
		path := index("bridge.allowedOrigins", i)
		if v.Str == "*" {
			out = append(out, "*")
			continue
		}
		u, err := url.Parse(v.Str)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" ||
			strings.HasSuffix(v.Str, "?") || strings.HasSuffix(v.Str, "#") {
			return nil, configerr.Atf(path, `must be "*" or an origin like "https://app.example.com" (scheme, host and optional port only)`)
		}
		o := strings.ToLower(v.Str)
		// Browsers omit the default port in Origin ("https://a.example.com", not ":443").
		if u.Port() == "443" && u.Scheme == "https" || u.Port() == "80" && u.Scheme == "http" {
			o = o[:strings.LastIndexByte(o, ':')]
		}
		out = append(out, o)
	}
	return out, nil
}

func (br *Bridge) setInt(key string, n int64) {
	switch key {
	case "maxRequestBodyBytes":
		br.MaxRequestBytes = int(n)
	case "maxResponseBodyBytes":
		br.MaxResponseBytes = int(n)
	case "errorExcerptBytes":
		br.ErrorExcerptBytes = int(n)
	case "toolsListTTLMs":
		br.ToolsTTLMs = n
	case "maxJsonDepth":
		br.MaxJSONDepth = int(n)
	}
}
