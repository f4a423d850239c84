package redact

import (
	"unicode/utf16"
	"unicode/utf8"
)

// region is the part of the input a match must lie in, and how to read it.
type region struct {
	lo, hi int
	// inString: the region is the content of a JSON string, where every '\' starts an escape
	// (it cannot stand for itself) and matches may only start on a whole character or escape.
	inString bool
}

// next returns the first match at or after i in r as [start, end), or -1, -1.
func (s *Set) next(b []byte, i int, r region) (int, int) {
	if !r.inString { // the hot loop (see scan.go)
		for i = s.scan(b, i, r.hi); i < r.hi; i = s.scan(b, i+1, r.hi) {
			if s.cannotStart(b, i, r.hi) {
				continue
			}
			if e := s.longestAt(b, i, r); e > i {
				return i, s.extend(b, i, e, r)
			}
		}
		return -1, -1
	}
	for i < r.hi {
		if s.first[b[i]] && !s.cannotStart(b, i, r.hi) {
			if e := s.longestAt(b, i, r); e > i {
				return i, s.extend(b, i, e, r)
			}
		}
		i += step(b, i, r)
	}
	return -1, -1
}

// cannotStart reports, from two bytes, that no match starts at the candidate b[i]: most
// candidates in a response are a plain letter that begins a token ('e' of a JWT's "eyJ") in
// ordinary text, and the full match costs a call per candidate and per pattern (make bench).
// It only answers true where longestAt would find nothing: b[i] is not an escape byte, so a
// match there is b[i] itself followed by the pattern's second byte, which b[i+1] is literally
// or starts an escape of ('\', '%', '+'); pairs holds every pattern's first two bytes.
func (s *Set) cannotStart(b []byte, i, hi int) bool {
	if s.single || isEscape(b[i]) {
		return false
	}
	if i+1 >= hi {
		return true // every pattern has two bytes or more
	}
	d := b[i+1]
	return !isEscape(d) && s.pairs[b[i]&63]&(1<<(d&63)) == 0
}

// isEscape reports whether c can start an escape that matchAt decodes.
func isEscape(c byte) bool { return c == '\\' || c == '%' || c == '+' }

// extend grows the match [i, e) while another match starts inside it and ends beyond it, so
// that overlapping secrets leave no tail behind.
func (s *Set) extend(b []byte, i, e int, r region) int {
	for p := i + step(b, i, r); p < e; p += step(b, p, r) {
		if s.first[b[p]] {
			if e2 := s.longestAt(b, p, r); e2 > e {
				e = e2
			}
		}
	}
	return e
}

// step is the length of the character or escape at b[i].
func step(b []byte, i int, r region) int {
	if !r.inString || b[i] != '\\' || i+1 >= r.hi {
		return 1
	}
	if b[i+1] == 'u' {
		return 6
	}
	return 2
}

// longestAt returns the end of the longest match of any pattern starting at b[i], or -1.
func (s *Set) longestAt(b []byte, i int, r region) int {
	c, ok := s.startByte(b, i, r.hi)
	if !ok {
		return -1
	}
	// An escape byte that also starts a pattern may stand for itself or for another first byte.
	either := c == b[i] && (c == '\\' || c == '%' || c == '+')
	best := -1
	for k := range s.pats {
		p := &s.pats[k]
		if p.b[0] != c && !either {
			continue
		}
		e := matchAt(b, i, r, p.b, false)
		if p.ambiguous {
			if e2 := matchAt(b, i, r, p.b, true); e2 > e {
				e = e2
			}
		}
		if e > best && (!p.short || wholeToken(b, i, e, r)) {
			best = e
		}
	}
	return best
}

// matchAt returns the end of an occurrence of p starting at b[i], or -1. Each byte of p is
// matched by itself or by an escape of it: a JSON escape (\" \n \/ \u00e9 ...), %XX or '+' for
// a space. Where an input '\' or '%' could be either the byte itself or an escape, the escape
// is tried first, then the byte; literalFirst reverses that (for patterns that hold '\' or '%'
// themselves: see pattern.ambiguous). There is no other backtracking: one pass per attempt.
func matchAt(b []byte, i int, r region, p string, literalFirst bool) int {
	j, k := i, 0
	for k < len(p) {
		if j >= r.hi {
			return -1
		}
		c := b[j]
		lit := c == p[k] && !(r.inString && c == '\\')
		if lit && (literalFirst || (c != '\\' && c != '%')) {
			j, k = j+1, k+1
			continue
		}
		if n, m := decodeAt(b[j:r.hi], p[k:]); n > 0 {
			j, k = j+n, k+m
			continue
		}
		if !lit {
			return -1
		}
		j, k = j+1, k+1
	}
	return j
}

// decodeAt decodes the escape at in[0] and, when it stands for a prefix of want, returns the
// input bytes n and pattern bytes m it covers; else 0, 0.
func decodeAt(in []byte, want string) (n, m int) {
	switch in[0] {
	case '+':
		if want[0] == ' ' {
			return 1, 1
		}
	case '%':
		if len(in) >= 3 {
			if h, ok := unhex(in[1], in[2]); ok && h == want[0] {
				return 3, 1
			}
		}
	case '\\':
		var buf [utf8.UTFMax]byte
		d, n := jsonEscape(in, &buf)
		if n > 0 && len(d) <= len(want) && string(d) == want[:len(d)] {
			return n, len(d)
		}
	}
	return 0, 0
}

// jsonEscape decodes the JSON escape at in[0] ('\') into buf; n is 0 when it is not one.
// A surrogate pair is one character; a lone surrogate reads as U+FFFD, as JSON decoders do.
func jsonEscape(in []byte, buf *[utf8.UTFMax]byte) (d []byte, n int) {
	if len(in) < 2 {
		return nil, 0
	}
	switch in[1] {
	case '"', '\\', '/':
		buf[0] = in[1]
	case 'b':
		buf[0] = '\b'
	case 'f':
		buf[0] = '\f'
	case 'n':
		buf[0] = '\n'
	case 'r':
		buf[0] = '\r'
	case 't':
		buf[0] = '\t'
	case 'u':
		r, ok := hex4(in[2:])
		if !ok {
			return nil, 0
		}
		n = 6
		if utf16.IsSurrogate(r) {
			r, n = surrogate(in, r)
		}
		return buf[:utf8.EncodeRune(buf[:], r)], n
	default:
		return nil, 0
	}
	return buf[:1], 2
}

// surrogate completes the surrogate r at in[0:6] with a following \uXXXX low surrogate.
func surrogate(in []byte, r rune) (rune, int) {
	if len(in) >= 12 && in[6] == '\\' && in[7] == 'u' {
		if r2, ok := hex4(in[8:]); ok {
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				return d, 12
			}
		}
	}
	return utf8.RuneError, 6
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	hi, ok1 := unhex(b[0], b[1])
	lo, ok2 := unhex(b[2], b[3])
	return rune(hi)<<8 | rune(lo), ok1 && ok2
}

func unhex(a, b byte) (byte, bool) {
	x, ok1 := hexVal(a)
	y, ok2 := hexVal(b)
	return x<<4 | y, ok1 && ok2
}

func hexVal(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// wholeToken reports whether [i, e) is not glued to a word character inside r.
func wholeToken(b []byte, i, e int, r region) bool {
	return (i == r.lo || !isWord(b[i-1])) && (e >= r.hi || !isWord(b[e]))
}

func isWord(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}
