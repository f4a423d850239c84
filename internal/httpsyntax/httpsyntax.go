// Package httpsyntax holds the few HTTP grammar checks that several packages
// need (RFC 9110 tokens, ASCII lower case), written once.
package httpsyntax

import "strings"

// tchar is RFC 9110's token character class.
var tchar = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", byte(c)) >= 0
	}
	return t
}()

// IsToken reports whether s is an RFC 9110 token (1*tchar): a valid header
// name, cookie name or auth-scheme word.
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tchar[s[i]] {
			return false
		}
	}
	return true
}

// Lower returns s with ASCII letters in lower case, without allocating when
// it already is.
func Lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + ('a' - 'A')
				}
			}
			return string(b)
		}
	}
	return s
}

// HasControl reports whether a header value contains a control character: 0x00-0x1F other
// than HTAB, or DEL (0x7F). RFC 9110 field values allow none of them; CR and LF would split
// the header.
func HasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return true
		}
	}
	return false
}

// IsCookieValueSafe refuses control characters and ';', which would end the cookie pair.
func IsCookieValueSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c == ';' {
			return false
		}
	}
	return true
}
