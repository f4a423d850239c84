package rest

import (
	"encoding/json"
	"net/url"
	"testing"
	"unicode/utf8"

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

// FuzzJSONStringContent: the two-pass escaper writes exactly what the
// byte-by-byte one writes, and the result is a valid JSON string.
func FuzzJSONStringContent(f *testing.F) {
	for _, s := range []string{"", "plain", `{"a":"b\\c"}`, "tab\tnl\n\x00\x1f\x7f", "é€𝄞", "bad\xff\xfe utf8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := appendJSONStringContent([]byte("prefix"), s)
		want := appendJSONStringBytewise([]byte("prefix"), s)
		if string(got) != string(want) {
			t.Fatalf("%q: fast %q, byte-by-byte %q", s, got, want)
		}
		var back string
		if err := json.Unmarshal(append(append([]byte{'"'}, got[len("prefix"):]...), '"'), &back); err != nil {
			t.Fatalf("%q: not a JSON string: %v", s, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("%q: decodes to %q", s, back)
		}
	})
}

// appendJSONStringBytewise is the reference escaper, one byte at a time: the
// fuzz test checks appendJSONStringContent against it.
func appendJSONStringBytewise(dst []byte, s string) []byte {
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
