package jsonenc

import (
	"encoding/json"
	"strings"
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
		f.Add(s, uint8(0))
	}
	for _, s := range escaperCases() {
		f.Add(s, uint8(len(s)))
	}
	f.Fuzz(func(t *testing.T, s string, spare uint8) {
		// dst with spare bytes of capacity: from none (grown at once) to enough for the
		// plain bytes but not the escapes (grown in the middle of s).
		dst := append(make([]byte, 0, len("prefix")+int(spare)), "prefix"...)
		got := AppendStringContent(dst, s)
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

// escaperCases are inputs that reach each path of AppendStringContent: escapes and
// non-ASCII at every offset of a word and in the tail, truncated and invalid sequences at the
// end, and bodies whose escapes grow the output to several times its size.
func escaperCases() []string {
	cases := []string{
		strings.Repeat("\x01", 300),                                                                    // every byte becomes 6
		strings.Repeat(`"`, 257),                                                                       // every byte becomes 2
		strings.Repeat("a", 64) + strings.Repeat("\x1f\\", 100),                                        // plain, then escapes only
		strings.Repeat("日本語のテキスト", 40),                                                                 // 3-byte runes, none escaped
		strings.Repeat("é😀\u2028\u2029\ufffd", 30),                                                     // 2-, 4- and 3-byte runes, U+FFFD as text
		"\xed\xa0\x80\xed\xbf\xbf\xc0\xaf\xe0\x80\xaf\xf0\x80\x80\xaf\xf4\x90\x80\x80\xf5\x80\x80\x80", // surrogates, overlong, > U+10FFFF
	}
	for k := 0; k < 17; k++ { // each special at each offset, with a tail of each length
		pad := strings.Repeat("x", k)
		for _, sp := range []string{`"`, `\`, "\n", "\x00", "\x7f", "é", "€", "😀", "\xff", "\xe2\x82", "\xf0\x9f\x98", "\xc3"} {
			cases = append(cases, pad+sp, pad+sp+pad, sp+pad+sp)
		}
	}
	return cases
}

func TestAppendStringContentPaths(t *testing.T) {
	for _, s := range escaperCases() {
		want := string(appendJSONStringBytewise([]byte("pre"), s))
		for _, spare := range []int{0, 1, len(s), len(s) + 15, len(s) + 16, 6*len(s) + 16} {
			dst := append(make([]byte, 0, 3+spare), "pre"...)
			if got := string(AppendStringContent(dst, s)); got != want {
				t.Fatalf("%q (spare %d): got %q, want %q", s, spare, got, want)
			}
		}
	}
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
