// Package origin decides whether a request's Origin header may call the MCP
// endpoint (Streamable HTTP "Security Warning": servers must validate Origin
// to stop DNS rebinding).
//
// With bridge.allowedOrigins not set, only loopback origins are accepted, as
// the MCP SDKs do for local servers: a web page on any other site cannot make
// a browser call a gateway it can reach. An explicit list replaces that
// default ("*" allows any origin; an empty list allows none). Requests without
// Origin (not from a browser) are not this package's concern.
package origin

import "strings"

// Allowed reports whether origin may call. allowed is bridge.allowedOrigins as
// parsed (lowercase, no default port); nil means the option is not set.
func Allowed(allowed []string, origin string) bool {
	if allowed == nil {
		return IsLoopback(origin)
	}
	for _, o := range allowed {
		if o == "*" || strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}

// IsLoopback reports whether origin is an http or https origin whose host is
// localhost, 127.0.0.1 or [::1], on any port (letters in any case). Anything
// else, a path or userinfo included, is not.
func IsLoopback(origin string) bool {
	rest, ok := cutPrefixFold(origin, "http://")
	if !ok {
		if rest, ok = cutPrefixFold(origin, "https://"); !ok {
			return false
		}
	}
	host, port := rest, ""
	if i := strings.LastIndexByte(rest, ':'); i >= 0 && !strings.HasSuffix(rest, "]") {
		host, port = rest[:i], rest[i+1:]
		if !isPort(port) {
			return false
		}
	}
	return strings.EqualFold(host, "localhost") || host == "127.0.0.1" || host == "[::1]"
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

// isPort reports whether p is 1 to 5 decimal digits.
func isPort(p string) bool {
	if p == "" || len(p) > 5 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return true
}
