package jsonscan

import (
	"math/bits"
	"unsafe"
)

// Deeper reports whether b, read as JSON, opens more than limit levels of
// objects and arrays at some point. It does not validate: it counts brackets
// outside strings, which bounds what any recursive JSON parser (gjson's
// validator, structuredContent, response templates) would descend into,
// whether b is valid JSON or only starts like it. Used on bodies this plugin
// does not control: REST responses, and the configuration before it is parsed.
//
// It runs over every byte of a response, so it looks at eight bytes per step
// (one 64-bit load in Wasm, where a byte-at-a-time switch costs ~50
// instructions per byte): outside strings for a bracket or a quote, inside
// for a quote or a backslash.
func Deeper(b []byte, limit int) bool {
	n := len(b)
	if n <= limit {
		return false // more than limit levels need more than limit bytes
	}
	p := unsafe.Pointer(unsafe.SliceData(b))
	depth := 0
	for i := 0; i < n; i++ {
		if i+8 <= n {
			m := structural(*(*uint64)(unsafe.Add(p, i)))
			if m == 0 {
				i += 7
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		}
		switch b[i] {
		case '{', '[':
			depth++
			if depth > limit {
				return true
			}
		case '}', ']':
			if depth > 0 {
				depth--
			}
		case '"':
			// Skip to the closing quote (i = n when there is none).
			for i++; i < n; i++ {
				if i+8 <= n {
					m := quoteOrBackslash(*(*uint64)(unsafe.Add(p, i)))
					if m == 0 {
						i += 7
						continue
					}
					i += bits.TrailingZeros64(m) >> 3
				}
				if b[i] == '"' {
					break
				}
				if b[i] == '\\' {
					i++
				}
			}
		}
	}
	return false
}

// SWAR constants: a byte value repeated in each byte of a 64-bit word.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// hasByte sets the high bit of the bytes of x equal to the byte of c (c = v*lsb). Bits above
// the lowest flagged byte may be false positives (borrows), the lowest one is exact.
func hasByte(x, c uint64) uint64 {
	y := x ^ c
	return (y - lsb) &^ y & msb
}

// structural flags '{', '[', '}', ']' and '"' in x (lowest flag exact). '[' and ']' differ
// from '{' and '}' only in bit 5, and no other byte becomes '{' or '}' when it is set.
func structural(x uint64) uint64 {
	y := x | 0x20*lsb
	return hasByte(y, '{'*lsb) | hasByte(y, '}'*lsb) | hasByte(x, '"'*lsb)
}

// quoteOrBackslash flags '"' and '\\' in x (lowest flag exact).
func quoteOrBackslash(x uint64) uint64 {
	return hasByte(x, '"'*lsb) | hasByte(x, '\\'*lsb)
}
