package redact

import (
	"math/bits"
	"unsafe"
)

// The scan for candidates is the hot loop: it runs over every byte of every response, twice,
// and almost never finds a match. Compiled to Wasm, a byte-at-a-time table lookup costs ~50
// instructions per byte (measured with make bench), so it tests 8 bytes at once against each
// candidate byte (SWAR: a byte of x ^ c*0x01..01 is zero where x holds c).
const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// has reports, in the high bit of each byte, the bytes of x that equal the byte of mask
// (mask = c*lo8). Bits above a true match may be set too (borrows run upwards), never below.
func has(x, mask uint64) uint64 {
	y := x ^ mask
	return (y - lo8) &^ y & hi8
}

// load8 reads b[i:i+8] in one 64-bit load (Wasm and every Go target but big-endian ones are
// little-endian; the build is wasip1). encoding/binary's byte-by-byte form is not fused into
// one load by the Wasm backend.
func load8(b []byte, i int) uint64 {
	_ = b[i+7]
	return *(*uint64)(unsafe.Pointer(&b[i]))
}

// scan returns the index of the first candidate byte at or after i in b[:hi], or hi.
func (s *Set) scan(b []byte, i, hi int) int {
	if s.ascii4 { // the common case, unrolled: a token and the escape bytes
		m0, m1, m2, m3 := s.m4[0], s.m4[1], s.m4[2], s.m4[3]
		p := unsafe.Pointer(unsafe.SliceData(b))
		for ; i+8 <= hi; i += 8 {
			x := *(*uint64)(unsafe.Add(p, i)) // i+8 <= hi <= len(b)
			// has() without its "&^ y" per byte: every candidate byte is ASCII, so a byte of
			// x^m with its high bit set comes from a byte of x with it set, and "&^ x" once
			// clears them all. No borrow starts below the lowest true match, which stays exact.
			if m := (((x ^ m0) - lo8) | ((x ^ m1) - lo8) | ((x ^ m2) - lo8) | ((x ^ m3) - lo8)) &^ x & hi8; m != 0 {
				return i + bits.TrailingZeros64(m)/8
			}
		}
	} else if s.ascii8 { // the same for up to 8 candidate bytes
		m := &s.m8
		p := unsafe.Pointer(unsafe.SliceData(b))
		for ; i+8 <= hi; i += 8 {
			x := *(*uint64)(unsafe.Add(p, i)) // i+8 <= hi <= len(b)
			y := ((x ^ m[0]) - lo8) | ((x ^ m[1]) - lo8) | ((x ^ m[2]) - lo8) | ((x ^ m[3]) - lo8) |
				((x ^ m[4]) - lo8) | ((x ^ m[5]) - lo8) | ((x ^ m[6]) - lo8) | ((x ^ m[7]) - lo8)
			if y = y &^ x & hi8; y != 0 {
				return i + bits.TrailingZeros64(y)/8
			}
		}
	} else if len(s.masks) <= 4 {
		m0, m1, m2, m3 := s.m4[0], s.m4[1], s.m4[2], s.m4[3]
		for ; i+8 <= hi; i += 8 {
			x := load8(b, i)
			if m := has(x, m0) | has(x, m1) | has(x, m2) | has(x, m3); m != 0 {
				return i + bits.TrailingZeros64(m)/8 // the lowest flagged byte is a true match
			}
		}
	} else {
		for ; i+8 <= hi; i += 8 {
			x := load8(b, i)
			var m uint64
			for _, c := range s.masks {
				m |= has(x, c)
			}
			if m != 0 {
				return i + bits.TrailingZeros64(m)/8
			}
		}
	}
	for ; i < hi; i++ {
		if s.first[b[i]] {
			return i
		}
	}
	return hi
}

// simpleEscapes maps the character after '\' to what it stands for (0: not a one-character
// escape).
var simpleEscapes = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// startByte returns the byte a match at b[i] would start with: b[i] itself when a pattern
// starts with it, else what the escape at b[i] stands for ('\' JSON, '%' URL, '+' space).
// Most candidates in a JSON response are the '\' of an escaped quote: it answers those with
// two table lookups.
func (s *Set) startByte(b []byte, i, hi int) (byte, bool) {
	c := b[i]
	if s.plain[c] {
		return c, true
	}
	var d byte
	switch {
	case c == '\\' && i+1 < hi && b[i+1] != 'u':
		d = simpleEscapes[b[i+1]]
	case c == '\\':
		var buf [4]byte
		e, n := jsonEscape(b[i:hi], &buf)
		if n == 0 {
			return 0, false
		}
		d = e[0]
	case c == '%' && i+3 <= hi:
		h, ok := unhex(b[i+1], b[i+2])
		if !ok {
			return 0, false
		}
		d = h
	case c == '+':
		d = ' '
	}
	return d, d != 0 && s.plain[d]
}
