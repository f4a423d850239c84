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
// Response bodies pass through here whole, so it is written for Go's Wasm code, where every
// call, bounds check and append costs tens of instructions: it reads eight bytes at a time
// (one i64.load), stores them to dst as they are (one i64.store) and only then looks for a
// byte that needs escaping (specialBytes); the bytes after that one are rewritten by the next
// step. dst is kept at least len(s)-i+escapeSlack bytes longer than what is written (plain
// bytes are copied 1:1), which is checked only where an escape makes the output longer.
func AppendStringContent(dst []byte, s string) []byte {
	n := len(s)
	if n == 0 {
		return dst
	}
	j := len(dst)
	if cap(dst)-j < n+escapeSlack {
		dst = slices.Grow(dst, n+n>>3+escapeSlack)
	}
	d := unsafe.Pointer(unsafe.SliceData(dst))
	room := cap(dst) // d[:room] may be written
	src := unsafe.Pointer(unsafe.StringData(s))
	for i := 0; i < n; {
		var c byte
		if i+8 <= n {
			x := *(*uint64)(unsafe.Add(src, i))
			*(*uint64)(unsafe.Add(d, j)) = x
			m := specialBytes(x)
			if m == 0 {
				i, j = i+8, j+8
				continue
			}
			k := bits.TrailingZeros64(m) >> 3
			i, j = i+k, j+k
			c = byte(x >> (k << 3))
		} else {
			c = s[i]
			if jsonClass[c] == 0 {
				*(*byte)(unsafe.Add(d, j)) = c
				i, j = i+1, j+1
				continue
			}
		}
		// s[i] = c needs a look. An escape writes up to 6 bytes for 1: keep the slack.
		if room-j < n-i+escapeSlack {
			dst = slices.Grow(dst[:j], n-i+(n-i)>>2+escapeSlack)
			d, room = unsafe.Pointer(unsafe.SliceData(dst)), cap(dst)
		}
		if c < utf8.RuneSelf {
			w := asciiEscapes[c] // the escape's bytes, its length in the top byte
			*(*uint64)(unsafe.Add(d, j)) = w
			i, j = i+1, j+int(w>>56)
			continue
		}
		// Non-ASCII: copy valid UTF-8 sequences while they follow each other (text in most
		// scripts but Latin is nothing else). The checks are utf8.DecodeRuneInString's rules
		// (no overlong forms, no surrogates, nothing above U+10FFFF), inline: a call per
		// character costs more in Wasm than the check.
		for {
			size := 0
			switch {
			case c < 0xC2: // a continuation byte, or the lead of an overlong 2-byte form
			case c < 0xE0:
				if i+1 < n && s[i+1]&0xC0 == 0x80 {
					size = 2
				}
			case c < 0xF0:
				if i+2 < n {
					lo, hi := byte(0x80), byte(0xBF)
					if c == 0xE0 {
						lo = 0xA0
					} else if c == 0xED {
						hi = 0x9F
					}
					if c1 := s[i+1]; lo <= c1 && c1 <= hi && s[i+2]&0xC0 == 0x80 {
						size = 3
					}
				}
			case c < 0xF5:
				if i+3 < n {
					lo, hi := byte(0x80), byte(0xBF)
					if c == 0xF0 {
						lo = 0x90
					} else if c == 0xF4 {
						hi = 0x8F
					}
					if c1 := s[i+1]; lo <= c1 && c1 <= hi && s[i+2]&0xC0 == 0x80 && s[i+3]&0xC0 == 0x80 {
						size = 4
					}
				}
			}
			if size == 0 { // an invalid byte: U+FFFD, then back to the slack check
				*(*uint64)(unsafe.Add(d, j)) = badByteEscape
				i, j = i+1, j+6
				break
			}
			if i+8 <= n { // size <= 4 bytes of a word copy; the slack covers the whole word
				*(*uint64)(unsafe.Add(d, j)) = *(*uint64)(unsafe.Add(src, i))
			} else {
				for t := 0; t < size; t++ {
					*(*byte)(unsafe.Add(d, j+t)) = s[i+t]
				}
			}
			i, j = i+size, j+size
			if i >= n {
				break
			}
			if c = s[i]; c < utf8.RuneSelf {
				break
			}
		}
	}
	return dst[:j]
}

// escapeSlack is the room AppendStringContent keeps past the bytes still to be copied: an
// 8-byte store at the last plain byte, or a 6-byte escape written as one 8-byte store.
const escapeSlack = 16

// asciiEscapes[c] is the escape of an ASCII byte that needs one ('"', '\\', < 0x20) as the
// little-endian bytes of a word, with its length (2 or 6) in the top byte.
var asciiEscapes = func() (t [256]uint64) {
	for c := 0; c < utf8.RuneSelf; c++ {
		if jsonClass[c] == 1 {
			e := appendEscapedASCII(nil, byte(c))
			var w [8]byte
			copy(w[:], e)
			w[7] = byte(len(e))
			t[c] = binary.LittleEndian.Uint64(w[:])
		}
	}
	return t
}()

// badByteEscape is `\ufffd` as the little-endian bytes of a word: what an invalid UTF-8 byte becomes.
var badByteEscape = binary.LittleEndian.Uint64([]byte("\\ufffd\x00\x00"))

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
func NextSpecial(s string, i int) int {
	p := unsafe.Pointer(unsafe.StringData(s)) // not unsafe.Slice: it calls MulUintptr in Wasm
	for ; i+8 <= len(s); i += 8 {
		if m := specialBytes(*(*uint64)(unsafe.Add(p, i))); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(s); i++ {
		if jsonClass[s[i]] != 0 {
			return i
		}
	}
	return len(s)
}

// specialBytes sets the high bit of each byte of x that is < 0x20, '"', '\\'
// or >= 0x80. Bits above the lowest flagged byte may be false positives
// (borrows), the lowest one is exact, which is all its callers use.
//
// A byte of q or bs can only have its high bit set when x's has it, which flags it anyway,
// so none of the terms needs the usual "&^ y" of zero-byte detection.
func specialBytes(x uint64) uint64 {
	q, bs := x^quotes, x^backslashes
	return ((x - 0x20*lsb) | (q - lsb) | (bs - lsb) | x) & msb
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
