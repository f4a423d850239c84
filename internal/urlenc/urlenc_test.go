package urlenc

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEscapesMatchNetURL(t *testing.T) {
	for _, s := range []string{"", "abc", "a b", "../admin?x=1#f", "é/%2F;,$&+=:@!*'()[]{}|\\^`\"<>~", "\x00\x7f\xff"} {
		assert.Equal(t, url.PathEscape(s), string(AppendPathSegment(nil, s)), "PathEscape %q", s)
		assert.Equal(t, url.QueryEscape(s), string(AppendQuery(nil, s)), "QueryEscape %q", s)
	}
}

func FuzzEscapes(f *testing.F) {
	for _, s := range []string{"a b", "%zz", "%41+b", "é/?#", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := string(AppendPathSegment(nil, s)); got != url.PathEscape(s) {
			t.Fatalf("path %q: got %q want %q", s, got, url.PathEscape(s))
		}
		if got := string(AppendQuery(nil, s)); got != url.QueryEscape(s) {
			t.Fatalf("query %q: got %q want %q", s, got, url.QueryEscape(s))
		}
		got, ok := QueryUnescape(s)
		want, err := url.QueryUnescape(s)
		if ok != (err == nil) || ok && got != want {
			t.Fatalf("unescape %q: got %q,%v want %q,%v", s, got, ok, want, err)
		}
		norm := string(AppendNormalizedPath(nil, s))
		if !PathIsClean(norm) {
			t.Fatalf("normalized path %q of %q is not clean", norm, s)
		}
		if PathIsClean(s) && norm != s {
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
		assert.Equal(t, want, HasDotSegment(p), p)
	}
}
