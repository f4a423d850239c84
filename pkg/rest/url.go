package rest

import (
	"strings"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/httpsyntax"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/urlenc"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/template"
)

// setURL splits a rendered URL into r's Scheme, Authority, Path and Query, filling {name}
// placeholders from path arguments. Every value in s is already escaped by template.URLSink.
func (t *Tool) setURL(r *Request, s string, call *Call) error {
	rest := s
	if !strings.HasPrefix(s, "/") {
		i := strings.Index(s, "://")
		if i <= 0 {
			return callErr("invalid URL: want an absolute http(s) URL or a path starting with /")
		}
		scheme := httpsyntax.Lower(s[:i])
		if scheme != "http" && scheme != "https" {
			return callErr("invalid URL: scheme must be http or https")
		}
		rest = s[i+3:]
		j := authorityEnd(rest)
		if !isAuthority(rest[:j]) {
			return callErr("invalid URL: bad host")
		}
		r.Scheme, r.Authority, rest = scheme, rest[:j], rest[j:]
	}
	path, query := rest, ""
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		path, query = rest[:q], rest[q+1:]
	}
	if strings.IndexByte(s, '#') >= 0 {
		return callErr("invalid URL: a fragment is not allowed")
	}
	if err := t.setPath(r, path, call); err != nil {
		return err
	}
	return t.setQuery(r, query, call)
}

func (t *Tool) setPath(r *Request, path string, call *Call) error {
	if strings.IndexByte(path, '{') >= 0 {
		b, err := t.fillPlaceholders(call.scratch[:0], path, call, true)
		call.scratch = b[:0]
		if err != nil {
			return err
		}
		path = string(b)
	}
	if !urlenc.PathIsClean(path) {
		path = string(urlenc.AppendNormalizedPath(make([]byte, 0, len(path)+16), path))
	}
	if path == "" {
		path = "/"
	}
	if urlenc.HasDotSegment(path) {
		return callErr("invalid arguments: the URL path would contain a \".\" or \"..\" segment")
	}
	r.Path = path
	return nil
}

// fillPlaceholders replaces {name} with the path argument name, escaped for the path (inPath)
// or the query. In the path every {name} must be filled; in the query only path arguments'
// names are replaced (other braces are data).
func (t *Tool) fillPlaceholders(dst []byte, s string, call *Call, inPath bool) ([]byte, error) {
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return append(dst, s...), nil
		}
		j := strings.IndexByte(s[i:], '}')
		name := ""
		if j > 1 {
			name = s[i+1 : i+j]
		}
		if name == "" || !isPlaceholderName(name) {
			dst = append(dst, s[:i+1]...)
			s = s[i+1:]
			continue
		}
		k := t.argIndex(name)
		if k < 0 || t.args[k].pos != posPath {
			if !inPath {
				dst = append(dst, s[:i+j+1]...)
				s = s[i+j+1:]
				continue
			}
			return dst, callErr("invalid URL: placeholder {" + name + "} is not filled by any argument with position path")
		}
		v := call.vals[k]
		if !v.Exists() {
			return dst, t.missingPlaceholder(name)
		}
		dst = append(dst, s[:i]...)
		text := argText(v)
		switch {
		case !inPath:
			dst = urlenc.AppendQuery(dst, text)
		case text == "":
			return dst, callErr(template.EmptyPlaceholder + t.fromArg(k))
		default:
			dst = urlenc.AppendPathSegment(dst, text)
		}
		s = s[i+j+1:]
	}
}

// setQuery appends the rendered query's pairs to r.Query, decoded.
func (t *Tool) setQuery(r *Request, query string, call *Call) error {
	if query == "" {
		return nil
	}
	if strings.IndexByte(query, '{') >= 0 {
		b, err := t.fillPlaceholders(nil, query, call, false)
		if err != nil {
			return err
		}
		query = string(b)
	}
	for query != "" {
		var pair string
		pair, query, _ = strings.Cut(query, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, _ = urlenc.QueryUnescape(k)
		v, _ = urlenc.QueryUnescape(v)
		r.Query = append(r.Query, [2]string{k, v})
	}
	return nil
}

// authorityEnd returns the index of the first '/' or '?' in s, else len(s). (A byte loop:
// strings.IndexAny builds a byte set per call, which showed in the per-call profile.)
func authorityEnd(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' || s[i] == '?' {
			return i
		}
	}
	return len(s)
}

// isPlaceholderName reports whether the text between braces can name an argument: none of
// "/{?&= " (strings.ContainsAny, without its per-call byte set).
func isPlaceholderName(name string) bool {
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '/', '{', '?', '&', '=', ' ':
			return false
		}
	}
	return true
}

// isAuthority accepts host[:port] made of letters, digits, '-', '.', ':', '[', ']', '_'.
func isAuthority(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == ':' || c == '[' || c == ']' || c == '_'
		if !ok {
			return false
		}
	}
	return true
}
