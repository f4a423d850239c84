package rest

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEscapesMatchNetURL(t *testing.T) {
	for _, s := range []string{"", "abc", "a b", "../admin?x=1#f", "é/%2F;,$&+=:@!*'()[]{}|\\^`\"<>~", "\x00\x7f\xff"} {
		assert.Equal(t, url.PathEscape(s), string(appendPathEscape(nil, s)), "PathEscape %q", s)
		assert.Equal(t, url.QueryEscape(s), string(appendQueryEscape(nil, s)), "QueryEscape %q", s)
	}
}

func FuzzEscapes(f *testing.F) {
	for _, s := range []string{"a b", "%zz", "%41+b", "é/?#", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := string(appendPathEscape(nil, s)); got != url.PathEscape(s) {
			t.Fatalf("path %q: got %q want %q", s, got, url.PathEscape(s))
		}
		if got := string(appendQueryEscape(nil, s)); got != url.QueryEscape(s) {
			t.Fatalf("query %q: got %q want %q", s, got, url.QueryEscape(s))
		}
		got, ok := queryUnescape(s)
		want, err := url.QueryUnescape(s)
		if ok != (err == nil) || ok && got != want {
			t.Fatalf("unescape %q: got %q,%v want %q,%v", s, got, ok, want, err)
		}
		norm := string(appendNormalizedPath(nil, s))
		if !pathIsClean(norm) {
			t.Fatalf("normalized path %q of %q is not clean", norm, s)
		}
		if pathIsClean(s) && norm != s {
			t.Fatalf("clean path %q changed to %q", s, norm)
		}
		if _, err := url.Parse("http://h/" + norm); err != nil {
			t.Fatalf("normalized path %q does not parse: %v", norm, err)
		}
	})
}

func TestDotSegments(t *testing.T) {
	cases := map[string]bool{
		"/a/b": false, "/./a": true, "/a/..": true, "/a/%2e%2E/b": true, "/a/.%2e": true, "/a/...": false,
		"/a/..b": false, "/a/%2e%2e%2e": false, "/": false, "": false, "/a/%252e": false,
	}
	for p, want := range cases {
		assert.Equal(t, want, hasDotSegment(p), p)
	}
}

func TestJSONString(t *testing.T) {
	cases := map[string]string{
		"":                   `""`,
		"plain":              `"plain"`,
		"q\"b\\s/":           `"q\"b\\s/"`,
		"\n\r\t\b\f\x00\x1f": `"\n\r\t\b\f\u0000\u001f"`,
		"é€😀\u2028":          "\"é€😀\u2028\"",
		"bad\xff\xc3":        `"bad\ufffd\ufffd"`,
	}
	for in, want := range cases {
		assert.Equal(t, want, string(appendJSONString(nil, in)), "%q", in)
	}
}

// TestWordNeedsEscape checks the 8-byte skip against the byte table for
// every byte value in every position, and for random words.
func TestWordNeedsEscape(t *testing.T) {
	naive := func(w string) bool {
		for i := 0; i < len(w); i++ {
			if jsonClass[w[i]] != 0 {
				return true
			}
		}
		return false
	}
	base := []byte("abcdefgh")
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			w := append([]byte(nil), base...)
			w[pos] = byte(c)
			if got, want := wordNeedsEscape(string(w)), naive(string(w)); got != want {
				t.Fatalf("wordNeedsEscape(%q) = %v, want %v", w, got, want)
			}
		}
	}
	seed := uint64(0x9E3779B97F4A7C15)
	for n := 0; n < 200000; n++ {
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		var w [8]byte
		for i := range w {
			w[i] = byte(seed >> (8 * i))
			if n%2 == 0 { // mostly printable ASCII, where the skip matters
				w[i] = 0x20 + w[i]%0x5f
			}
		}
		if got, want := wordNeedsEscape(string(w[:])), naive(string(w[:])); got != want {
			t.Fatalf("wordNeedsEscape(%q) = %v, want %v", w, got, want)
		}
	}
}
