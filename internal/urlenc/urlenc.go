// Package urlenc escapes and checks URL parts as net/url does, by appending to byte
// slices, so a value placed in a path segment, a path or a query cannot change the URL's
// structure. net/url's own functions are the reference in the tests.
package urlenc

import "strings"

const upperHex = "0123456789ABCDEF"

// Escape classes, one bit each, as net/url's shouldEscape decides them.
const (
	keepInSegment uint8 = 1 << iota // url.PathEscape leaves it alone
	keepInQuery                     // url.QueryEscape leaves it alone (space becomes '+')
	keepInPath                      // allowed unescaped in an escaped path (sub-delims, ':', '@', '/')
)

var escapeClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		unreserved := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~'
		if unreserved {
			t[c] = keepInSegment | keepInQuery | keepInPath
			continue
		}
		switch c {
		case '$', '&', '+', ':', '=', '@':
			t[c] = keepInSegment | keepInPath
		case '!', '\'', '(', ')', '*', ',', ';', '/':
			t[c] = keepInPath
		}
	}
	return t
}()

// AppendPathSegment appends s escaped as url.PathEscape does.
func AppendPathSegment(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if escapeClass[c]&keepInSegment != 0 {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// AppendPathValue appends s escaped as url.PathEscape does, except that
// '/' is kept: a template value inside the URL path may span segments (a file
// path, as Higress configs expect), but never adds a query or a fragment. Dot
// segments are refused afterwards on the whole path.
func AppendPathValue(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '/' || escapeClass[c]&keepInSegment != 0 {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// AppendQuery appends s escaped as url.QueryEscape does.
func AppendQuery(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case escapeClass[c]&keepInQuery != 0:
			dst = append(dst, c)
		case c == ' ':
			dst = append(dst, '+')
		default:
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

func NeedsQueryEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if escapeClass[s[i]]&keepInQuery == 0 {
			return true
		}
	}
	return false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// PathIsClean reports whether p needs no normalization: only allowed bytes and valid %XX.
func PathIsClean(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' {
			if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
				return false
			}
			i += 2
			continue
		}
		if escapeClass[c]&keepInPath == 0 {
			return false
		}
	}
	return true
}

// AppendNormalizedPath appends p with every byte that may not appear in a path escaped,
// keeping valid %XX escapes (as url.URL.EscapedPath does for a path with non-ASCII or spaces).
func AppendNormalizedPath(dst []byte, p string) []byte {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]) {
			dst = append(dst, p[i:i+3]...)
			i += 2
			continue
		}
		if c != '%' && escapeClass[c]&keepInPath != 0 {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
	}
	return dst
}

// HasDotSegment reports whether an escaped path has a "." or ".." segment, also spelled with %2E.
func HasDotSegment(p string) bool {
	for len(p) > 0 {
		i := strings.IndexByte(p, '/')
		seg := p
		if i >= 0 {
			seg, p = p[:i], p[i+1:]
		} else {
			p = ""
		}
		if isDotSegment(seg) {
			return true
		}
	}
	return false
}

func isDotSegment(seg string) bool {
	if len(seg) == 0 || len(seg) > 6 {
		return false
	}
	dots := 0
	for i := 0; i < len(seg); {
		switch {
		case seg[i] == '.':
			i++
		case i+2 < len(seg) && seg[i] == '%' && seg[i+1] == '2' && (seg[i+2] == 'e' || seg[i+2] == 'E'):
			i += 3
		default:
			return false
		}
		dots++
	}
	return dots <= 2
}

// QueryUnescape decodes a query key or value as url.QueryUnescape does; ok is false on a bad escape.
func QueryUnescape(s string) (string, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return s, false
			}
			n++
			i += 2
		case '+':
			n++
		}
	}
	if n == 0 {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '%':
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		case '+':
			b = append(b, ' ')
		default:
			b = append(b, c)
		}
	}
	return string(b), true
}

// IsHostLabel reports whether an argument value may be placed in a URL host: a non-empty
// run of letters, digits, '-' and '_', so it cannot change the domain, port or add userinfo.
func IsHostLabel(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
