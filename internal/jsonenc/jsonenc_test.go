package jsonenc

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

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
		assert.Equal(t, want, string(AppendString(nil, in)), "%q", in)
	}
}

// FuzzJSONStringContent: the two-pass escaper writes exactly what the
// byte-by-byte one writes, and the result is a valid JSON string.
func FuzzJSONStringContent(f *testing.F) {
	for _, s := range []string{"", "plain", `{"a":"b\\c"}`, "tab\tnl\n\x00\x1f\x7f", "é€𝄞", "bad\xff\xfe utf8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := AppendStringContent([]byte("prefix"), s)
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
// fuzz test checks AppendStringContent against it.
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

// FuzzToValidUTF8: the text equals what a JSON round trip of AppendString gives.
func FuzzToValidUTF8(f *testing.F) {
	for _, s := range []string{"", "plain", "é€𝄞", "bad\xff\xfe utf8", "\xed\xa0\x80", "\xf0\x9f\x98"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var back string
		if err := json.Unmarshal(AppendString(nil, s), &back); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if got := ToValidUTF8(s); got != back {
			t.Fatalf("%q: ToValidUTF8 %q, JSON round trip %q", s, got, back)
		}
	})
}
