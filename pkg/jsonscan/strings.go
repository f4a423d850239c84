package jsonscan

import (
	"unicode/utf16"
	"unicode/utf8"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jsonenc"
)

// str reads the string at s.pos (an opening quote). It returns the span of
// its content and whether it has escapes; raw invalid UTF-8 and lone
// surrogate escapes are recorded as KindUTF8 in region, and the scan continues.
func (s *scanner) str(region Region) (start, end int, esc bool, err *Error) {
	b := s.b
	i := s.pos + 1
	start = i
	for i < len(b) {
		// Printable ASCII other than '"' and '\\' needs no look: skip it eight
		// bytes per step.
		if i = jsonenc.NextSpecial(s.text, i); i >= len(b) {
			break
		}
		switch c := b[i]; {
		case c == '"':
			s.pos = i + 1
			return start, i, esc, nil
		case c == '\\':
			n, ok, bad := escape(b, i)
			if !ok {
				s.pos = i
				return 0, 0, false, s.syntax()
			}
			if bad {
				s.note(KindUTF8, region, i)
			}
			esc = true
			i += n
		case c < 0x20:
			s.pos = i
			return 0, 0, false, s.syntax()
		default:
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 {
				s.note(KindUTF8, region, i)
			}
			i += n
		}
	}
	s.pos = i
	return 0, 0, false, s.syntax()
}

// escape checks the escape sequence at b[i] ('\\'). n is its length (a
// surrogate pair counts as one sequence of 12 bytes); ok is false for a
// syntax error; bad is true for a lone surrogate.
func escape(b []byte, i int) (n int, ok, bad bool) {
	if i+1 >= len(b) {
		return 0, false, false
	}
	switch b[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, true, false
	case 'u':
	default:
		return 0, false, false
	}
	r, ok := hex4(b, i+2)
	if !ok {
		return 0, false, false
	}
	if !utf16.IsSurrogate(r) {
		return 6, true, false
	}
	if r >= 0xDC00 { // a low surrogate first
		return 6, true, true
	}
	if i+7 < len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
		if lo, ok := hex4(b, i+8); ok && lo >= 0xDC00 && lo <= 0xDFFF {
			return 12, true, false
		}
	}
	return 6, true, true
}

// hex4 decodes the four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// unescape decodes the content of a string already checked by str. Lone
// surrogates become U+FFFD (str has recorded them).
func unescape(raw []byte) string {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		n, _, bad := escape(raw, i)
		switch {
		case raw[i+1] != 'u':
			out = append(out, simpleEscape(raw[i+1]))
		case n == 12 && !bad:
			hi, _ := hex4(raw, i+2)
			lo, _ := hex4(raw, i+8)
			out = utf8.AppendRune(out, utf16.DecodeRune(hi, lo))
		default:
			r, _ := hex4(raw, i+2)
			out = utf8.AppendRune(out, r) // a lone surrogate encodes as U+FFFD
		}
		i += n
	}
	return string(out)
}

func simpleEscape(c byte) byte {
	switch c {
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return c // " \ /
}
