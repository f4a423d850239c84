// Package jsonenc writes JSON text by appending to byte slices: strings escaped as
// encoding/json escapes them (invalid UTF-8 becomes U+FFFD), numbers printed as Higress's
// template data prints them, and raw JSON compacted. It allocates only to grow dst.
package jsonenc

import (
	"encoding/binary"
	"math"
	"math/bits"
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

// AppendString appends s as a quoted JSON string.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = AppendStringContent(dst, s)
	return append(dst, '"')
}

// AppendStringContent appends s JSON-escaped, without quotes: quotes, backslashes and
// control characters are escaped, UTF-8 is kept, invalid UTF-8 becomes U+FFFD.
//
// It copies runs of plain bytes with one append each and finds the next byte
// to look at eight bytes per step (nextSpecial): response bodies are mostly
// JSON text, and a per-byte loop in Wasm costs far more than the copy.
func AppendStringContent(dst []byte, s string) []byte {
	dst = slices.Grow(dst, len(s)+len(s)>>3+8)
	start := 0
	for i := nextSpecial(s, 0); i < len(s); i = nextSpecial(s, i) {
		c := s[i]
		if c < utf8.RuneSelf {
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

// SWAR constants: a byte value repeated in each byte of a 64-bit word.
const (
	lsb         = 0x0101010101010101
	msb         = 0x8080808080808080
	quotes      = '"' * lsb
	backslashes = '\\' * lsb
)

// NextSpecial returns the index of the first byte at or after i that is a
// control character, '"', '\\' or non-ASCII, or len(s): the end of the run a
// JSON string holds as it is (pkg/jsonscan skips string content with it).
func NextSpecial(s string, i int) int { return nextSpecial(s, i) }

// nextSpecial returns the index of the first byte at or after i that is a
// control character, '"', '\\' or non-ASCII, or len(s).
func nextSpecial(s string, i int) int {
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	for ; i+8 <= len(b); i += 8 {
		if m := specialBytes(binary.LittleEndian.Uint64(b[i : i+8])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(b); i++ {
		if jsonClass[b[i]] != 0 {
			return i
		}
	}
	return len(b)
}

// specialBytes sets the high bit of each byte of x that is < 0x20, '"', '\\'
// or >= 0x80. Bits above the lowest flagged byte may be false positives
// (borrows), the lowest one is exact, which is all nextSpecial uses.
func specialBytes(x uint64) uint64 {
	q, bs := x^quotes, x^backslashes
	return ((x-0x20*lsb)&^x | (q-lsb)&^q | (bs-lsb)&^bs | x) & msb
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

// AppendCompact appends raw JSON without insignificant whitespace. raw must be valid JSON.
func AppendCompact(dst []byte, raw string) []byte {
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

// Compact returns raw without insignificant whitespace, without copying when it has none.
func Compact(raw string) string {
	if !hasSpace(raw) {
		return raw
	}
	return string(AppendCompact(make([]byte, 0, len(raw)), raw))
}

func hasSpace(raw string) bool {
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case ' ', '\t', '\n', '\r':
			return true
		}
	}
	return false
}

// IsPlainInteger reports whether a JSON number literal has no fraction or exponent.
func IsPlainInteger(raw string) bool {
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '.', 'e', 'E':
			return false
		}
	}
	return raw != ""
}

// AppendFloat formats f as encoding/json does for a float64 (what Higress's template data holds).
func AppendFloat(dst []byte, f float64) []byte {
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

// IsNumber reports whether s is a JSON number literal.
func IsNumber(s string) bool {
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

// ToValidUTF8 returns s with each byte that is not part of valid UTF-8 replaced by U+FFFD,
// which is what s becomes after AppendString and a JSON decode; s itself when it is valid.
// (strings.ToValidUTF8 replaces a run of invalid bytes with one U+FFFD instead.)
func ToValidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return string(b)
}
