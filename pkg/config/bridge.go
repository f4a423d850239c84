package config

import (
	"net/url"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
)

// parseBridge reads the bridge block, applying defaults and range checks. It also returns
// bridge.serverVersion ("" when absent).
func parseBridge(b gjson.Result) (Bridge, string, error) {
	br := Bridge{
		MaxRequestBytes:   DefaultMaxRequestBodyBytes,
		MaxResponseBytes:  DefaultMaxResponseBodyBytes,
		ErrorExcerptBytes: DefaultErrorExcerptBytes,
		ToolsTTLMs:        DefaultToolsListTTLMs,
	}
	version := ""
	ints := []struct {
		key      string
		min, max int64
		set      func(int64)
	}{
		{"maxRequestBodyBytes", 1024, 100 << 20, func(v int64) { br.MaxRequestBytes = int(v) }},
		{"maxResponseBodyBytes", 1024, 100 << 20, func(v int64) { br.MaxResponseBytes = int(v) }},
		{"errorExcerptBytes", 0, 64 << 10, func(v int64) { br.ErrorExcerptBytes = int(v) }},
		{"toolsListTTLMs", 0, 86400000, func(v int64) { br.ToolsTTLMs = v }},
	}
	for _, f := range ints {
		v := b.Get(f.key)
		if v.Type != gjson.Number {
			continue
		}
		n := int64(v.Num)
		if n < f.min || n > f.max {
			return br, "", configerr.Atf(join("bridge", f.key), "must be between %d and %d", f.min, f.max)
		}
		f.set(n)
	}
	if v := b.Get("serverVersion"); v.Type == gjson.String {
		if err := checkServerVersion(v.Str); err != nil {
			return br, "", err
		}
		version = v.Str
	}
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
	var out []string
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
