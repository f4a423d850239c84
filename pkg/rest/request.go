package rest

import (
	"strings"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/httpsyntax"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/urlenc"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/template"
)

// Request is the upstream request being built. It implements security.Target: SetHeader,
// DelHeader, SetQuery, DelQuery, SetCookie and DelCookie replace or remove every occurrence.
// A Request can be reused for many calls: Call.Build resets it and reuses its buffers.
type Request struct {
	Method    string
	Scheme    string      // "http"/"https" from the tool URL ("" for relative URLs)
	Authority string      // host[:port] from the tool URL ("" for relative URL: keep client's)
	Path      string      // escaped path, starting with "/"
	Query     [][2]string // decoded key/value pairs, in order; encoded by URI()
	Headers   [][2]string // lowercase names
	Body      []byte

	url  template.URLSink
	text template.TextSink
	body template.BodySink
	wire [][2]string // Wire's result, reused
}

// Reset empties r, keeping its buffers.
func (r *Request) Reset() {
	r.Method, r.Scheme, r.Authority, r.Path = "", "", "", ""
	r.Query = r.Query[:0]
	r.Headers = r.Headers[:0]
	r.Body = r.Body[:0]
}

// URI returns Path, then "?" and the query encoded as url.Values.Encode encodes values (in
// order, not sorted), when there is a query.
func (r *Request) URI() string {
	if len(r.Query) == 0 {
		return r.Path
	}
	n := len(r.Path) + 1
	for _, kv := range r.Query {
		n += len(kv[0]) + len(kv[1]) + 2
	}
	var sb strings.Builder
	sb.Grow(n + n/2)
	sb.WriteString(r.Path)
	var tmp [64]byte
	for i, kv := range r.Query {
		if i == 0 {
			sb.WriteByte('?')
		} else {
			sb.WriteByte('&')
		}
		writeQueryEscaped(&sb, kv[0], tmp[:0])
		sb.WriteByte('=')
		writeQueryEscaped(&sb, kv[1], tmp[:0])
	}
	return sb.String()
}

func writeQueryEscaped(sb *strings.Builder, s string, tmp []byte) {
	if !urlenc.NeedsQueryEscape(s) {
		sb.WriteString(s)
		return
	}
	for len(s) > 0 {
		n := min(len(s), 16)
		sb.Write(urlenc.AppendQuery(tmp[:0], s[:n]))
		s = s[n:]
	}
}

// Wire returns the header map that goes upstream: :method, :path, :authority and :scheme from
// the tool URL (a relative URL keeps the client's :authority and :scheme), then r.Headers. The
// plugin hands exactly this to the host, which replaces the client's whole header map with it
// (the host copies it). The slice is r's own, valid until the next Wire or Recycle.
func (r *Request) Wire(client [][2]string) [][2]string {
	authority, scheme := r.Authority, r.Scheme
	for _, kv := range client {
		switch {
		case kv[0] == ":authority" && authority == "":
			authority = kv[1]
		case kv[0] == ":scheme" && scheme == "":
			scheme = kv[1]
		}
	}
	out := r.wire[:0]
	if cap(out) < len(r.Headers)+4 {
		out = make([][2]string, 0, len(r.Headers)+4)
	}
	out = append(out, [2]string{":method", r.Method}, [2]string{":path", r.URI()}, [2]string{":authority", authority})
	if scheme != "" {
		out = append(out, [2]string{":scheme", scheme})
	}
	r.wire = append(out, r.Headers...)
	return r.wire
}

// Header returns the first value of the named header (case-insensitive).
func (r *Request) Header(name string) (string, bool) {
	name = httpsyntax.Lower(name)
	for _, kv := range r.Headers {
		if kv[0] == name {
			return kv[1], true
		}
	}
	return "", false
}

// SetHeader replaces every value of the named header with value (appended when absent).
func (r *Request) SetHeader(name, value string) {
	r.Headers = setPair(r.Headers, httpsyntax.Lower(name), value)
}

// DelHeader removes every value of the named header.
func (r *Request) DelHeader(name string) {
	r.Headers = delPair(r.Headers, httpsyntax.Lower(name))
}

// SetQuery replaces every value of the query parameter (exact name) with value.
func (r *Request) SetQuery(name, value string) {
	r.Query = setPair(r.Query, name, value)
}

// DelQuery removes every value of the query parameter (exact name).
func (r *Request) DelQuery(name string) {
	r.Query = delPair(r.Query, name)
}

// SetCookie sets the cookie name=value in the single Cookie header, replacing any cookie of
// that name.
func (r *Request) SetCookie(name, value string) {
	v := removeCookie(r.cookieHeader(), name)
	if v != "" {
		v += "; "
	}
	r.SetHeader("cookie", v+name+"="+value)
}

// DelCookie removes every cookie of that name; the Cookie header goes when it is left empty.
func (r *Request) DelCookie(name string) {
	old := r.cookieHeader()
	if old == "" {
		return
	}
	if v := removeCookie(old, name); v != "" {
		r.SetHeader("cookie", v)
	} else {
		r.DelHeader("cookie")
	}
}

// cookieHeader joins every Cookie header value (there is normally one).
func (r *Request) cookieHeader() string {
	v := ""
	for _, kv := range r.Headers {
		if kv[0] == "cookie" && kv[1] != "" {
			if v != "" {
				v += "; "
			}
			v += kv[1]
		}
	}
	return v
}

// removeCookie drops the pairs named name from a Cookie header value.
func removeCookie(header, name string) string {
	if header == "" {
		return ""
	}
	var b strings.Builder
	for _, p := range strings.Split(header, ";") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if k, _, _ := strings.Cut(p, "="); strings.TrimSpace(k) == name {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p)
	}
	return b.String()
}

// setPair replaces the value of the first pair named name, in place, and removes the later
// ones; it appends the pair when there is none. Pairs before the match are not rewritten: a
// store of a string pair into the heap is a write barrier per pointer while the GC marks, and
// SetHeader runs several times per call (the credential, the access-log headers).
func setPair(list [][2]string, name, value string) [][2]string {
	for i := range list {
		if list[i][0] == name {
			list[i][1] = value
			rest := delPair(list[i+1:], name)
			return list[:i+1+len(rest)]
		}
	}
	return append(list, [2]string{name, value})
}

// delPair removes every pair named name, keeping the others in order; the list is only
// rewritten from the first match on.
func delPair(list [][2]string, name string) [][2]string {
	for i := range list {
		if list[i][0] != name {
			continue
		}
		out := list[:i]
		for _, kv := range list[i+1:] {
			if kv[0] != name {
				out = append(out, kv)
			}
		}
		clear(list[len(out):]) // the removed pairs' strings are not kept alive
		return out
	}
	return list
}
