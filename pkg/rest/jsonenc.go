package rest

import (
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

const hexDigits = "0123456789abcdef"

// jsonClass[c]: 0 for bytes copied as they are, 1 for ASCII that must be escaped, 2 for the
// first byte of a multi-byte (or invalid) UTF-8 sequence.
var jsonClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = 2
		case c < 0x20 || c == '"' || c == '\\':
			t[c] = 1
		}
	}
	return t
}()

// appendJSONString appends s as a quoted JSON string.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendJSONStringContent(dst, s)
	return append(dst, '"')
}

// jsonExtra[c] is how many bytes escaping c adds: 1 for '"', '\\' and the
// control characters with a short escape, 5 for other control characters
// (\u00XX), 0 for everything else (valid UTF-8 is kept as it is).
var jsonExtra = func() (t [256]uint8) {
	for c := 0; c < 0x20; c++ {
		t[c] = 5
	}
	for _, c := range []byte{'"', '\\', '\n', '\r', '\t', '\b', '\f'} {
		t[c] = 1
	}
	return t
}()

// appendJSONStringContent appends s JSON-escaped, without quotes: quotes, backslashes and
// control characters are escaped, UTF-8 is kept, invalid UTF-8 becomes U+FFFD.
//
// Valid UTF-8 (the common case) takes two tight passes: one sums the bytes the
// escapes add, one writes into space grown once. Response bodies are JSON, so
// quotes come every few bytes and per-run appends would dominate.
func appendJSONStringContent(dst []byte, s string) []byte {
	if !utf8.ValidString(s) {
		return appendJSONStringInvalid(dst, s)
	}
	extra := 0
	for i := 0; i < len(s); i++ {
		extra += int(jsonExtra[s[i]])
	}
	if extra == 0 {
		return append(dst, s...)
	}
	n := len(dst)
	dst = slices.Grow(dst, len(s)+extra)[:n+len(s)+extra]
	out := dst[n:]
	j := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch jsonExtra[c] {
		case 0:
			out[j] = c
			j++
		case 1:
			out[j], out[j+1] = '\\', shortEscape(c)
			j += 2
		default:
			out[j], out[j+1], out[j+2], out[j+3], out[j+4], out[j+5] = '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF]
			j += 6
		}
	}
	return dst
}

// shortEscape is the letter after '\\' for the bytes jsonExtra gives 1.
func shortEscape(c byte) byte {
	switch c {
	case '\n':
		return 'n'
	case '\r':
		return 'r'
	case '\t':
		return 't'
	case '\b':
		return 'b'
	case '\f':
		return 'f'
	}
	return c // '"' and '\\'
}

// appendJSONStringInvalid is appendJSONStringContent for text that is not
// valid UTF-8: each invalid byte becomes U+FFFD.
func appendJSONStringInvalid(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		for i < len(s) && jsonClass[s[i]] == 0 {
			i++
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if jsonClass[c] == 1 {
			dst = append(dst, s[start:i]...)
			dst = appendEscapedASCII(dst, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

func appendEscapedASCII(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}

// appendCompactJSON appends raw JSON without insignificant whitespace. raw must be valid JSON.
func appendCompactJSON(dst []byte, raw string) []byte {
	inStr, esc := false, false
	start := 0
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inStr:
			if esc {
				esc = false
			} else if c == '\\' {
				esc = true
			} else if c == '"' {
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			dst = append(dst, raw[start:i]...)
			start = i + 1
		}
	}
	return append(dst, raw[start:]...)
}

// compactJSON returns raw without insignificant whitespace, without copying when it has none.
func compactJSON(raw string) string {
	if !hasJSONSpace(raw) {
		return raw
	}
	return string(appendCompactJSON(make([]byte, 0, len(raw)), raw))
}

func hasJSONSpace(raw string) bool {
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case ' ', '\t', '\n', '\r':
			return true
		}
	}
	return false
}

// isPlainInteger reports whether a JSON number literal has no fraction or exponent.
func isPlainInteger(raw string) bool {
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '.', 'e', 'E':
			return false
		}
	}
	return raw != ""
}

// appendFloat formats f as encoding/json does for a float64 (what Higress's template data holds).
func appendFloat(dst []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		n := len(dst) - start
		if n >= 4 && dst[len(dst)-4] == 'e' && dst[len(dst)-3] == '-' && dst[len(dst)-2] == '0' {
			dst[len(dst)-2] = dst[len(dst)-1]
			dst = dst[:len(dst)-1]
		}
	}
	return dst
}

// isJSONNumber reports whether s is a JSON number literal.
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i >= len(s) {
		return false
	}
	if s[i] == '0' {
		i++
	} else if s[i] >= '1' && s[i] <= '9' {
		i = skipDigits(s, i)
	} else {
		return false
	}
	if i < len(s) && s[i] == '.' {
		j := skipDigits(s, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := skipDigits(s, i)
		if j == i {
			return false
		}
		i = j
	}
	return i == len(s)
}

func skipDigits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// unsafeString views b as a string without copying; b must not change while the string is used.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}
