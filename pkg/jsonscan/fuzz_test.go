package jsonscan

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// reference walks body with encoding/json's tokenizer (a different,
// recursive-free implementation) and reports what Message must find:
// whether it is JSON, the first depth violation, and whether some object
// has a duplicate name.
type reference struct {
	valid    bool
	tooDeep  bool
	region   Region // of the depth violation
	dup      bool
	maxDepth int
}

func walk(body []byte, lim Limits) reference {
	ref := reference{valid: json.Valid(body)}
	if !ref.valid {
		return ref
	}
	type level struct {
		obj    bool
		region Region
		names  map[string]bool
		key    string
		keyed  bool // the next token of an object is a value
	}
	var stack []*level
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // 1e700 is valid JSON, just not a float64
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return ref
		}
		if err != nil {
			return reference{valid: false}
		}
		region := RegionEnvelope
		if n := len(stack); n > 0 {
			top := stack[n-1]
			if top.obj && !top.keyed {
				if d, ok := tok.(json.Delim); !ok || d != '}' {
					name := tok.(string)
					ref.dup = ref.dup || top.names[name]
					top.names[name], top.key, top.keyed = true, name, true
					continue
				}
			}
			region = top.region
			switch {
			case n == 1 && top.obj && top.key == "params":
				region = RegionParams
			case n == 2 && top.obj && top.region == RegionParams && top.key == "arguments":
				region = RegionArguments
			}
			top.keyed = false
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth := len(stack) + 1
			ref.maxDepth = max(ref.maxDepth, depth)
			over := depth > lim.Envelope
			if region == RegionArguments {
				over = depth-argumentsBase > lim.Arguments
			}
			if over && !ref.tooDeep {
				ref.tooDeep, ref.region = true, region
			}
			stack = append(stack, &level{obj: tok == json.Delim('{'), region: region, names: map[string]bool{}})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}

func FuzzMessage(f *testing.F) {
	seeds := []string{
		call(`{"petId":"42","tags":["a","b"],"filter":{"since":"2024-01-01","limit":10}}`),
		call(`{"region":null,"region":"eu"}`),
		call(`{"r\u0065gion":1,"region":2}`),
		call(`{"q":"\ud83d\ude00 \ud800 \udc00"}`),
		call("{\"q\":\"caf\xe9\"}"),
		call(nest("[", "]", 9, "")),
		call(nest(`{"a":`, "}", 9, "1")),
		`{"jsonrpc":"2.0","id":1,"method":"ping","params":{"_meta":{"x":[[[[]]]]}}}`,
		`[{"jsonrpc":"2.0","id":1,"method":"ping"}]`,
		`{"a":-0.5e+3,"b":[true,false,null],"c":"\"\\\/\b\f\n\r\t"}`,
		`[1.]`, `{"a" 1}`, `["\u12"]`, "[\"\x01\"]", `{"a":1,}`, `01`, `-`, `""`, ` `,
	}
	for _, s := range seeds {
		f.Add([]byte(s), uint8(4), uint8(3))
	}
	f.Fuzz(func(t *testing.T, body []byte, env, args uint8) {
		lim := Limits{Envelope: int(env%8) + 1, Arguments: int(args%8) + 1}
		res := Message(body, lim)
		ref := walk(body, lim)
		if !ref.valid {
			if res.Err == nil || !res.Err.Fatal() {
				t.Fatalf("invalid JSON accepted: %v", res.Err)
			}
			return
		}
		if ref.tooDeep {
			if res.Err == nil || res.Err.Kind != KindDepth || res.Err.Region != ref.region {
				t.Fatalf("depth: got %v, want a depth error in %v", res.Err, ref.region)
			}
			return
		}
		if res.Err != nil && res.Err.Fatal() {
			t.Fatalf("valid JSON within limits refused: %v", res.Err)
		}
		if !gjson.ValidBytes(body) {
			t.Fatal("accepted a body gjson considers invalid")
		}
		if ref.dup && res.Err == nil {
			t.Fatal("duplicate name not reported")
		}
		if !utf8.Valid(body) && res.Err == nil {
			t.Fatal("invalid UTF-8 not reported")
		}
		if res.Err != nil && res.Err.Kind == KindDuplicate && !ref.dup {
			t.Fatal("duplicate reported where there is none")
		}
		if res.Err != nil && res.Err.Kind == KindUTF8 && utf8.Valid(body) && !bytes.Contains(body, []byte(`\u`)) {
			t.Fatal("UTF-8 error reported for valid UTF-8 without escapes")
		}
		if Deeper(body, ref.maxDepth) || (ref.maxDepth > 0 && !Deeper(body, ref.maxDepth-1)) {
			t.Fatalf("Deeper disagrees with depth %d", ref.maxDepth)
		}
	})
}

// FuzzDeeper: the eight-bytes-per-step Deeper answers what a byte-by-byte bracket count
// answers, on any bytes (hostile backends do not send valid JSON) and any limit.
func FuzzDeeper(f *testing.F) {
	seeds := []string{
		`{"items":[{"id":"p-1","tags":["a","b"]},{"id":"p-2"}]}`,
		`{"s":"[[[[[[[[[[[[{{{{{{{{"}`,                  // brackets inside a string
		`{"s":"a\"[[[[[[[[[[[[[[[[\\"}[[[[[[[[[[[[[[[[`, // an escaped quote, then an escaped backslash
		`["unterminated [[[[[[[[[[[[[[[[[[[[[[[[`,
		`"\`, `[\"[[[[[[[[[[[[[[[[[`, "[[[\x80\xff[{[{[{[{[{[{]]]]]]]]", `]]]]]]]]]]]]}}}}}}}}[[[[[`,
		nest("[", "]", 20, "1"), nest(`{"a":`, "}", 20, `"x"`),
	}
	for _, s := range seeds {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, body []byte, limit uint8) {
		if got, want := Deeper(body, int(limit)), deeperBytewise(body, int(limit)); got != want {
			t.Fatalf("Deeper(%q, %d) = %v, byte by byte %v", body, limit, got, want)
		}
	})
}

// deeperBytewise is the reference for Deeper: one byte per step.
func deeperBytewise(b []byte, limit int) bool {
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '{', '[':
			depth++
			if depth > limit {
				return true
			}
		case '}', ']':
			if depth > 0 {
				depth--
			}
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		}
	}
	return false
}
