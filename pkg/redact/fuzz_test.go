package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// forms enumerates the encodings of v that a backend's echo may use (see doc.go). The fuzz
// property is that none of them survives redaction.
func forms(v string) []string {
	var esc bytes.Buffer
	enc := json.NewEncoder(&esc)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	plain := strings.TrimSpace(esc.String())
	plain = plain[1 : len(plain)-1]
	html, _ := json.Marshal(v)
	q := url.QueryEscape(v)
	out := []string{v, plain, string(html[1 : len(html)-1]), strings.ReplaceAll(plain, "/", `\/`), asciiJSON(v),
		q, lowerHex(q), url.PathEscape(v)}
	return out
}

// asciiJSON is Python's json.dumps(v) (ensure_ascii) without quotes.
func asciiJSON(v string) string {
	var b strings.Builder
	for _, r := range v {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r < 0x20 || r > 0x7e:
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fuzzSecret keeps the secrets the config would accept and the property covers: no control
// characters, valid UTF-8, at least MinLength bytes (shorter ones are whole-token only).
func fuzzSecret(v string) bool {
	if len(v) < MinLength || !utf8.ValidString(v) {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] == 0x7f {
			return false
		}
	}
	return true
}

// secretsOf lists the values whose forms must not survive, for one credential.
func secretsOf(v string, isBasic bool) []string {
	if !isBasic {
		return []string{v}
	}
	out := []string{v, strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(v)), "=")}
	if _, pass, ok := strings.Cut(v, ":"); ok && fuzzSecret(pass) {
		out = append(out, pass)
	}
	return out
}

func FuzzRedact(f *testing.F) {
	f.Add([]byte(`{"headers":{"X-Api-Key":"`), []byte(`"}}`), "hdr-key-9d2f6b1e", "tok+9Qz/AbC=", uint8(0), false)
	f.Add([]byte(`GET /x?api_key=`), []byte(`&y=1`), "q/default 7f3a9c", "svc:p@ss w0rd", uint8(5), true)
	f.Add([]byte(`{"a":"`), []byte(`","n":12345678}`), `pä<ss>&"wörd`, "12345678", uint8(4), true)
	f.Add([]byte(`["x`), []byte(`"]`), `back\slash%25key`, "[REDACTED]x", uint8(2), false)
	f.Add([]byte(`{"k":"\u0041`), []byte(`\ud83d\ude00"}`), "key-😀-long", "ACTED]tail", uint8(3), false)
	f.Fuzz(func(t *testing.T, pre, post []byte, a, b string, enc uint8, bIsBasic bool) {
		if !fuzzSecret(a) || !fuzzSecret(b) || (bIsBasic && !strings.Contains(b, ":")) {
			return
		}
		credB := tok(b)
		if bIsBasic {
			credB = basic(b)
		}
		s := New(tok(a)).With(credB)
		fa := forms(a)
		in := append(append(append([]byte(nil), pre...), fa[int(enc)%len(fa)]...), post...)
		values := append(secretsOf(a, false), secretsOf(b, bIsBasic)...)
		checkBytes(t, s, in, values)
		if json.Valid(in) {
			checkJSON(t, s, in, values)
		}
		body := s.Body(in)
		if !bytes.Equal(body, s.JSON(in)) && !bytes.Equal(body, s.Bytes(in)) {
			t.Fatalf("Body is neither JSON nor Bytes: %q", body)
		}
		checkPlainText(t, s, body)
	})
}

// checkBytes: after Bytes, no form of any value is left outside the markers.
func checkBytes(t *testing.T, s *Set, in []byte, values []string) {
	out := s.Bytes(in)
	flat := bytes.ReplaceAll(out, []byte(Marker), []byte{0})
	for _, v := range values {
		for _, fm := range forms(v) {
			if bytes.Contains(flat, []byte(fm)) {
				t.Fatalf("form %q of %q survives Bytes:\nin  %q\nout %q", fm, v, in, out)
			}
		}
	}
}

// checkJSON: JSON stays valid, and no decoded string or number holds a form of a value.
func checkJSON(t *testing.T, s *Set, in []byte, values []string) {
	out := s.JSON(in)
	if !json.Valid(out) {
		t.Fatalf("valid JSON became invalid:\nin  %q\nout %q", in, out)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("decode: %v", err)
	}
	walk(doc, func(str string) {
		flat := strings.ReplaceAll(str, Marker, "\x00")
		for _, v := range values {
			for _, fm := range forms(v) {
				if strings.Contains(flat, fm) {
					t.Fatalf("form %q of %q survives JSON in %q:\nin  %q\nout %q", fm, v, str, in, out)
				}
			}
		}
	})
}

func walk(v any, fn func(string)) {
	switch x := v.(type) {
	case string:
		fn(x)
	case json.Number:
		fn(string(x))
	case []any:
		for _, e := range x {
			walk(e, fn)
		}
	case map[string]any:
		for k, e := range x {
			fn(k)
			walk(e, fn)
		}
	}
}

// FuzzScan: the 8-bytes-at-a-time scan finds exactly what a byte-by-byte table lookup finds.
func FuzzScan(f *testing.F) {
	f.Add([]byte(`{"a":"b\"c%41"}`), "bq", 0)
	f.Add([]byte("0123456789abcdef\x00\xff\x80"), "\x00\xff", 3)
	f.Add([]byte("the quick brown fox jumps over the lazy dog 0123456789"), "aeiouxyz", 1)
	f.Fuzz(func(t *testing.T, b []byte, first string, from int) {
		if first == "" || len(first) > 8 || from < 0 || from > len(b) {
			return
		}
		var creds []security.Credential // one pattern per byte of first: up to 10 candidate bytes
		for i := 0; i < len(first); i++ {
			creds = append(creds, tok(first[i:i+1]+"-token"))
		}
		s := New(creds...)
		want := from
		for want < len(b) && !s.first[b[want]] {
			want++
		}
		if got := s.scan(b, from, len(b)); got != want {
			t.Fatalf("scan(%q, %d) = %d, want %d", b, from, got, want)
		}
	})
}

// checkPlainText: for a PlainText set, a second pass over what the plugin builds from a
// redacted body (the body as a JSON string, and a JSON body as it is) finds nothing, which is
// why the plugin skips it.
func checkPlainText(t *testing.T, s *Set, body []byte) {
	if !s.PlainText() {
		return
	}
	wrapped := append(append([]byte(`{"content":[{"type":"text","text":`), mustJSON(string(body))...), `}]}`...)
	if got := s.JSON(wrapped); !bytes.Equal(got, wrapped) {
		t.Fatalf("second pass over the text content found more:\nbody %q\nout  %q", body, got)
	}
	if json.Valid(body) {
		if got := s.JSON(body); !bytes.Equal(got, body) {
			t.Fatalf("second pass over structuredContent found more:\nbody %q\nout  %q", body, got)
		}
	}
}

// lowerHex writes the %XX escapes of q with lowercase hex digits (and nothing else lowercase:
// the seed testdata/fuzz/FuzzRedact/5b3f849e638578ce caught a checker that lowercased it all).
func lowerHex(q string) string {
	b := []byte(q)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lowerASCII(b[i+1]), lowerASCII(b[i+2])
		}
	}
	return string(b)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
