package redact

import (
	"encoding/base64"
	"slices"
	"strings"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// Marker replaces every redacted span.
const Marker = "[REDACTED]"

// MinLength is the length below which a pattern is only redacted as a whole token (see doc.go).
const MinLength = 8

// pattern is one byte string to look for.
type pattern struct {
	b string
	// short: len(b) < MinLength, only matched as a whole token.
	short bool
	// ambiguous: b contains '\' or '%', which can stand for itself or start an escape in the
	// input; such patterns are also matched with literal bytes first (see match.go).
	ambiguous bool
}

// Set is an immutable set of secrets to redact. The zero value and nil redact nothing.
type Set struct {
	pats  []pattern // longest first
	plain [256]bool // the patterns' first bytes
	first [256]bool // bytes a match can start with: plain, and the escapes that can stand for one
	masks []uint64  // each byte set in first, times 0x01..01, for scan
	m4    [4]uint64 // masks padded to 4 (repeating the first) for scan's unrolled loop
	m8    [8]uint64 // masks padded to 8 likewise, for scan's loop of ascii8
	// pairs: the patterns' first two bytes, folded to 6 bits each (pairs[b0&63] bit b1&63), so
	// that next drops most candidates without a call (see cannotStart). Folding only adds false
	// candidates, which the full match then rejects.
	pairs [64]uint64
	// single: some pattern is one byte long, which pairs cannot vouch for.
	single bool
	// ascii4: at most 4 masks, all of ASCII bytes (scan's cheapest loop); ascii8: 5 to 8 such
	// masks (a set with an OAuth2 client's Basic forms and a token: 'b', 'm', 'e', '\', '%').
	ascii4, ascii8 bool
	// plainText: every pattern byte is visible ASCII that is neither JSON structure (" , [ ] { },
	// ':' but inside), nor a space, nor a byte JSON escaping changes (\, Go's < > &). See PlainText.
	plainText bool
	creds     []security.Credential
}

// New builds a Set from credentials; zero values are skipped.
func New(creds ...security.Credential) *Set {
	s := &Set{}
	for _, c := range creds {
		s.add(c)
	}
	s.index()
	return s
}

// With returns s plus c: s itself when c is zero or already in s, else a new Set.
func (s *Set) With(c security.Credential) *Set {
	if c.Value.IsZero() {
		return s
	}
	if s != nil {
		for _, o := range s.creds {
			if o.Form == c.Form && o.Value.Reveal() == c.Value.Reveal() {
				return s
			}
		}
	}
	n := &Set{}
	if s != nil { // the configured patterns are reused as they are: only c's are derived per call
		n.pats = append(make([]pattern, 0, len(s.pats)+3), s.pats...)
		n.creds = append(make([]security.Credential, 0, len(s.creds)+1), s.creds...)
	}
	n.add(c)
	n.index()
	return n
}

// WithInto is With building the new set in dst, whose buffers it reuses, instead of allocating
// one: the plugin keeps one Set per request state (plugin/pool.go), so a passthrough call,
// whose client credential is new every time, allocates none. It returns s when c adds nothing
// (dst untouched), else dst. dst may be s (c is added in place); otherwise nothing may still
// use dst's earlier contents.
func (s *Set) WithInto(dst *Set, c security.Credential) *Set {
	if c.Value.IsZero() || s.has(c) {
		return s
	}
	// s is indexed already: dst starts from its tables and marks only c's patterns.
	plainText := s == nil || len(s.pats) == 0 || s.plainText
	if s != dst {
		dst.Clear()
		if s != nil {
			dst.pats = append(dst.pats, s.pats...)
			dst.creds = append(dst.creds, s.creds...)
			dst.plain, dst.first = s.plain, s.first
			dst.pairs, dst.single = s.pairs, s.single
			dst.masks = append(dst.masks, s.masks...)
		}
	}
	dst.plainText = plainText
	n := len(dst.pats)
	dst.add(c)
	for _, p := range dst.pats[n:] {
		dst.mark(p)
	}
	slices.SortStableFunc(dst.pats, longestFirst)
	dst.buildMasks()
	return dst
}

// Clear empties s, keeping its buffers, and drops its references to secrets.
func (s *Set) Clear() {
	clear(s.pats[:cap(s.pats)])
	clear(s.creds[:cap(s.creds)])
	*s = Set{pats: s.pats[:0], creds: s.creds[:0], masks: s.masks[:0]}
}

// has reports whether s already holds c (same form and value).
func (s *Set) has(c security.Credential) bool {
	if s == nil {
		return false
	}
	for _, o := range s.creds {
		if o.Form == c.Form && o.Value.Reveal() == c.Value.Reveal() {
			return true
		}
	}
	return false
}

// Len reports how many patterns s looks for.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.pats)
}

// ShortSecrets reports how many of s's patterns are shorter than MinLength.
func (s *Set) ShortSecrets() int {
	n := 0
	if s != nil {
		for _, p := range s.pats {
			if p.short {
				n++
			}
		}
	}
	return n
}

func (s *Set) add(c security.Credential) {
	v := c.Value.Reveal()
	if v == "" {
		return
	}
	s.creds = append(s.creds, c)
	switch c.Form {
	case security.FormBasic:
		s.addBasic(v)
	case security.FormAuthorization:
		s.addAuthorization(v)
	default:
		s.addToken(v)
	}
}

// addToken adds v, and its minimal JSON escape when v has a backslash (so that "a\\b" is
// found in non-JSON text; inside JSON strings escapes are decoded anyway).
func (s *Set) addToken(v string) {
	if v == "" {
		return
	}
	s.addPattern(v)
	if strings.ContainsRune(v, '\\') {
		s.addPattern(strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v))
	}
}

// addBasic adds the forms of a Basic credential given as base64 of "user:pass": the base64
// without padding, "user:pass" and the password. The user name alone is not a secret.
func (s *Set) addBasic(b64 string) {
	s.addToken(strings.TrimRight(b64, "="))
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return // not base64 (pkg/security validates client and configured values): the token is all we have
	}
	up := string(raw)
	s.addToken(up)
	if _, pass, ok := strings.Cut(up, ":"); ok {
		s.addToken(pass)
	}
}

// addAuthorization adds the token of a whole Authorization value ("<scheme> <token>").
func (s *Set) addAuthorization(v string) {
	v = strings.Trim(v, " \t")
	word, tok, ok := strings.Cut(v, " ")
	if !ok {
		s.addToken(v)
		return
	}
	tok = strings.Trim(tok, " \t")
	if strings.EqualFold(word, "basic") {
		s.addBasic(tok)
		return
	}
	s.addToken(tok)
}

func (s *Set) addPattern(b string) {
	for _, p := range s.pats {
		if p.b == b {
			return
		}
	}
	s.pats = append(s.pats, pattern{b: b, short: len(b) < MinLength, ambiguous: strings.ContainsAny(b, `\%`)})
}

// index sorts the patterns longest first and fills the first-byte tables and plainText.
func (s *Set) index() {
	// slices' stable sort, not sort.SliceStable: no reflection and no allocation, which
	// counted per passthrough call (With indexes a set per call).
	slices.SortStableFunc(s.pats, longestFirst)
	s.plainText = true
	for _, p := range s.pats {
		s.mark(p)
	}
	s.buildMasks()
}

func longestFirst(a, b pattern) int { return len(b.b) - len(a.b) }

// mark records p in the first-byte tables and in plainText.
func (s *Set) mark(p pattern) {
	s.plain[p.b[0]] = true
	s.setFirst(p.b[0])
	if p.b[0] == ' ' {
		s.setFirst('+')
	}
	s.setFirst('\\')
	s.setFirst('%')
	if len(p.b) == 1 {
		s.single = true
	} else {
		s.pairs[p.b[0]&63] |= 1 << (p.b[1] & 63)
	}
	// A short secret is redacted only as a whole token, and a marker written by the first
	// pass can make one of it ("0<secret>0000" becomes "0[REDACTED]0000"): only a second
	// pass sees that token (a FuzzRedact finding, kept as a seed).
	if p.short {
		s.plainText = false
	}
	for i := 0; i < len(p.b); i++ {
		// Outside a JSON string a ':' follows a key's closing quote, so a pattern without
		// '"' can only match one there if the ':' is its first byte ("user:pass" is fine).
		if !plainByte(p.b[i]) && !(p.b[i] == ':' && i > 0) {
			s.plainText = false
		}
	}
}

// setFirst marks c in the first table and, when it is new there, inserts its mask into masks,
// which stay in byte order (as a walk of the table would list them): WithInto adds a call's
// credential without walking the 256 entries again (make bench).
func (s *Set) setFirst(c byte) {
	if s.first[c] {
		return
	}
	s.first[c] = true
	m := lo8 * uint64(c)
	k := len(s.masks)
	for k > 0 && s.masks[k-1] > m {
		k--
	}
	s.masks = slices.Insert(s.masks, k, m)
}

// buildMasks derives scan's padded masks and loop choice from masks (see setFirst).
func (s *Set) buildMasks() {
	s.m4, s.m8 = [4]uint64{}, [8]uint64{}
	ascii := len(s.masks) > 0
	for _, m := range s.masks {
		if m&0x80 != 0 {
			ascii = false
		}
	}
	s.ascii4 = ascii && len(s.masks) <= 4
	s.ascii8 = ascii && len(s.masks) > 4 && len(s.masks) <= 8
	for k := range s.m8 {
		m := uint64(0)
		if k < len(s.masks) {
			m = s.masks[k]
		} else if len(s.masks) > 0 {
			m = s.masks[0]
		}
		if k < len(s.m4) {
			s.m4[k] = m
		}
		s.m8[k] = m
	}
}

// PlainText reports whether every secret of s is at least MinLength long and made of bytes
// that JSON escaping leaves as they are and that cannot form JSON structure. Then a body redacted by Body contains no
// secret in any form, even spanning structure, and pasting it into a JSON string (as our
// conversion does) cannot make one: the final message needs no second pass unless other text
// (a template, prependBody) joins the body. The zero and nil Set are PlainText.
func (s *Set) PlainText() bool { return s == nil || len(s.pats) == 0 || s.plainText }

func plainByte(c byte) bool {
	switch c {
	case '"', '\\', ',', ':', '[', ']', '{', '}', '<', '>', '&':
		return false
	}
	return c > ' ' && c < 0x7f
}
