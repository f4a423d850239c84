package redact

import (
	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/jsonscan"
)

// Contains reports whether b holds any secret of s, in any form.
func (s *Set) Contains(b []byte) bool {
	if s.Len() == 0 {
		return false
	}
	i, _ := s.next(b, 0, region{hi: len(b)})
	return i >= 0
}

// Bytes redacts b as plain bytes (no structure). It returns b itself when nothing matches.
func (s *Set) Bytes(b []byte) []byte {
	if s.Len() == 0 {
		return b
	}
	r := region{hi: len(b)}
	i, e := s.next(b, 0, r)
	if i < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	last := 0
	for i >= 0 {
		out = append(append(out, b[last:i]...), Marker...)
		last = e
		i, e = s.next(b, e, r)
	}
	return append(out, b[last:]...)
}

// JSON redacts a valid JSON document so that it stays valid JSON (see doc.go). It returns b
// itself when nothing matches.
func (s *Set) JSON(b []byte) []byte {
	if !s.Contains(b) {
		return b
	}
	return s.redactJSON(b)
}

// Body redacts a backend response body: as JSON when it is valid JSON, else as bytes. It
// returns b itself when nothing matches; validity is only checked when something does.
func (s *Set) Body(b []byte) []byte { return s.BodyWithin(b, -1) }

// BodyWithin is Body for a body whose nesting is not bounded yet: it is read as JSON only when
// it opens at most maxDepth levels of objects and arrays (gjson's validator recurses once per
// level, and a hostile backend must not trap the plugin), else redacted as bytes. A negative
// maxDepth means no bound.
func (s *Set) BodyWithin(b []byte, maxDepth int) []byte {
	if !s.Contains(b) {
		return b
	}
	if (maxDepth < 0 || !jsonscan.Deeper(b, maxDepth)) && gjson.ValidBytes(b) {
		return s.redactJSON(b)
	}
	return s.Bytes(b)
}

// redactJSON walks the document once: strings are redacted inside, scalar tokens (numbers and
// literals) that contain a secret become the string "[REDACTED]", structure is copied.
func (s *Set) redactJSON(b []byte) []byte {
	var out []byte
	last := 0 // b[last:] is not in out yet
	for i := 0; i < len(b); {
		switch c := b[i]; {
		case c == '"':
			end := stringEnd(b, i+1)
			out, last = s.redactString(b, region{lo: i + 1, hi: end, inString: true}, out, last)
			i = end + 1
		case isScalar(c):
			j := i + 1
			for j < len(b) && isScalar(b[j]) {
				j++
			}
			if st, _ := s.next(b, i, region{lo: i, hi: j}); st >= 0 {
				out = append(append(grow(out, b), b[last:i]...), `"`+Marker+`"`...)
				last = j
			}
			i = j
		default:
			i++
		}
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// redactString replaces the matches inside the JSON string content r.
func (s *Set) redactString(b []byte, r region, out []byte, last int) ([]byte, int) {
	for i := r.lo; i < r.hi; {
		st, e := s.next(b, i, r)
		if st < 0 {
			break
		}
		out = append(append(grow(out, b), b[last:st]...), Marker...)
		last, i = e, e
	}
	return out, last
}

// grow allocates the output on the first replacement.
func grow(out, b []byte) []byte {
	if out == nil {
		return make([]byte, 0, len(b)+len(Marker))
	}
	return out
}

// stringEnd returns the index of the quote closing the string whose content starts at i
// (len(b) if none).
func stringEnd(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case '"':
			return i
		case '\\':
			i += 2
		default:
			i++
		}
	}
	return len(b)
}

func isScalar(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' || c == '+' || c == '.'
}
