// Package accesslog builds the value of x-envoy-original-path, the header
// Envoy's and Higress's default access-log formats print instead of :path
// (%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%). When the plugin rewrites :path into
// the REST URL (which may carry the upstream API key), the log must show the
// client's path instead, and not the client's own query-string credential.
package accesslog

import (
	"net/url"
	"strings"
)

// The headers Higress's RouteCall writes when it rewrites a request in place, and that the
// default access-log formats of Envoy and Higress print instead of the rewritten values
// (%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%, and Higress's %REQ(X-ENVOY-ORIGINAL-HOST?:AUTHORITY)%).
const (
	Header       = "x-envoy-original-path"
	HostHeader   = "x-envoy-original-host"
	MethodHeader = "x-envoy-original-method"
)

// Names lists the three headers, for removing client-sent copies: a client must not write
// its own access-log line.
var Names = [...]string{Header, HostHeader, MethodHeader}

// Setter is the part of an upstream request Set writes to (rest.Request).
type Setter interface{ SetHeader(name, value string) }

// Set writes the x-envoy-original-* headers for a request rewritten from the client's: the
// client's method and host as sent, and path as OriginalPath returned it (without credential
// parameters). Each replaces any value a template or the client may have set.
func Set(r Setter, client [][2]string, path string) {
	r.SetHeader(Header, path)
	for _, kv := range client {
		switch kv[0] {
		case ":method":
			r.SetHeader(MethodHeader, kv[1])
		case ":authority":
			r.SetHeader(HostHeader, kv[1])
		}
	}
}

// OriginalPath returns the client's path with every query parameter whose
// name (percent-decoded, '+' as space) is one of credentialParams removed.
// A parameter whose name is not valid percent-encoding is removed too: it
// cannot be told apart from a credential. The other parameters keep their
// order and raw form; a query left empty loses its '?'. A fragment, which
// clients should not send, is dropped.
func OriginalPath(path string, credentialParams []string) string {
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path = path[:i]
	}
	base, query, ok := strings.Cut(path, "?")
	if !ok || len(credentialParams) == 0 {
		return path
	}
	var b strings.Builder
	b.Grow(len(path))
	b.WriteString(base)
	sep := byte('?')
	for rest := query; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		if pair == "" || carriesCredential(pair, credentialParams) {
			continue
		}
		b.WriteByte(sep)
		b.WriteString(pair)
		sep = '&'
	}
	return b.String()
}

func carriesCredential(pair string, names []string) bool {
	key, _, _ := strings.Cut(pair, "=")
	if strings.IndexByte(key, '%') >= 0 || strings.IndexByte(key, '+') >= 0 {
		k, err := url.QueryUnescape(key)
		if err != nil {
			return true
		}
		key = k
	}
	for _, n := range names {
		if key == n {
			return true
		}
	}
	return false
}
